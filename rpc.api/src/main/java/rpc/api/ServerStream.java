package rpc.api;

/**
 * The server end of a call, handed to a streaming handler: receives requests, sends responses, and
 * reaches the call's {@link ServerContext}.
 * Not thread-safe, except as {@link Stream} says: one sender and one receiver may act at once
 * (the handler's thread and a thread it starts); {@link #cancel} may be called from any thread.
 * A second concurrent sender or receiver gets {@link IllegalStateException}.
 *
 * <p>The call ends when the handler returns (status OK with the context's trailers) or throws
 * (a {@link StatusException}'s status and trailers; any other exception becomes {@code UNKNOWN}
 * with no stack trace sent). A handler must not return before it has finished sending.
 *
 * @param <Resp> response type
 * @param <Req> request type
 */
public interface ServerStream<Resp, Req> extends Stream<Resp, Req> {

  /**
   * Sends response headers now, ahead of the first message. Optional: headers are sent with the
   * first message or at the end otherwise.
   *
   * @param headers the custom response metadata
   * @throws IllegalStateException if headers were already sent
   */
  void sendHeaders(Metadata headers);

  /** {@return the call's context: request headers, deadline, cancellation, peer, trailers} */
  ServerContext context();
}
