package rpc.testkit;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import rpc.api.Status;

/**
 * What both recording listeners share: the log of one call's callbacks, and the checks of the SPI's
 * promises about them. Thread-safe: callbacks arrive on transport threads while a test reads.
 *
 * <p>A broken promise is recorded as a violation, not thrown: an exception thrown from a callback
 * lands in the transport's log and the test would never see it. Checked at entry to every callback:
 * <ul>
 *   <li>it does not overlap another callback of the call (an atomic owner, set on entry and cleared
 *       on exit), and is not nested inside one on the same thread;
 *   <li>it does not come after the call's end (the terminal callback, or the library's
 *       {@code close}), nor before the listener was handed to the transport;
 *   <li>it does not run inside {@code isReady()} on the thread calling it.
 * </ul>
 */
final class CallbackRecorder {
  static final String ON_HEADERS = "onHeaders";
  static final String ON_MESSAGE = "onMessage";
  static final String ON_CLOSE = "onClose";
  static final String ON_READY = "onReady";
  static final String ON_HALF_CLOSE = "onHalfClose";
  static final String ON_CANCEL = "onCancel";

  /** One callback as it arrived: which, with what, on which thread. */
  record Event(String callback, Object value, String thread) {
    @Override
    public String toString() {
      return value == null ? callback : callback + "(" + summary(value) + ")";
    }
  }

  private final String name;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final List<Event> events = new ArrayList<>(); // under lock
  private final List<String> violations = new ArrayList<>(); // under lock
  private final AtomicReference<Thread> running = new AtomicReference<>();
  private volatile boolean open;
  private volatile String end;
  private volatile Thread insideIsReady;
  private volatile long dwellNanos;

  /** A recorder for the call called {@code name} in messages; {@code open}: callbacks may come at once. */
  CallbackRecorder(String name, boolean open) {
    this.name = name;
    this.open = open;
  }

  String name() {
    return name;
  }

  /** From now on callbacks are expected (the server's acceptor is returning the listener). */
  void open() {
    open = true;
  }

  /** Spins this long inside every callback, so that an overlapping callback is caught in the act. */
  void dwell(Duration d) {
    dwellNanos = d.toNanos();
  }

  /**
   * Checks and records the entry of {@code callback}; returns whether this thread became the
   * call's running callback (pass it to {@link #exit}).
   */
  boolean enter(String callback, Object value) {
    Thread me = Thread.currentThread();
    if (!open) {
      violation(callback + " arrived before accept() returned the listener");
    }
    String ended = end;
    if (ended != null) {
      violation(callback + " arrived after " + ended);
    }
    if (insideIsReady == me) {
      violation(callback + " ran inside isReady() on " + me.getName());
    }
    Thread other = running.compareAndExchange(null, me);
    if (other == me) {
      violation(callback + " ran nested inside another callback of the call, on " + me.getName());
    } else if (other != null) {
      violation(callback + " on " + me.getName() + " overlapped a callback still running on " + other.getName());
    }
    lock.lock();
    try {
      events.add(new Event(callback, value, me.getName()));
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    long dwell = dwellNanos;
    if (dwell > 0) {
      long until = System.nanoTime() + dwell;
      while (System.nanoTime() - until < 0) {
        Thread.onSpinWait();
      }
    }
    return other == null;
  }

  /** Marks the end of a callback entered with {@link #enter}. */
  void exit(boolean owner) {
    if (owner) {
      running.compareAndSet(Thread.currentThread(), null);
    }
  }

  /** The call has ended by {@code what}; every later callback is a violation. */
  void ended(String what) {
    if (end == null) {
      end = what;
    }
  }

  /** Runs {@code isReady} with this thread marked, so a callback it runs inline is a violation. */
  boolean isReady(java.util.function.BooleanSupplier isReady) {
    insideIsReady = Thread.currentThread();
    try {
      return isReady.getAsBoolean();
    } finally {
      insideIsReady = null;
    }
  }

  void violation(String what) {
    lock.lock();
    try {
      violations.add(what);
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  List<String> violations() {
    lock.lock();
    try {
      return List.copyOf(violations);
    } finally {
      lock.unlock();
    }
  }

  List<Event> events() {
    lock.lock();
    try {
      return List.copyOf(events);
    } finally {
      lock.unlock();
    }
  }

  int count(String callback) {
    lock.lock();
    try {
      return (int) events.stream().filter(e -> e.callback().equals(callback)).count();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until the events satisfy {@code done}, at most {@code max}; fails saying what was
   * expected and what arrived.
   */
  List<Event> await(String expectation, Predicate<List<Event>> done, Duration max) throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    lock.lock();
    try {
      while (!done.test(events)) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          fail(name + ": expected " + expectation + " within " + max.toSeconds() + " s; got " + describeLocked());
        }
        changed.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
      }
      return List.copyOf(events);
    } finally {
      lock.unlock();
    }
  }

  /** The callbacks so far and any violations, for assertion messages. */
  String describe() {
    lock.lock();
    try {
      return describeLocked();
    } finally {
      lock.unlock();
    }
  }

  private String describeLocked() {
    String log = events.size() <= 40 ? events.toString()
        : events.subList(0, 20) + " … " + (events.size() - 40) + " more … " + events.subList(events.size() - 20,
            events.size());
    return log + (violations.isEmpty() ? "" : ", violations " + violations);
  }

  /** A short form of a recorded value: text for short byte arrays, the code for a status. */
  static String summary(Object value) {
    if (value instanceof byte[] b) {
      if (b.length <= 32) {
        return new String(b, StandardCharsets.UTF_8);
      }
      return "byte[" + b.length + "] #" + SpiMethods.indexOf(b);
    }
    if (value instanceof Status s) {
      return s.code() + (s.description() == null ? "" : ": " + s.description());
    }
    return String.valueOf(value);
  }
}
