package rpc.api;

/**
 * Runs around every call a server handles, on the call's own handler thread: it may inspect the
 * context, wrap the stream, fail the call by throwing {@link StatusException}, or pass it on with
 * {@code next.handle(stream)}.
 * Implementations must be thread-safe: one interceptor serves every call at once.
 */
@FunctionalInterface
public interface ServerInterceptor {
  /**
   * Handles the call, usually by calling {@code next.handle(stream)} (possibly with a wrapped stream).
   *
   * @param <Req> the request message type
   * @param <Resp> the response message type
   * @param stream the call's stream
   * @param next the rest of the chain, ending in the method's handler
   * @throws Exception to fail the call: a {@link StatusException} with its status, any other
   *     exception with {@code UNKNOWN}
   */
  <Req, Resp> void intercept(ServerStream<Resp, Req> stream, ServerCallHandler<Req, Resp> next) throws Exception;
}
