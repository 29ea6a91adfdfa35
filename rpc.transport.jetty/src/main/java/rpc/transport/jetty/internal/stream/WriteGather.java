package rpc.transport.jetty.internal.stream;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntSupplier;

/**
 * Gathers the writes of the calls of one server connection, so that responses finished at about the
 * same time leave in one system call instead of one (or two) each.
 *
 * <p>A call whose stream is idle writes at once when it is the connection's only call. When others
 * are open, it joins this gather instead, and one task, started on a new virtual thread, writes for
 * every call that joined meanwhile: the handlers that were already due run before that task (the
 * virtual-thread scheduler runs tasks in order), so their responses join the same gather. Only the
 * first of those writes reaches the socket at once; the rest are handed to Jetty while that write
 * completes (see {@link CallStream#onWriteSucceeded}), when Jetty only queues them, and its next
 * write carries them all.
 *
 * <p>Thread-safe.
 */
public final class WriteGather {
  private final ConcurrentLinkedQueue<Runnable> waiting = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final IntSupplier openCalls;
  private final Runnable task = this::runTask;

  /**
   * A gather for one connection.
   *
   * @param openCalls how many calls the connection has open now
   */
  public WriteGather(IntSupplier openCalls) {
    this.openCalls = openCalls;
  }

  /** Whether an idle stream's write should join the gather rather than start at once. */
  public boolean worthGathering() {
    return openCalls.getAsInt() > 1;
  }

  /**
   * Adds a write to start with the next gathered write: {@code start} hands the call's frames to
   * Jetty.
   *
   * @param start starts the write; runs once, on the gather's thread or in a write's completion
   */
  public void add(Runnable start) {
    waiting.add(start);
    if (scheduled.compareAndSet(false, true)) {
      try {
        Thread.ofVirtual().name("rpc-jetty-write").start(task);
      } catch (RuntimeException | OutOfMemoryError e) {
        scheduled.set(false);
        drain(); // no thread to spare: write here
      }
    }
  }

  private void runTask() {
    scheduled.set(false);
    drain();
  }

  /** Starts the write of every call that joined. */
  void drain() {
    Runnable start;
    while ((start = waiting.poll()) != null) {
      start.run();
    }
  }
}
