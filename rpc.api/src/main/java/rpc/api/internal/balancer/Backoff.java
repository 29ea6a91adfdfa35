package rpc.api.internal.balancer;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * grpc's connection backoff (1 s, ×1.6 per failure, at most 2 min, ±20 % jitter), for what the
 * channel retries by itself: DNS lookups and health-check streams. Not thread-safe: one owner, under
 * its lock or serial executor.
 */
final class Backoff {
  private static final long INITIAL = TimeUnit.SECONDS.toNanos(1);
  private static final long MAX = TimeUnit.MINUTES.toNanos(2);

  private long current;

  /** {@return the delay before the next try after one more failure, in nanoseconds} */
  long nextDelayNanos() {
    current = current == 0 ? INITIAL : Math.min(MAX, (long) (current * 1.6));
    return (long) (current * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble()));
  }

  /** A success: the next failure starts from the first delay again. */
  void reset() {
    current = 0;
  }
}
