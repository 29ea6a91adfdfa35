package rpc.api.internal;

import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;

/** Runs each task on a new virtual thread: the library's default for application code. Thread-safe. */
public final class VirtualThreads {
  // Unnamed: a name per task is a string built per call, on the hottest path.
  private static final ThreadFactory FACTORY = Thread.ofVirtual().factory();

  /** Starts every task on a new virtual thread. */
  public static final Executor EXECUTOR = VirtualThreads::start;

  private VirtualThreads() {}

  /** Starts {@code task} on a new virtual thread. */
  public static void start(Runnable task) {
    FACTORY.newThread(task).start();
  }

  /**
   * Runs {@code task} on {@code executor}, or on a new virtual thread if the executor refuses it
   * (shut down, saturated): a completion must never be lost.
   */
  public static void execute(Executor executor, Runnable task) {
    try {
      executor.execute(task);
    } catch (RuntimeException refused) {
      // Once with the stack trace (the executor is probably shut down); afterwards quietly.
      System.Logger.Level level = WARNED.compareAndSet(false, true) ? System.Logger.Level.WARNING
          : System.Logger.Level.DEBUG;
      System.getLogger("rpc.api").log(level,
          "executor " + executor + " refused a task; running it on a virtual thread instead", refused);
      start(task);
    }
  }

  private static final java.util.concurrent.atomic.AtomicBoolean WARNED = new java.util.concurrent.atomic.AtomicBoolean();
}
