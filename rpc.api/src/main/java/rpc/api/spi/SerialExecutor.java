package rpc.api.spi;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs the listener callbacks of one call one at a time, in submission order, without a thread of
 * its own: whichever thread submits while no other thread is running tasks runs them, and a thread
 * that submits while another is running just leaves its task for that one.
 * Thread-safe.
 *
 * <p>This is how a transport keeps the promises of {@link ClientCall} and {@link ServerCall}: the
 * callbacks of one call never run concurrently, and a callback that calls back into its call (a
 * listener's {@code onMessage} calling {@code request(1)}, say) never runs a second callback nested
 * inside the first: the follow-up runs after the current one returns, on the same thread.
 *
 * <p>Idiomatic use: {@link #execute} from any thread that holds no lock; or, under a lock,
 * {@link #enqueue} the callbacks that a state change makes due and {@link #drain} once the lock is
 * released, so they run in the order the state changed.
 *
 * <pre>{@code
 * lock.lock();
 * try {
 *   state = ...;
 *   callbacks.enqueue(() -> listener.onMessage(m));
 * } finally {
 *   lock.unlock();
 * }
 * callbacks.drain();
 * }</pre>
 *
 * <p>A task that throws is logged (logger {@code rpc.api.spi.SerialExecutor}, level WARNING) and the
 * next task runs.
 */
public final class SerialExecutor implements Executor {
  private static final System.Logger LOG = System.getLogger(SerialExecutor.class.getName());

  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicInteger draining = new AtomicInteger();

  /** An executor with no tasks. */
  public SerialExecutor() {}

  /** Runs {@code task} now on this thread, after the tasks already queued, or leaves it to the thread running them. */
  @Override
  public void execute(Runnable task) {
    enqueue(task);
    drain();
  }

  /**
   * Queues {@code task} without running anything; safe under a lock. Follow with {@link #drain}.
   *
   * @param task the task to run in turn
   */
  public void enqueue(Runnable task) {
    tasks.add(java.util.Objects.requireNonNull(task, "task"));
  }

  /**
   * Runs the queued tasks on this thread unless another thread is running them (then returns at
   * once: that thread runs them). Call it without holding a lock a task might take.
   */
  public void drain() {
    if (tasks.isEmpty() || draining.getAndIncrement() != 0) {
      return;
    }
    do {
      Runnable r;
      while ((r = tasks.poll()) != null) {
        try {
          r.run();
        } catch (Throwable t) {
          // One failing callback must not stop the call's other callbacks, its end above all.
          LOG.log(System.Logger.Level.WARNING, "call callback failed", t);
        }
      }
    } while (draining.decrementAndGet() != 0);
  }
}
