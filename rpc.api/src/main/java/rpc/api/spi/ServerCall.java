package rpc.api.spi;

import rpc.api.Deadline;
import rpc.api.Metadata;
import rpc.api.MethodDescriptor;
import rpc.api.Status;

/**
 * The transport's side of one server call, handed to {@link ServerCallAcceptor#accept}.
 * Thread-safety: {@link #request}, {@link #isReady} and {@link #close} may be called from any
 * thread; {@link #sendHeaders}, {@link #send} and {@link #setCompression} by one thread at a time.
 * The listener's callbacks for one call never run concurrently, run on a transport thread, and must
 * not block.
 *
 * <p>Back-pressure: {@link #send} never blocks; the library sends only while {@link #isReady} is
 * true and waits for {@link Listener#onReady} otherwise. Inbound messages are delivered only as
 * {@link #request}ed.
 *
 * @param <Req> request type
 * @param <Resp> response type
 */
public interface ServerCall<Req, Resp> {

  /**
   * Receives the events of one server call.
   *
   * @param <Req> request type
   */
  interface Listener<Req> {
    /** One request message, delivered only against a {@link ServerCall#request}. */
    void onMessage(Req message);

    /** The client will send no more requests. */
    void onHalfClose();

    /**
     * The call was cancelled by the peer, lost with its connection, or ended by the transport
     * shutting down; no more events follow. Not called after {@link ServerCall#close}.
     */
    void onCancel(Status status);

    /** {@link ServerCall#isReady} may have turned true. */
    default void onReady() {}
  }

  /** The method being called. */
  MethodDescriptor<Req, Resp> method();

  /** The deadline the client sent ({@code grpc-timeout}), or null. */
  Deadline deadline();

  /** The remote peer as text. */
  String peer();

  /** The {@code :authority} the client used, or null. */
  String authority();

  /** Allows {@code n} more request messages to be delivered. */
  void request(int n);

  /** Sends response headers; at most once, before any message. */
  void sendHeaders(Metadata headers);

  /** Queues one response message (sending headers first if needed); does not block. */
  void send(Resp message);

  /** Whether a {@link #send} now would not exceed the transport's small outbound buffer. */
  boolean isReady();

  /** Compresses response messages with {@code encoding} if the client accepts it. */
  void setCompression(String encoding);

  /**
   * Ends the call with {@code status} and {@code trailers}; a non-OK status after nothing was sent
   * may be sent trailers-only. Idempotent: later calls are ignored.
   */
  void close(Status status, Metadata trailers);
}
