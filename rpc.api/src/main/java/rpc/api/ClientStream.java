package rpc.api;

import rpc.api.internal.client.ResponseSpliterator;

/**
 * The client end of a call made with {@link Channel#newStream}: sends requests, receives
 * responses, and reports the response headers, trailers and status.
 * Not thread-safe, except as {@link Stream} says: one sender and one receiver may act at once;
 * {@link #cancel} and the status accessors may be called from any thread. A second concurrent
 * sender or receiver gets {@link IllegalStateException}.
 *
 * <p>A call ends in exactly one terminal outcome: {@link #receive} returns null (status OK) or
 * throws {@link StatusException} (any other status). Closing the stream without reading to the end
 * cancels the call. {@link #responses()} reads the responses as a {@link java.util.stream.Stream}.
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

  /**
   * The responses as a {@link java.util.stream.Stream} that receives them one at a time, as its
   * terminal operation asks for them. Not thread-safe, like any {@code java.util.stream.Stream}.
   * Its terminal operation (or its {@code iterator()}'s {@code hasNext} and {@code next}) receives
   * on the calling thread, so it is this call's receiver while it runs: a {@link #receive} on another
   * thread meanwhile, or the terminal operation of another {@code responses()} stream, gets
   * {@link IllegalStateException}, and so does it if another thread is receiving at the time.
   *
   * <ul>
   *   <li><b>Order and end.</b> Sequential and ordered: the responses in the order they arrived. It
   *       ends where {@code receive} returns null, that is once the call has ended OK.
   *   <li><b>Errors.</b> If the call ends with any other status, the terminal operation throws the
   *       {@link StatusException} that {@code receive} throws, after passing on the responses that
   *       arrived before it.
   *   <li><b>Closing cancels.</b> {@code close()} of the returned stream calls {@link #close()}, which
   *       cancels the call unless it has ended. Use try-with-resources: a stream that is left before
   *       its end and not closed leaves the call running until its deadline or the channel's close.
   *   <li><b>Back-pressure as before.</b> Nothing is read ahead: one response is received each time
   *       the pipeline asks for one (the iterator's {@code hasNext} receives the next), so the
   *       server is held back as with {@code receive}, and a short-circuiting operation such as
   *       {@code findFirst} or {@code limit} stops receiving once it has what it needs. The stream
   *       is never split for parallel work.
   * </ul>
   *
   * <p>Each call returns a new stream over the same responses: a response taken by one stream or by
   * {@code receive} is not seen again. A stream made after the call ended OK is empty.
   *
   * <pre>{@code
   * try (java.util.stream.Stream<Feature> features = call.responses()) {
   *   features.map(Feature::getName).forEach(System.out::println);
   * } // closing before the end cancels the call
   * }</pre>
   *
   * @return a new stream of the responses, pulled lazily; closing it cancels the call unless it has
   *     ended
   */
  default java.util.stream.Stream<Resp> responses() {
    return ResponseSpliterator.stream(this);
  }

  /** Cancels the call unless it has already ended. */
  @Override
  default void close() {
    if (status() == null) {
      cancel();
    }
  }
}
