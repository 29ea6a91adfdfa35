package rpc.api.internal.client;

import rpc.api.CallOptions;
import rpc.api.ClientInterceptor;
import rpc.api.Deadline;
import rpc.api.Metadata;
import rpc.api.Status;
import rpc.api.internal.HandlerCall;

/**
 * A call started on a server handler's thread inherits that handler's call, as an ordinary
 * interceptor: the handler's deadline when it is earlier than the call's own (never a later one),
 * and the handler's cancellation — when the client of the handler's call cancels it, its deadline
 * passes or the server shuts down, the calls the handler made and that are still running are
 * cancelled, asynchronous ones included. Placed just outside the deadline's interceptor, which
 * then enforces the inherited deadline. Thread-safe (stateless).
 */
final class HandlerContextInterceptor implements ClientInterceptor {
  static final HandlerContextInterceptor INSTANCE = new HandlerContextInterceptor();

  private HandlerContextInterceptor() {}

  @Override
  public <Req, Resp> Listener<Req, Resp> intercept(Call<Req, Resp> call) {
    HandlerCall handler = HandlerCall.current();
    if (handler == null) {
      return null;
    }
    Deadline inherited = handler.deadline();
    if (inherited != null) {
      CallOptions own = call.options().startingNow();
      call.setOptions(own.withDeadline(inherited.min(own.deadline())));
    }
    Runnable forget = handler.whenCancelled(status -> call.cancel(
        HandlerCall.inherited(status, HandlerCall.endedText(status)).withCause(status.cause())));
    return new Listener<>() {
      @Override
      public Status onClose(Status status, Metadata trailers) {
        forget.run();
        return status;
      }
    };
  }
}
