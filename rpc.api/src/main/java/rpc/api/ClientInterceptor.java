package rpc.api;

import rpc.api.spi.ClientCall;

/**
 * Runs around every call a {@link Channel} starts: it may change the call options (add headers,
 * tighten the deadline), wrap the {@link ClientCall} to observe messages and the final status, or
 * fail the call early.
 * Implementations must be thread-safe: one interceptor serves every call of the channel at once.
 * Interceptors apply to every call kind, blocking or asynchronous.
 */
@FunctionalInterface
public interface ClientInterceptor {

  /** Creates the next call in the chain. */
  @FunctionalInterface
  interface Next {
    /**
     * The call as the rest of the chain (and finally the transport) makes it.
     *
     * @param <Req> the request message type
     * @param <Resp> the response message type
     * @param method the method to call
     * @param options the call's options
     * @return the call
     */
    <Req, Resp> ClientCall<Req, Resp> newCall(MethodDescriptor<Req, Resp> method, CallOptions options);
  }

  /**
   * Returns the call to use, usually {@code next.newCall(method, options)} or a wrapper of it.
   *
   * @param <Req> the request message type
   * @param <Resp> the response message type
   * @param method the method being called
   * @param options the call's options
   * @param next the rest of the chain
   * @return the call to use
   */
  <Req, Resp> ClientCall<Req, Resp> intercept(MethodDescriptor<Req, Resp> method, CallOptions options, Next next);
}
