package rpc.api;

/**
 * What a server handler knows about its call: the request headers, the deadline, whether the call
 * was cancelled, the peer, and the trailers it will send.
 * Thread-safe, except {@link #responseTrailers()}, which returns the one mutable trailers object
 * of the call: add to it from the handler's thread.
 */
public interface ServerContext {

  /** {@return the method being called} */
  MethodDescriptor<?, ?> method();

  /** {@return a copy of the request headers (custom metadata only)} */
  Metadata requestHeaders();

  /** {@return the call's deadline, or null when the client set none} */
  Deadline deadline();

  /**
   * Whether the call has been cancelled (client cancel, deadline expiry, connection loss or server
   * shutdown). When this turns true the handler thread is also interrupted.
   *
   * @return true once the call is cancelled
   */
  boolean isCancelled();

  /** {@return Why the call was cancelled, or null while it is not} */
  Status cancellationStatus();

  /** {@return the remote address as text ({@code 127.0.0.1:53124}, {@code inprocess:NAME})} */
  String peer();

  /** {@return the {@code :authority} the client addressed, or null} */
  String authority();

  /**
   * The trailers sent when the handler returns normally; mutable, for the handler's thread.
   *
   * @return the trailers to send, for the handler to add to
   */
  Metadata responseTrailers();

  /**
   * Compresses response messages with {@code encoding} ({@code "gzip"} or {@code "identity"}) if the
   * client accepts it; call before the first response.
   *
   * @param encoding the encoding's name
   * @throws IllegalArgumentException if the encoding is not supported; the message lists those that are
   */
  void setResponseCompression(String encoding);

  /**
   * Whether the last request message the handler took arrived compressed — for a unary or
   * server-streaming handler, its request; for streaming requests, as
   * {@link Stream#lastReceivedCompressed}. In process, where nothing is encoded, whether the client
   * asked for compression.
   *
   * @return whether the last request received was compressed
   */
  boolean requestCompressed();

  /**
   * Whether the response messages sent from now on are compressed with the encoding set by
   * {@link #setResponseCompression}: true by default; false sends the next ones as they are. As
   * {@link Stream#setMessageCompression}, for handlers that get no stream (unary, client-streaming).
   *
   * @param enabled whether to compress the next responses
   */
  void setMessageCompression(boolean enabled);

  /**
   * Runs {@code action} once when the call is cancelled: on a virtual thread of its own (never a
   * transport thread, so it may block), or at once on the calling thread if the call already is.
   *
   * @param action what to run on cancellation
   */
  void onCancel(Runnable action);
}
