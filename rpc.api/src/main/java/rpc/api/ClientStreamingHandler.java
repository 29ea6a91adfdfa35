package rpc.api;

/**
 * Handles a client-streaming call: reads requests from the stream until {@code receive()} returns
 * null, then returns the one response.
 * Implementations must be thread-safe: calls run at once, each on its own virtual thread.
 * Sending on the stream is not allowed for this kind (the response is the return value).
 *
 * @param <Req> request type
 * @param <Resp> response type
 */
@FunctionalInterface
public interface ClientStreamingHandler<Req, Resp> {
  /**
   * Returns the response (non-null), or throws to fail the call.
   *
   * @param requests the call's stream, to receive the requests from
   * @return the response message
   * @throws Exception to fail the call: a {@link StatusException} with its status, any other
   *     exception with {@code UNKNOWN}
   */
  Resp handle(ServerStream<Resp, Req> requests) throws Exception;
}
