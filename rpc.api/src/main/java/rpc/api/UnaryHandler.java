package rpc.api;

/**
 * Handles a unary call: one request in, one response out.
 * Implementations must be thread-safe: calls run at once, each on its own virtual thread, where
 * blocking is fine.
 *
 * @param <Req> request type
 * @param <Resp> response type
 */
@FunctionalInterface
public interface UnaryHandler<Req, Resp> {
  /**
   * Returns the response (non-null), or throws {@link StatusException} to fail the call with that
   * status; any other exception fails it with {@code UNKNOWN}.
   *
   * @param request the request message
   * @param context the call's context
   * @return the response message
   * @throws Exception to fail the call: a {@link StatusException} with its status, any other
   *     exception with {@code UNKNOWN}
   */
  Resp handle(Req request, ServerContext context) throws Exception;
}
