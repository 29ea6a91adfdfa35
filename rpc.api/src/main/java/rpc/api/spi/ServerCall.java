package rpc.api.spi;

import rpc.api.Deadline;
import rpc.api.Metadata;
import rpc.api.MethodDescriptor;
import rpc.api.Status;

/**
 * The transport's side of one server call, handed to {@link ServerCallAcceptor#accept}.
 * Thread-safe as follows: {@link #request}, {@link #isReady} and {@link #close} may be called from
 * any thread; {@link #sendHeaders}, {@link #send} and {@link #setCompression} by one thread at a
 * time.
 *
 * <p><b>Callbacks.</b> The listener's callbacks for one call never run concurrently, start only after
 * {@link ServerCallAcceptor#accept} has returned the listener, and run on a transport thread or,
 * inline, on a thread calling a method of this call — never nested inside another callback of the
 * same call. Callbacks must not block. {@link #isReady} never calls back.
 *
 * <p><b>Flow control.</b> {@link #send} never blocks; the library sends only while {@link #isReady}
 * is true and waits for {@link Listener#onReady} otherwise. Request messages are delivered only as
 * {@link #request}ed; {@link Listener#onHalfClose} needs no request and comes after every message.
 *
 * <p><b>The end.</b> A call ends exactly once, in one of two ways. The library calls {@link #close}:
 * once it returns the listener gets no callback at all (a callback running on another thread at that
 * moment is waited out, which is brief since callbacks never block), and the transport finishes the
 * exchange on its own (a write that fails afterwards is not reported). Or the call ends without the library's
 * {@code close} — the client cancelled or reset the stream, the connection was lost, the transport
 * shut down, or the transport itself failed the call (a malformed or oversized request message, a
 * response it could not encode; it has then answered the client with that status) — and the
 * listener gets {@link Listener#onCancel} once, last. Deadlines are the library's to enforce (see
 * {@link #deadline()}), through {@code close}.
 *
 * @param <Req> request type
 * @param <Resp> response type
 */
public interface ServerCall<Req, Resp> {

  /**
   * Receives the events of one server call, under the rules of {@link ServerCall}: serialized, never
   * after the call's end, never blocking.
   *
   * @param <Req> request type
   */
  interface Listener<Req> {
    /**
     * One request message, delivered only against a {@link ServerCall#request}.
     *
     * @param message the request message
     */
    void onMessage(Req message);

    /** The client will send no more requests; after every message. */
    void onHalfClose();

    /**
     * The call ended without the library's {@link ServerCall#close}: the client cancelled, the
     * connection was lost, the transport shut down, or the transport failed the call (and answered
     * the client with {@code status}). At most once, last; never after {@code close}.
     *
     * @param status why the call ended
     */
    void onCancel(Status status);

    /** {@link ServerCall#isReady} may have turned true. */
    default void onReady() {}
  }

  /** {@return the method being called} */
  MethodDescriptor<Req, Resp> method();

  /** {@return the deadline the client sent ({@code grpc-timeout}), or null} */
  Deadline deadline();

  /** {@return the remote peer as text} */
  String peer();

  /** {@return the {@code :authority} the client used, or null} */
  String authority();

  /**
   * Allows {@code n} more request messages to be delivered; {@code n} is positive.
   *
   * @param n how many more messages
   */
  void request(int n);

  /**
   * Sends response headers; at most once, before any message.
   *
   * @param headers the custom response metadata
   */
  void sendHeaders(Metadata headers);

  /**
   * Queues one response message (sending headers first if needed); does not block.
   *
   * @param message the response message
   */
  void send(Resp message);

  /** {@return whether a {@link #send} now would not exceed the transport's small outbound buffer} */
  boolean isReady();

  /**
   * Compresses response messages with {@code encoding} if the client accepts it.
   *
   * @param encoding the encoding's name, such as {@code gzip}
   */
  void setCompression(String encoding);

  /**
   * Whether the response messages sent from now on are compressed with the call's encoding
   * ({@link #setCompression}): true by default; false sends them as they are. Changes nothing on a
   * call without an encoding. Called from the sending thread. Defaults to ignoring the setting.
   *
   * @param enabled whether to compress the next messages
   */
  default void setMessageCompression(boolean enabled) {}

  /**
   * Whether the request message being delivered arrived compressed: valid only inside
   * {@link Listener#onMessage}, where the transport sets it for that message. A transport that
   * moves messages without encoding them reports whether the sender asked for compression.
   * Defaults to false.
   *
   * @return whether the message in delivery was compressed
   */
  default boolean inboundMessageCompressed() {
    return false;
  }

  /**
   * Ends the call with {@code status} and {@code trailers}; a non-OK status after nothing was sent
   * may be sent trailers-only. No listener callback follows. Idempotent: later calls, and calls
   * after the call ended otherwise, are ignored.
   *
   * @param status the call's final status
   * @param trailers the custom trailing metadata
   */
  void close(Status status, Metadata trailers);

  /**
   * Reports this call's messages to {@code tracer} ({@link rpc.api.CallTracer#outboundMessage},
   * {@link rpc.api.CallTracer#inboundMessage}); the library reports headers and the end itself.
   * Called at most once, inside {@link ServerCallAcceptor#accept} before the first
   * {@link #request}. Defaults to reporting nothing (a transport that keeps no wire facts).
   *
   * @param tracer the call's tracer
   */
  default void trace(rpc.api.CallTracer tracer) {}
}
