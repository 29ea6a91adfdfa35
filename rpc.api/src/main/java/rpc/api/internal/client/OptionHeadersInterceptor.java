package rpc.api.internal.client;

import rpc.api.ClientInterceptor;

/**
 * Adds the headers of a call's {@link rpc.api.CallOptions} (the channel's defaults, a generated
 * client's, the caller's, and those interceptors further out added) to its request headers, as an
 * ordinary interceptor. Thread-safe (stateless).
 */
final class OptionHeadersInterceptor implements ClientInterceptor {
  static final OptionHeadersInterceptor INSTANCE = new OptionHeadersInterceptor();

  private OptionHeadersInterceptor() {}

  @Override
  public <Req, Resp> Listener<Req, Resp> intercept(Call<Req, Resp> call) {
    if (call.options().hasHeaders()) {
      call.headers().merge(call.options().headers());
    }
    return null;
  }
}
