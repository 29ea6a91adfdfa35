package rpc.transport.jetty.internal;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs the tasks of one call one at a time, in submission order, on whichever thread submits while
 * no other task runs: a Jetty thread for inbound frames, the application's thread for
 * {@code request}/{@code cancel}. This keeps the listener callbacks of a call serialized without a
 * thread hop, and lets a callback re-enter the call (its follow-up tasks run after it returns).
 *
 * <p>Thread-safe.
 */
final class SerialExecutor {
  private static final System.Logger LOG = System.getLogger(SerialExecutor.class.getName());

  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicInteger pending = new AtomicInteger();

  /** Runs {@code task} now on this thread, or after the task currently running. */
  void execute(Runnable task) {
    tasks.add(task);
    if (pending.getAndIncrement() != 0) {
      return;
    }
    do {
      Runnable next = tasks.poll();
      try {
        next.run();
      } catch (Throwable t) {
        // A listener that throws must not stop the call's other callbacks.
        LOG.log(System.Logger.Level.WARNING, "call callback failed", t);
      }
    } while (pending.decrementAndGet() != 0);
  }
}
