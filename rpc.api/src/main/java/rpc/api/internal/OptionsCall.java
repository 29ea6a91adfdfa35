package rpc.api.internal;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import rpc.api.Deadline;
import rpc.api.Metadata;
import rpc.api.Status;
import rpc.api.spi.ClientCall;
import rpc.api.spi.ForwardingClientCall;

/**
 * Applies call options at the bottom of the interceptor chain: adds the options' headers to the
 * request headers, and cancels the call with DEADLINE_EXCEEDED when its deadline passes.
 * Thread-safe as {@link ClientCall} requires.
 */
final class OptionsCall<Req, Resp> extends ForwardingClientCall<Req, Resp> {
  private final Deadline deadline;
  private final Metadata extraHeaders;
  private volatile ScheduledFuture<?> timer;

  OptionsCall(ClientCall<Req, Resp> delegate, Deadline deadline, Metadata extraHeaders) {
    super(delegate);
    this.deadline = deadline;
    this.extraHeaders = extraHeaders;
  }

  static Status exceeded(Deadline deadline, long startNanos) {
    long elapsed = System.nanoTime() - startNanos;
    return Status.DEADLINE_EXCEEDED.withDescription(
        "deadline exceeded after " + TimeUnit.NANOSECONDS.toMillis(elapsed) + " ms");
  }

  @Override
  public void start(Listener<Resp> listener, Metadata headers) {
    if (extraHeaders != null) {
      headers = headers.copy().merge(extraHeaders);
    }
    if (deadline == null) {
      delegate().start(listener, headers);
      return;
    }
    long start = System.nanoTime();
    delegate().start(new ForwardingListener<>(listener) {
      @Override
      public void onClose(Status status, Metadata trailers) {
        ScheduledFuture<?> t = timer;
        if (t != null) {
          t.cancel(false);
        }
        super.onClose(status, trailers);
      }
    }, headers);
    timer = Scheduler.schedule(() -> delegate().cancel(exceeded(deadline, start)), deadline.remainingNanos());
  }
}
