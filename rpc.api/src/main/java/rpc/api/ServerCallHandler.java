package rpc.api;

/**
 * The form every server handler takes once bound to a method: it gets the call's stream, and the
 * call ends when it returns (OK) or throws. The four kind-specific handler types are adapted to it,
 * and {@link ServerInterceptor}s wrap it.
 * Implementations must be thread-safe: the handler runs once per call, each call on its own
 * virtual thread.
 *
 * @param <Req> request type
 * @param <Resp> response type
 */
@FunctionalInterface
public interface ServerCallHandler<Req, Resp> {
  /**
   * Handles one call; returns when the call is complete.
   *
   * @param stream the call's stream: receives requests, sends responses
   * @throws Exception to fail the call: a {@link StatusException} with its status, any other
   *     exception with {@code UNKNOWN}
   */
  void handle(ServerStream<Resp, Req> stream) throws Exception;
}
