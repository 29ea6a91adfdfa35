package rpc.testkit;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Bounded polling waits for tests. Thread-safe: it keeps no state, and the conditions it polls are
 * the caller's (they must be safe to read from the waiting thread, as atomics and futures are).
 *
 * <p>A test waits on something it can observe (a counter, a future, a thread's state) instead of
 * sleeping for a guessed time: a wait ends as soon as its condition holds, so a fast machine does
 * not pay for a slow one, and a slow machine does not fail because a sleep was too short. Every
 * wait is bounded: one that is not satisfied gives up and reports what it waited for and what it
 * saw, so a broken transport fails an assertion instead of hanging.
 *
 * <pre>{@code
 * Waits.until("3 handlers running", running::get, n -> n == 3, WAIT);
 * Waits.until("the fake server saw the connection close", () -> server.closed() == 1, WAIT);
 * }</pre>
 */
public final class Waits {
  private static final long POLL_MILLIS = 10;

  private Waits() {}

  /**
   * Waits until {@code condition} holds, polling it.
   *
   * @param what what is awaited, for the failure message (such as {@code "the handler started"})
   * @param condition the condition
   * @param max how long to wait at most
   * @throws AssertionError naming {@code what} if the condition does not hold within {@code max}
   * @throws InterruptedException if the waiting thread is interrupted
   */
  public static void until(String what, BooleanSupplier condition, Duration max) throws InterruptedException {
    until(what, condition::getAsBoolean, Boolean::booleanValue, max);
  }

  /**
   * Waits until the value {@code value} supplies satisfies {@code done}, polling it, and returns
   * that value.
   *
   * @param what what is awaited, for the failure message
   * @param <T> the value's type
   * @param value supplies the value
   * @param done whether a value is the awaited one
   * @param max how long to wait at most
   * @return the first value that satisfied {@code done}
   * @throws AssertionError naming {@code what} and the last value seen if no value satisfies
   *     {@code done} within {@code max}
   * @throws InterruptedException if the waiting thread is interrupted
   */
  public static <T> T until(String what, Supplier<T> value, Predicate<? super T> done, Duration max)
      throws InterruptedException {
    long end = System.nanoTime() + max.toNanos();
    while (true) {
      T v = value.get();
      if (done.test(v)) {
        return v;
      }
      if (System.nanoTime() - end >= 0) {
        throw new AssertionError("waited " + max + " for " + what + "; last saw " + v);
      }
      Thread.sleep(POLL_MILLIS);
    }
  }

  /**
   * Checks that {@code condition} stays true for the whole of {@code period}, polling it. For the
   * promises that something does not happen, which no event can confirm: only a bounded real wait
   * can, so {@code period} should be a generous multiple of the time the forbidden thing would take.
   *
   * @param what what must stay true, for the failure message
   * @param condition the condition
   * @param period how long it must hold
   * @throws AssertionError naming {@code what} as soon as the condition is false
   * @throws InterruptedException if the waiting thread is interrupted
   */
  public static void holds(String what, BooleanSupplier condition, Duration period) throws InterruptedException {
    long end = System.nanoTime() + period.toNanos();
    while (true) {
      if (!condition.getAsBoolean()) {
        throw new AssertionError("no longer true: " + what);
      }
      if (System.nanoTime() - end >= 0) {
        return;
      }
      Thread.sleep(POLL_MILLIS);
    }
  }

  /**
   * Whether the thread is parked (waiting on a lock, a condition or a sleep); false for null.
   *
   * @param t the thread, or null
   * @return true if it is parked
   */
  public static boolean isParked(Thread t) {
    if (t == null) {
      return false;
    }
    Thread.State s = t.getState();
    return s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING || s == Thread.State.BLOCKED;
  }

  /**
   * Waits until {@code thread} has stayed parked for {@code quiet}; returns whether it did within
   * {@code max} (false if it ended or kept running). Used to make one thread block before another
   * acts.
   *
   * @param thread supplies the thread (null until it exists)
   * @param quiet how long it must stay parked
   * @param max how long to wait at most
   * @return true if the thread stayed parked for {@code quiet} in time
   * @throws InterruptedException if the waiting thread is interrupted
   */
  public static boolean awaitParked(Supplier<Thread> thread, Duration quiet, Duration max) throws InterruptedException {
    long end = System.nanoTime() + max.toNanos();
    long parkedSince = -1;
    while (System.nanoTime() - end < 0) {
      Thread t = thread.get();
      if (t != null && !t.isAlive()) {
        return false;
      }
      if (isParked(t)) {
        long now = System.nanoTime();
        if (parkedSince < 0) {
          parkedSince = now;
        } else if (now - parkedSince >= quiet.toNanos()) {
          return true;
        }
      } else {
        parkedSince = -1;
      }
      Thread.sleep(POLL_MILLIS);
    }
    return false;
  }

  /**
   * Waits until a producer stops making progress: {@code progress} unchanged and {@code thread}
   * parked for {@code quiet}, or the thread ended, or {@code max} passed. Returns the progress
   * then. Used to find out how far a sender gets before flow control stops it.
   *
   * @param progress the producer's progress, such as messages sent
   * @param thread supplies the producer's thread (null until it exists)
   * @param quiet how long nothing may change
   * @param max how long to wait at most
   * @return the progress when the producer stalled or ended, or when {@code max} passed
   * @throws InterruptedException if the waiting thread is interrupted
   */
  public static int awaitStalled(IntSupplier progress, Supplier<Thread> thread, Duration quiet, Duration max)
      throws InterruptedException {
    long end = System.nanoTime() + max.toNanos();
    int last = progress.getAsInt();
    long stableSince = System.nanoTime();
    while (System.nanoTime() - end < 0) {
      Thread.sleep(POLL_MILLIS);
      int now = progress.getAsInt();
      Thread t = thread.get();
      if (t != null && !t.isAlive()) {
        return now;
      }
      if (now != last || !isParked(t)) {
        last = now;
        stableSince = System.nanoTime();
      } else if (System.nanoTime() - stableSince >= quiet.toNanos()) {
        return now;
      }
    }
    return progress.getAsInt();
  }
}
