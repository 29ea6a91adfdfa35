package rpc.transport.inprocess.internal;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs tasks one at a time, in submission order, on the thread that submits while no other thread is
 * draining: callbacks stay serialized without a thread of their own. Thread-safe.
 *
 * <p>{@link #enqueue} may be called under a lock (it never runs a task); {@link #drain} must be
 * called without holding any lock.
 */
final class SerialExecutor {
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicInteger pending = new AtomicInteger();

  void enqueue(Runnable task) {
    tasks.add(task);
  }

  void drain() {
    if (tasks.isEmpty()) {
      return;
    }
    if (pending.getAndIncrement() != 0) {
      return; // another thread is draining and will see our task
    }
    do {
      Runnable r;
      while ((r = tasks.poll()) != null) {
        try {
          r.run();
        } catch (RuntimeException e) {
          System.getLogger("rpc.transport.inprocess").log(System.Logger.Level.WARNING, "listener failed", e);
        }
      }
    } while (pending.decrementAndGet() != 0);
  }
}
