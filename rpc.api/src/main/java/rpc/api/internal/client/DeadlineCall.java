package rpc.api.internal.client;

import java.util.concurrent.ScheduledFuture;
import rpc.api.Deadline;
import rpc.api.Metadata;
import rpc.api.Status;
import rpc.api.internal.Deadlines;
import rpc.api.internal.Scheduler;
import rpc.api.spi.ClientCall;
import rpc.api.spi.ForwardingClientCall;

/**
 * Enforces a call's deadline on the client: cancels the call with {@code DEADLINE_EXCEEDED} when the
 * deadline passes, and reports any cancellation that ends a call past its deadline as
 * {@code DEADLINE_EXCEEDED} — the server may reset the stream (CANCEL) a moment before the client's
 * own timer fires, and the caller must see the same outcome either way (grpc-java does the same).
 * Thread-safe as {@link ClientCall} requires.
 */
final class DeadlineCall<Req, Resp> extends ForwardingClientCall<Req, Resp> {
  private final Deadline deadline;
  private volatile ScheduledFuture<?> timer;
  private volatile boolean closed;
  private long startNanos;

  DeadlineCall(ClientCall<Req, Resp> delegate, Deadline deadline) {
    super(delegate);
    this.deadline = deadline;
  }

  @Override
  public void start(Listener<Resp> listener, Metadata headers) {
    startNanos = System.nanoTime();
    delegate().start(new ForwardingListener<>(listener) {
      @Override
      public void onClose(Status status, Metadata trailers) {
        closed = true;
        ScheduledFuture<?> t = timer;
        if (t != null) {
          t.cancel(false);
        }
        super.onClose(Deadlines.pastDeadline(status, deadline, startNanos), trailers);
      }
    }, headers);
    ScheduledFuture<?> t = Scheduler.schedule(() -> delegate().cancel(Deadlines.exceeded(startNanos)),
        deadline.remainingNanos());
    timer = t;
    if (closed) {
      t.cancel(false); // ended during start: the timer must not linger until the deadline
    }
  }
}
