package rpc.api;

/**
 * Handles a server-streaming call: one request in, any number of responses sent on the stream.
 * Implementations must be thread-safe: calls run at once, each on its own virtual thread.
 * The call ends OK when the handler returns.
 *
 * @param <Req> request type
 * @param <Resp> response type
 */
@FunctionalInterface
public interface ServerStreamingHandler<Req, Resp> {
  /**
   * Sends the responses for {@code request}; returns when done, or throws to fail the call.
   *
   * @param request the request message
   * @param responses the call's stream, to send the responses on
   * @throws Exception to fail the call: a {@link StatusException} with its status, any other
   *     exception with {@code UNKNOWN}
   */
  void handle(Req request, ServerStream<Resp, Req> responses) throws Exception;
}
