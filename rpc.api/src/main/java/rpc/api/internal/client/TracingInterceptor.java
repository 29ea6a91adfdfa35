package rpc.api.internal.client;

import rpc.api.CallTracer;
import rpc.api.ClientInterceptor;
import rpc.api.Metadata;
import rpc.api.Status;

/**
 * Reports a call's response headers and end to the tracers interceptors further out attached, as
 * an ordinary interceptor placed outside the deadline's, so tracers see the status the application
 * sees. {@link InterceptedCall} reports the request headers as the transport's call starts (a call
 * refused before it, say past its deadline, sends none), and the transport the messages.
 * Thread-safe (stateless).
 */
final class TracingInterceptor implements ClientInterceptor {
  static final TracingInterceptor INSTANCE = new TracingInterceptor();

  private TracingInterceptor() {}

  @Override
  public <Req, Resp> Listener<Req, Resp> intercept(Call<Req, Resp> call) {
    CallTracer tracer = ((InterceptedCall<Req, Resp>) call).tracer();
    if (tracer == null) {
      return null;
    }
    return new Listener<>() {
      @Override
      public void onHeaders(Metadata headers) {
        tracer.inboundHeaders(headers);
      }

      @Override
      public Status onClose(Status status, Metadata trailers) {
        tracer.callEnded(status, trailers);
        return status;
      }
    };
  }
}
