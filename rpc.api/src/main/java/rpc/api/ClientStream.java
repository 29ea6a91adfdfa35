package rpc.api;

/**
 * The client end of a call made with {@link Channel#newStream}: sends requests, receives
 * responses, and reports the response headers, trailers and status.
 * Not thread-safe, except as {@link Stream} says: one sender and one receiver may act at once;
 * {@link #cancel} and the status accessors may be called from any thread. A second concurrent
 * sender or receiver gets {@link IllegalStateException}.
 *
 * <p>A call ends in exactly one terminal outcome: {@link #receive} returns null (status OK) or
 * throws {@link StatusException} (any other status). Closing the stream without reading to the end
 * cancels the call.
 *
 * @param <Req> request type
 * @param <Resp> response type
 */
public interface ClientStream<Req, Resp> extends Stream<Req, Resp>, AutoCloseable {

  /**
   * Tells the server no more requests will be sent. Idempotent. Part of the sending side: call it
   * from the thread that sends.
   */
  void halfClose();

  /**
   * The response headers, blocking until they arrive or the call ends. For a call that ended
   * without headers (trailers-only), an empty metadata.
   *
   * @return the response headers
   * @throws StatusException if the thread is interrupted while waiting
   */
  Metadata headers();

  /** {@return the trailers, or null while the call is still running} */
  Metadata trailers();

  /** {@return the final status, or null while the call is still running} */
  Status status();

  /**
   * Sends {@code message} and then half-closes: the last request of a client-streaming or
   * bidi-streaming call. Default built on {@link #send} and {@link #halfClose}.
   *
   * @param message the last request message
   */
  default void sendAndClose(Req message) {
    send(message);
    halfClose();
  }

  /** Cancels the call unless it has already ended. */
  @Override
  default void close() {
    if (status() == null) {
      cancel();
    }
  }
}
