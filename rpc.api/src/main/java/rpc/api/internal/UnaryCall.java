package rpc.api.internal;

import java.util.concurrent.CompletableFuture;
import rpc.api.Metadata;
import rpc.api.Status;
import rpc.api.StatusException;
import rpc.api.spi.ClientCall;

/** A unary call as a future; cancelling the future cancels the call. Thread-safe. */
final class UnaryCall<Req, Resp> extends CompletableFuture<Resp> implements ClientCall.Listener<Resp> {
  private final ClientCall<Req, Resp> call;
  private Resp response; // written and read on the listener's serialized callbacks
  private boolean tooMany;

  UnaryCall(ClientCall<Req, Resp> call) {
    this.call = call;
  }

  void start(Req request) {
    call.start(this, new Metadata());
    call.request(2);
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
    if (status.isOk() && !tooMany) {
      if (response != null) {
        complete(response);
      } else {
        completeExceptionally(new StatusException(
            Status.INTERNAL.withDescription("no response for unary call " + call.method().fullName()), trailers));
      }
    } else {
      completeExceptionally(new StatusException(status, trailers));
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
