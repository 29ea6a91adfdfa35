package rpc.api.spi;

import rpc.api.Metadata;
import rpc.api.MethodDescriptor;
import rpc.api.Status;

/**
 * The transport's side of one client call: an event-driven, non-blocking contract the library builds
 * its blocking and asynchronous calls on.
 * Thread-safe as follows: {@link #request}, {@link #isReady} and {@link #cancel} may be called from
 * any thread at any time; {@link #start}, {@link #send} and {@link #halfClose} by one thread at a
 * time, in that order ({@code start} first, no {@code send} after {@code halfClose}).
 *
 * <p><b>Callbacks.</b> The listener's callbacks for one call never run concurrently and never after
 * {@link Listener#onClose}. They run on a transport thread or, inline, on a thread that is calling a
 * method of this call ({@code start}, {@code request}, {@code send}, {@code halfClose},
 * {@code cancel}) — never nested inside another callback of the same call: a callback that calls
 * {@code request(1)} sees the resulting {@code onMessage} after it returns. So a caller must not hold
 * a lock that a callback of the same call takes. Callbacks must not block: they may run on the thread
 * that reads the connection for every call on it. {@link #isReady} never calls back.
 *
 * <p><b>Flow control.</b> {@link #send} never blocks; the caller sends only while {@link #isReady} is
 * true and waits for {@link Listener#onReady} otherwise, so the transport buffers a small bounded
 * number of bytes beyond the peer's window. Inbound messages are delivered only as
 * {@link #request}ed: never more {@code onMessage} calls than the sum of {@code request(n)}.
 *
 * <p><b>The end.</b> A started call ends with exactly one {@link Listener#onClose}, whatever happens:
 * the server's status, {@link #cancel}, a deadline enforced by the library (through {@code cancel}),
 * a connection failure, or a failure to start (then {@code onClose} may run inside {@code start}).
 * Messages the server sent before its trailers are delivered (as requested) before {@code onClose};
 * a call ended by {@code cancel} or by a failure may drop messages not yet delivered. A call that is
 * never started holds nothing: transports register a call when it starts.
 *
 * @param <Req> request type
 * @param <Resp> response type
 */
public interface ClientCall<Req, Resp> {

  /**
   * Receives the events of one call, under the rules of {@link ClientCall}: serialized, never after
   * {@link #onClose}, never blocking.
   *
   * @param <Resp> response type
   */
  interface Listener<Resp> {
    /**
     * The response headers arrived (not called for a trailers-only response); at most once, first.
     *
     * @param headers the custom response metadata
     */
    default void onHeaders(Metadata headers) {}

    /**
     * One response message, delivered only against a {@link ClientCall#request}.
     *
     * @param message the response message
     */
    void onMessage(Resp message);

    /**
     * The call ended; called exactly once, last.
     *
     * @param status the call's final status
     * @param trailers the custom trailing metadata
     */
    void onClose(Status status, Metadata trailers);

    /** {@link ClientCall#isReady} may have turned true. */
    default void onReady() {}
  }

  /**
   * Starts the call with request headers (custom metadata). Called once, first. The listener may
   * see {@code onClose} before this returns (the call could not start).
   *
   * @param listener receives the call's events
   * @param headers the custom request metadata
   */
  void start(Listener<Resp> listener, Metadata headers);

  /**
   * Allows {@code n} more response messages to be delivered; {@code n} is positive.
   *
   * @param n how many more messages
   */
  void request(int n);

  /**
   * Queues one request message; does not block. Ignored once the call has ended.
   *
   * @param message the request message
   */
  void send(Req message);

  /** {@return whether a {@link #send} now would not exceed the transport's small outbound buffer} */
  boolean isReady();

  /** No more requests will be sent. Idempotent. */
  void halfClose();

  /**
   * Ends the call with {@code status} (usually {@code CANCELLED} or {@code DEADLINE_EXCEEDED}) and
   * tells the peer; the listener's {@code onClose} reports {@code status} unless the call had
   * already ended. Idempotent.
   *
   * @param status the status the call ends with
   */
  void cancel(Status status);

  /** {@return the method this call invokes} */
  MethodDescriptor<Req, Resp> method();

  /**
   * Whether the request messages sent from now on are compressed with the call's encoding
   * ({@link rpc.api.CallOptions#withCompression}): true by default; false sends them as they are.
   * Changes nothing on a call without an encoding. Called from the sending thread. Defaults to
   * ignoring the setting (a transport that never compresses).
   *
   * @param enabled whether to compress the next messages
   */
  default void setMessageCompression(boolean enabled) {}

  /**
   * Whether the response message being delivered arrived compressed: valid only inside
   * {@link Listener#onMessage}, where the transport sets it for that message. A transport that
   * moves messages without encoding them reports whether the sender asked for compression, so
   * code reads the same over every transport. Defaults to false.
   *
   * @return whether the message in delivery was compressed
   */
  default boolean inboundMessageCompressed() {
    return false;
  }

  /**
   * Reports this call's messages to {@code tracer} ({@link rpc.api.CallTracer#outboundMessage},
   * {@link rpc.api.CallTracer#inboundMessage}); the library reports headers and the end itself.
   * Called at most once, before {@link #start}. Defaults to reporting nothing (a transport that
   * keeps no wire facts).
   *
   * @param tracer the call's tracer
   */
  default void trace(rpc.api.CallTracer tracer) {}
}
