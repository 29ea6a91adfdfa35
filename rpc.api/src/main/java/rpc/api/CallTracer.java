package rpc.api;

/**
 * What one call puts on the wire and takes off it, event by event: headers each way, each message's
 * size on the wire and before compression, and the end. Metrics (message sizes, call counts and
 * durations) and tracing are built on it. A client attaches one to a call from a
 * {@link ClientInterceptor} ({@link ClientInterceptor.Call#addTracer}); a server creates one per call
 * with a {@link Factory} given to {@link Server.Builder#tracer}.
 *
 * <p><b>Threads.</b> Implementations must be thread-safe: events of one call come from the thread
 * sending messages, the transport's threads and, on a server, the handler's thread, and the two
 * directions may overlap. Events of one direction come in order. Every method must return quickly
 * and never block: most run on a transport thread that serves other calls too. An exception thrown
 * by a tracer is logged and ignored; the call goes on.
 *
 * <p><b>Sizes.</b> A message's wire size is its payload as sent, after compression, without the
 * five-byte gRPC message prefix; its uncompressed size is the codec's encoded size. A transport
 * that moves messages without encoding them (in-process) reports the codec's encoded size for both,
 * or -1 when the codec cannot tell, and as {@code compressed} whether the sender asked for
 * compression, so a tracer reads the same over every transport.
 *
 * <p><b>The end.</b> {@link #callEnded} comes exactly once for a call that was traced, after its
 * headers events; a message event racing a cancellation may still come after it.
 */
public interface CallTracer {

  /**
   * Creates the tracer for each call a server accepts. Thread-safe: called for many calls at once,
   * on a transport thread, so it must return quickly.
   */
  @FunctionalInterface
  interface Factory {
    /**
     * A tracer for one call, or null to trace nothing of it.
     *
     * @param method the method called
     * @param headers the call's request headers (custom metadata; read them, do not keep them)
     * @return the call's tracer, or null
     */
    CallTracer newTracer(MethodDescriptor<?, ?> method, Metadata headers);
  }

  /**
   * Headers this end sends: the request headers (client) or the response headers (server), as
   * they leave the library.
   *
   * @param headers the custom metadata sent; read it, do not keep or change it
   */
  default void outboundHeaders(Metadata headers) {}

  /**
   * Headers this end received: the response headers (client; not called for a trailers-only
   * response). On a server the request headers are given to {@link Factory#newTracer} instead.
   *
   * @param headers the custom metadata received; read it, do not keep or change it
   */
  default void inboundHeaders(Metadata headers) {}

  /**
   * One message handed to the wire.
   *
   * @param wireSize the payload's size as sent (after compression), or -1 if unknown
   * @param uncompressedSize the message's encoded size before compression, or -1 if unknown
   * @param compressed whether the message was sent compressed
   */
  default void outboundMessage(long wireSize, long uncompressedSize, boolean compressed) {}

  /**
   * One message taken off the wire and decoded.
   *
   * @param wireSize the payload's size as received (before decompression), or -1 if unknown
   * @param uncompressedSize its size after decompression, or -1 if unknown
   * @param compressed whether it arrived compressed
   */
  default void inboundMessage(long wireSize, long uncompressedSize, boolean compressed) {}

  /**
   * Server only: the call's handler is about to run, on the handler's own thread (before any
   * {@link ServerInterceptor}), so a tracer may set up thread-bound context such as a tracing scope.
   */
  default void handlerStarting() {}

  /**
   * Server only: the call's handler (and the server interceptors around it) returned or threw, on
   * the same thread as {@link #handlerStarting}; tear down what it set up.
   */
  default void handlerFinished() {}

  /**
   * The call ended: the status the application sees (client) or the status sent to the client, or
   * the reason the call was cancelled (server).
   *
   * @param status the final status
   * @param trailers the trailing metadata received (client) or sent (server); empty when none
   */
  default void callEnded(Status status, Metadata trailers) {}
}
