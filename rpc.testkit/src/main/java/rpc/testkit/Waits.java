package rpc.testkit;

import java.time.Duration;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * Polling waits the tests use to make one thread block deterministically before another acts.
 * Bounded in time: a wait that is not satisfied gives up and reports what it saw, so a broken
 * transport fails an assertion instead of hanging.
 */
final class Waits {
  private static final long POLL_MILLIS = 10;

  private Waits() {}

  /**
   * Waits until {@code condition} holds, polling.
   *
   * @throws AssertionError naming {@code what} if it does not hold within {@code max}
   */
  static void until(String what, java.util.function.BooleanSupplier condition, Duration max)
      throws InterruptedException {
    long end = System.nanoTime() + max.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - end >= 0) {
        throw new AssertionError("waited " + max + " for " + what);
      }
      Thread.sleep(POLL_MILLIS);
    }
  }

  /** Whether the thread is parked (waiting on a lock, a condition or a sleep). */
  static boolean isParked(Thread t) {
    if (t == null) {
      return false;
    }
    Thread.State s = t.getState();
    return s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING || s == Thread.State.BLOCKED;
  }

  /**
   * Waits until {@code thread} has stayed parked for {@code quiet}; returns whether it did within
   * {@code max} (false if it ended or kept running).
   */
  static boolean awaitParked(Supplier<Thread> thread, Duration quiet, Duration max) throws InterruptedException {
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
   */
  static int awaitStalled(IntSupplier progress, Supplier<Thread> thread, Duration quiet, Duration max)
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
