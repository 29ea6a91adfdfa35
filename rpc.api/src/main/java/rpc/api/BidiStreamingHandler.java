package rpc.api;

/**
 * Handles a bidi-streaming call: requests and responses flow both ways at once on the stream; the
 * handler may receive on one thread while another sends.
 * Implementations must be thread-safe: calls run at once, each on its own virtual thread.
 * The call ends OK when the handler returns.
 *
 * @param <Req> request type
 * @param <Resp> response type
 */
@FunctionalInterface
public interface BidiStreamingHandler<Req, Resp> {
  /**
   * Handles the call; returns when it is complete, or throws to fail it.
   *
   * @param stream the call's stream: receives requests, sends responses
   * @throws Exception to fail the call: a {@link StatusException} with its status, any other
   *     exception with {@code UNKNOWN}
   */
  void handle(ServerStream<Resp, Req> stream) throws Exception;
}
