package rpc.api.spi;

import rpc.api.Metadata;
import rpc.api.MethodDescriptor;

/**
 * What a {@link ServerTransport} hands new calls to: implemented by the library's server.
 * Thread-safe: transports call it from any of their threads, for many calls at once. Both
 * methods return quickly and never block.
 */
public interface ServerCallAcceptor {

  /**
   * The method registered under {@code fullMethodName} ({@code package.Service/Method}), or null;
   * for null the transport answers {@code UNIMPLEMENTED} itself.
   *
   * @param fullMethodName the method name from the request's {@code :path}
   * @return the method, or null if none is registered under that name
   */
  MethodDescriptor<?, ?> lookup(String fullMethodName);

  /**
   * Accepts a new call whose method {@link #lookup} returned; {@code headers} holds the custom
   * request metadata. Returns the listener for the call's events.
   *
   * @param <Req> the request message type
   * @param <Resp> the response message type
   * @param call the new call
   * @param headers the custom request metadata
   * @return the listener for the call's events
   */
  <Req, Resp> ServerCall.Listener<Req> accept(ServerCall<Req, Resp> call, Metadata headers);
}
