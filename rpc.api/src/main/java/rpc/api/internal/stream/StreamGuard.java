package rpc.api.internal.stream;

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

  void enter(rpc.api.Stream<?, ?> stream) {
    Thread me = Thread.currentThread();
    if (!owner.compareAndSet(null, me)) {
      Thread other = owner.get();
      if (other == me) {
        throw new IllegalStateException("stream " + stream.name() + ": " + operation
            + " re-entered on the same thread");
      }
      throw new IllegalStateException("stream " + stream.name() + ": concurrent " + operation + " — thread '"
          + (other == null ? "?" : other.getName()) + "' is already in " + operation
          + "; a stream allows one sender and one receiver at a time");
    }
  }

  void exit() {
    owner.set(null);
  }
}
