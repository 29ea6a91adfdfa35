package rpc.api.internal;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Detects two threads sending (or receiving) on one stream at once, as the stream contract
 * requires. Thread-safe.
 */
final class StreamGuard {
  private final AtomicReference<Thread> owner = new AtomicReference<>();
  private final String operation;

  StreamGuard(String operation) {
    this.operation = operation;
  }

  void enter(String streamName) {
    Thread me = Thread.currentThread();
    if (!owner.compareAndSet(null, me)) {
      Thread other = owner.get();
      if (other == me) {
        throw new IllegalStateException("stream " + streamName + ": " + operation
            + " re-entered on the same thread");
      }
      throw new IllegalStateException("stream " + streamName + ": concurrent " + operation + " — thread '"
          + (other == null ? "?" : other.getName()) + "' is already in " + operation
          + "; a stream allows one sender and one receiver at a time");
    }
  }

  void exit() {
    owner.set(null);
  }
}
