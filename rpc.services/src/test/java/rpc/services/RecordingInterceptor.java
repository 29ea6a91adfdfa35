package rpc.services;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import rpc.api.ServerCallHandler;
import rpc.api.ServerInterceptor;
import rpc.api.ServerStream;

/**
 * Counts the server handlers running at the moment, so a test can see a handler end whatever the
 * transport does with its connections.
 *
 * <p>Thread-safe.
 */
final class RecordingInterceptor implements ServerInterceptor {
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private int active;

  @Override
  public <Req, Resp> void intercept(ServerStream<Resp, Req> stream, ServerCallHandler<Req, Resp> next)
      throws Exception {
    add(1);
    try {
      next.handle(stream);
    } finally {
      add(-1);
    }
  }

  private void add(int delta) {
    lock.lock();
    try {
      active += delta;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** The handlers running now. */
  int active() {
    lock.lock();
    try {
      return active;
    } finally {
      lock.unlock();
    }
  }

  /** Waits until no handler runs; true if that happened within {@code timeout}. */
  boolean awaitIdle(Duration timeout) throws InterruptedException {
    long left = timeout.toNanos();
    lock.lock();
    try {
      while (active > 0) {
        if (left <= 0) {
          return false;
        }
        left = changed.awaitNanos(left);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }
}
