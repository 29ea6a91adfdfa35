package rpc.api.internal.client;

import java.util.function.Supplier;
import rpc.api.CallOptions;
import rpc.api.ClientInterceptor;
import rpc.api.Deadline;
import rpc.api.Status;
import rpc.api.internal.config.ServiceConfig;

/**
 * Applies the channel's service config to each call, as an interceptor: the method's
 * {@code timeout} (the earlier of it and the call's own deadline), {@code waitForReady} (true in
 * the config makes a call wait; a call that asks to wait is never made not to),
 * {@code maxResponseMessageBytes} (the smaller of it and the call's limit) and
 * {@code maxRequestMessageBytes} (a larger request fails the call with
 * {@code RESOURCE_EXHAUSTED} before it is sent). Thread-safe.
 */
final class ServiceConfigInterceptor implements ClientInterceptor {
  private final Supplier<ServiceConfig> config;

  ServiceConfigInterceptor(Supplier<ServiceConfig> config) {
    this.config = config;
  }

  @Override
  public <Req, Resp> Listener<Req, Resp> intercept(Call<Req, Resp> call) {
    ServiceConfig.MethodConfig mc = config.get().forMethod(call.method().fullName());
    if (mc == null) {
      return null;
    }
    CallOptions options = call.options();
    if (mc.timeout() != null) {
      options = options.startingNow();
      Deadline fromConfig = Deadline.after(mc.timeout());
      options = options.withDeadline(fromConfig.min(options.deadline()));
    }
    if (Boolean.TRUE.equals(mc.waitForReady()) && !options.waitForReady()) {
      options = options.withWaitForReady(true);
    }
    if (mc.maxResponseBytes() != null) {
      int own = options.maxInboundMessageSize();
      options = options.withMaxInboundMessageSize(own < 0 ? mc.maxResponseBytes() : Math.min(own, mc.maxResponseBytes()));
    }
    if (options != call.options()) {
      call.setOptions(options);
    }
    Integer maxRequest = mc.maxRequestBytes();
    if (maxRequest == null) {
      return null;
    }
    return new Listener<>() {
      @Override
      public Req onSend(Req message) {
        int size = call.method().requestCodec().encodedSize(message);
        if (size > maxRequest) {
          call.cancel(Status.RESOURCE_EXHAUSTED.withDescription("request message of " + size
              + " bytes is larger than the service config's maxRequestMessageBytes " + maxRequest + " for "
              + call.method().fullName()));
        }
        return message;
      }
    };
  }
}
