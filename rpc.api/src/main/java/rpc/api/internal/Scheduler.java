package rpc.api.internal;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** One daemon timer thread for deadlines. Tasks must be short and never block. Thread-safe. */
public final class Scheduler {
  private static final ScheduledThreadPoolExecutor TIMER;

  static {
    TIMER = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "rpc-deadline-timer");
      t.setDaemon(true);
      return t;
    });
    TIMER.setRemoveOnCancelPolicy(true);
  }

  private Scheduler() {}

  /** Runs {@code task} after {@code nanos}. */
  public static ScheduledFuture<?> schedule(Runnable task, long nanos) {
    return TIMER.schedule(task, Math.max(0, nanos), TimeUnit.NANOSECONDS);
  }
}
