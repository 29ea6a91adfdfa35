package rpc.api.internal.client;

import rpc.api.CallTracer;
import rpc.api.ClientInterceptor;
import rpc.api.Metadata;
import rpc.api.Status;

/**
 * Reports a call's headers and end to the tracers interceptors further out attached, as an ordinary
 * interceptor placed outside the deadline's, so tracers see the status the application sees; the
 * transport reports the messages. Thread-safe (stateless).
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
    tracer.outboundHeaders(call.headers());
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
