package rpc.api.internal.client;

import java.util.concurrent.ScheduledFuture;
import rpc.api.CallOptions;
import rpc.api.ClientInterceptor;
import rpc.api.Deadline;
import rpc.api.Metadata;
import rpc.api.Status;
import rpc.api.internal.Deadlines;
import rpc.api.internal.Scheduler;

/**
 * The client's deadline, as an ordinary interceptor (innermost of the channel's): starts the
 * options' timeout now (an interceptor further out may have set one), fails a call whose deadline
 * has passed before it starts, cancels the call with {@code DEADLINE_EXCEEDED} when the deadline
 * passes, and reports any cancellation that ends a call past its deadline as
 * {@code DEADLINE_EXCEEDED} — the server may reset the stream (CANCEL) a moment before the client's
 * own timer fires, and the caller must see the same outcome either way (grpc-java does the same).
 * The transport sends the deadline as {@code grpc-timeout}. Thread-safe (stateless).
 */
final class DeadlineInterceptor implements ClientInterceptor {
  static final DeadlineInterceptor INSTANCE = new DeadlineInterceptor();

  private DeadlineInterceptor() {}

  @Override
  public <Req, Resp> Listener<Req, Resp> intercept(Call<Req, Resp> call) {
    CallOptions options = call.options().startingNow();
    call.setOptions(options);
    Deadline deadline = options.deadline();
    if (deadline == null) {
      return null;
    }
    if (deadline.isExpired()) {
      throw Status.DEADLINE_EXCEEDED.withDescription("deadline exceeded before the call started (" + deadline + ")")
          .asException();
    }
    long startNanos = System.nanoTime();
    ScheduledFuture<?> timer = Scheduler.schedule(() -> call.cancel(Deadlines.exceeded(startNanos)),
        deadline.remainingNanos());
    return new Listener<>() {
      @Override
      public Status onClose(Status status, Metadata trailers) {
        timer.cancel(false);
        return Deadlines.pastDeadline(status, deadline, startNanos);
      }
    };
  }
}
