package rpc.api.internal;

import java.util.concurrent.TimeUnit;
import rpc.api.Deadline;
import rpc.api.Status;

/** What both ends of a call report when its deadline passes. Thread-safe (stateless). */
public final class Deadlines {
  private Deadlines() {}

  /** {@code DEADLINE_EXCEEDED}, saying how long the call ran since {@code startNanos}. */
  public static Status exceeded(long startNanos) {
    return Status.DEADLINE_EXCEEDED.withDescription("deadline exceeded after "
        + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos) + " ms");
  }

  /**
   * {@code status}, or {@code DEADLINE_EXCEEDED} if it is a cancellation that ends a call past its
   * {@code deadline}: the peer's reset (CANCEL) can arrive a moment before this end's own timer
   * fires, and the outcome must not depend on which comes first (grpc-java does the same).
   */
  public static Status pastDeadline(Status status, Deadline deadline, long startNanos) {
    if (status.code() != Status.Code.CANCELLED || deadline == null || !deadline.isExpired()) {
      return status;
    }
    return exceeded(startNanos).withCause(status.cause())
        .augmentDescription("the call was cancelled: " + status.description());
  }
}
