package rpc.api.spi;

import rpc.api.Metadata;
import rpc.api.MethodDescriptor;
import rpc.api.Status;

/**
 * The transport's side of one client call: an event-driven, non-blocking contract the library builds
 * its blocking and asynchronous calls on. Also what a {@link rpc.api.ClientInterceptor} wraps.
 * Thread-safety: {@link #request}, {@link #isReady} and {@link #cancel} may be called from any
 * thread at any time; {@link #start}, {@link #send} and {@link #halfClose} are called by one thread
 * at a time, in that order. The listener's callbacks for one call never run concurrently, run on a
 * transport thread, and must not block.
 *
 * <p>Back-pressure: {@link #send} never blocks; the caller sends only while {@link #isReady} is true
 * and waits for {@link Listener#onReady} otherwise, so the transport buffers at most a small bounded
 * amount beyond the peer's window. Inbound messages are delivered only as {@link #request}ed.
 *
 * <p>Exactly one {@link Listener#onClose} ends the call.
 *
 * @param <Req> request type
 * @param <Resp> response type
 */
public interface ClientCall<Req, Resp> {

  /**
   * Receives the events of one call.
   *
   * @param <Resp> response type
   */
  interface Listener<Resp> {
    /** The response headers arrived (not called for a trailers-only response). */
    default void onHeaders(Metadata headers) {}

    /** One response message, delivered only against a {@link #request}. */
    void onMessage(Resp message);

    /** The call ended; called exactly once, after every message. */
    void onClose(Status status, Metadata trailers);

    /** {@link ClientCall#isReady} may have turned true. */
    default void onReady() {}
  }

  /** Starts the call with request headers (custom metadata). Called once, first. */
  void start(Listener<Resp> listener, Metadata headers);

  /** Allows {@code n} more response messages to be delivered. */
  void request(int n);

  /** Queues one request message; does not block. */
  void send(Req message);

  /** Whether a {@link #send} now would not exceed the transport's small outbound buffer. */
  boolean isReady();

  /** No more requests will be sent. */
  void halfClose();

  /**
   * Ends the call with {@code status} (usually {@code CANCELLED} or {@code DEADLINE_EXCEEDED}) and
   * tells the peer; the listener's {@code onClose} reports {@code status} unless the call had
   * already ended. Idempotent.
   */
  void cancel(Status status);

  /** The method this call invokes. */
  MethodDescriptor<Req, Resp> method();
}
