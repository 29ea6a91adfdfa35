package rpc.benchmarks;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A window of at most {@code size} calls in flight: take a slot before starting a call, and the
 * call's completion gives it back. Keeping the window full measures how many calls per second
 * complete at a fixed concurrency.
 *
 * <p>Thread-safe: one thread starts calls while completions arrive on any thread. The first failed
 * call is kept and rethrown by the next {@link #acquire}, so errors fail the benchmark instead of
 * looking like fast calls.
 */
final class Window extends Completion {
  private final int size;
  private final Semaphore slots;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();

  Window(int size) {
    if (size <= 0) {
      throw new IllegalArgumentException("window size must be positive: " + size);
    }
    this.size = size;
    this.slots = new Semaphore(size);
  }

  int size() {
    return size;
  }

  /** Waits for a free slot; fails if none frees up within the wait limit or a call failed. */
  void acquire() throws InterruptedException {
    if (!slots.tryAcquire(BenchService.WAIT_LIMIT.toNanos(), TimeUnit.NANOSECONDS)) {
      throw new IllegalStateException("no call completed within " + BenchService.WAIT_LIMIT + " (window " + size
          + "): the implementation is stuck");
    }
    checkFailure();
  }

  /** Takes a slot if one frees up within {@code millis}; false otherwise. */
  boolean tryAcquire(long millis) throws InterruptedException {
    boolean got = slots.tryAcquire(millis, TimeUnit.MILLISECONDS);
    if (got) {
      checkFailure();
    }
    return got;
  }

  /** Gives back a slot taken for a call that could not be started. */
  void release() {
    slots.release();
  }

  @Override
  void done(Throwable error) {
    if (error != null) {
      failure.compareAndSet(null, error);
    }
    slots.release();
  }

  /** Waits until every call started has completed, leaving the window empty and ready for reuse. */
  void awaitEmpty() throws InterruptedException {
    if (!slots.tryAcquire(size, BenchService.WAIT_LIMIT.toNanos(), TimeUnit.NANOSECONDS)) {
      throw new IllegalStateException((size - slots.availablePermits()) + " of " + size
          + " calls still in flight after " + BenchService.WAIT_LIMIT);
    }
    slots.release(size);
    checkFailure();
  }

  private void checkFailure() {
    Throwable t = failure.get();
    if (t != null) {
      throw new IllegalStateException("a call failed: " + t, t);
    }
  }
}
