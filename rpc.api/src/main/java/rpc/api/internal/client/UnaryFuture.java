package rpc.api.internal.client;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import rpc.api.Metadata;
import rpc.api.Status;
import rpc.api.StatusException;
import rpc.api.internal.VirtualThreads;
import rpc.api.spi.ClientCall;

/**
 * A unary call as a future: the response, or a {@link StatusException}. Cancelling the future
 * cancels the call. Thread-safe.
 *
 * <p>The transport reports the end on one of its threads; the future is completed from there only
 * for a blocking caller (no {@code completions} executor: nothing but the waiting thread depends on
 * it). A future handed to the application is completed on its executor, so the stages that depend
 * on it never run on a transport thread and cannot stall other calls.
 */
final class UnaryFuture<Req, Resp> extends CompletableFuture<Resp> implements ClientCall.Listener<Resp> {
  private final ClientCall<Req, Resp> call;
  private final Executor completions;
  private Resp response; // written and read on the listener's serialized callbacks
  private boolean tooMany;

  /** {@code completions}: where the future completes, or null to complete on the transport's thread. */
  UnaryFuture(ClientCall<Req, Resp> call, Executor completions) {
    this.call = call;
    this.completions = completions;
  }

  void start(Req request) {
    call.start(this, new Metadata());
    call.request(2); // one response, and a second one to notice if the server sends too many
    call.send(request);
    call.halfClose();
  }

  void cancelCall(Status status) {
    call.cancel(status);
  }

  @Override
  public void onMessage(Resp message) {
    if (response != null) {
      tooMany = true;
      call.cancel(Status.INTERNAL.withDescription("more than one response for unary call " + call.method().fullName()));
      return;
    }
    response = message;
  }

  @Override
  public void onClose(Status status, Metadata trailers) {
    Resp r = response;
    response = null;
    Runnable settle;
    if (status.isOk() && !tooMany && r != null) {
      settle = () -> complete(r);
    } else {
      StatusException failure = status.isOk() && !tooMany
          ? new StatusException(Status.INTERNAL.withDescription("no response for unary call " + call.method().fullName()),
              trailers)
          : new StatusException(status, trailers);
      settle = () -> completeExceptionally(failure);
    }
    if (completions == null) {
      settle.run();
    } else {
      VirtualThreads.execute(completions, settle);
    }
  }

  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    boolean cancelled = super.cancel(mayInterruptIfRunning);
    if (cancelled) {
      call.cancel(Status.CANCELLED.withDescription("future cancelled"));
    }
    return cancelled;
  }
}
