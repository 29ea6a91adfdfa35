package rpc.api;

/**
 * Runs around every call a {@link Channel} starts, at the level of what a call carries: its options
 * and request headers, the messages each way, the response headers, and the final status with its
 * trailers. An interceptor may change the options (tighten the deadline, pick a compression), add
 * headers, observe or replace messages, replace the final status, attach a {@link CallTracer}, or fail
 * the call before it starts by throwing {@link StatusException}.
 * Implementations must be thread-safe: one interceptor serves every call of the channel at once.
 * Interceptors apply to every call kind, blocking or asynchronous.
 *
 * <p><b>Order.</b> A channel's interceptors form a chain, the first added outermost: on the way out
 * ({@link #intercept}, {@link Listener#onSend}) the first added runs first; on the way back
 * ({@link Listener#onHeaders}, {@link Listener#onMessage}, {@link Listener#onClose}) it runs last,
 * and sees what the inner ones made of each event. The library's own per-call features (the
 * headers and the deadline of the {@link CallOptions}) are interceptors too, innermost.
 *
 * <p>For example, an interceptor that adds a token and counts failures:
 * {@snippet :
 * ClientInterceptor auth = new ClientInterceptor() {
 *   @Override
 *   public <Req, Resp> Listener<Req, Resp> intercept(Call<Req, Resp> call) {
 *     call.headers().put("authorization", "Bearer " + token.get());
 *     return new Listener<>() {
 *       @Override
 *       public Status onClose(Status status, Metadata trailers) {
 *         if (!status.isOk()) {
 *           failures.increment();
 *         }
 *         return status;
 *       }
 *     };
 *   }
 * };
 * }
 */
@FunctionalInterface
public interface ClientInterceptor {

  /**
   * Called as a call starts, on the thread starting it, before anything is sent; returns what this
   * interceptor does with the call's events.
   *
   * @param <Req> the request message type
   * @param <Resp> the response message type
   * @param call the call being started: its method, options and request headers
   * @return the call's listener, or null if this interceptor needs no event of it
   * @throws StatusException to fail the call with its status before it starts (anything else
   *     thrown, checked or not, fails it with {@code INTERNAL}); the interceptors further in do not
   *     run, and those further out see the failure in {@link Listener#onClose}
   */
  <Req, Resp> Listener<Req, Resp> intercept(Call<Req, Resp> call);

  /**
   * One call being started, as the interceptors see it in turn. The setters and {@link #headers()}
   * are for use inside {@link ClientInterceptor#intercept}; {@link #cancel} works from any thread,
   * at any time.
   *
   * @param <Req> the request message type
   * @param <Resp> the response message type
   */
  interface Call<Req, Resp> {
    /** {@return the method being called} */
    MethodDescriptor<Req, Resp> method();

    /** {@return the target the channel was opened with, as given} */
    String target();

    /** {@return the call's options as they stand: the caller's, as changed by earlier interceptors} */
    CallOptions options();

    /**
     * Replaces the call's options for the interceptors further in and the transport.
     *
     * @param options the new options
     * @throws IllegalStateException after {@link ClientInterceptor#intercept} returned
     */
    void setOptions(CallOptions options);

    /**
     * The request headers the call will send, to read and change. Headers of the options
     * ({@link CallOptions#withHeaders}) are added to them last.
     *
     * @return the live request headers
     * @throws IllegalStateException after {@link ClientInterceptor#intercept} returned
     */
    Metadata headers();

    /**
     * Attaches a tracer that sees the call's wire events (after all interceptors have run: the
     * request headers as finally sent, each message's sizes, the final status).
     *
     * @param tracer the tracer
     * @throws IllegalStateException after {@link ClientInterceptor#intercept} returned
     */
    void addTracer(CallTracer tracer);

    /**
     * Ends the call with {@code status} and tells the server, unless it has ended already; the
     * application sees {@code status}. Safe from any thread, also before the call has started
     * (it then fails as it starts) and from inside a listener method.
     *
     * @param status the status to end the call with
     */
    void cancel(Status status);
  }

  /**
   * What an interceptor does with one call's events; every method passes its event on unchanged
   * unless overridden. {@link #onSend} runs on the thread sending the message, and not for a
   * message sent once {@code onClose} has begun (one sent at the same moment may still overlap
   * it). The others run serialized, usually on a transport thread that serves other calls too:
   * they must return quickly and never block — a listener that blocks there holds up every call on
   * the connection. Anything a listener method throws (checked or not) cancels the call with
   * {@code INTERNAL} naming the listener (from {@code onClose}: it is logged and the status passes
   * on).
   *
   * @param <Req> the request message type
   * @param <Resp> the response message type
   */
  interface Listener<Req, Resp> {
    /**
     * A request message on its way out.
     *
     * @param message the message
     * @return the message to send on (the same, or a replacement)
     */
    default Req onSend(Req message) {
      return message;
    }

    /**
     * The response headers arrived (not called for a trailers-only response).
     *
     * @param headers the response headers, which this method may change
     */
    default void onHeaders(Metadata headers) {}

    /**
     * A response message on its way to the application.
     *
     * @param message the message
     * @return the message to deliver (the same, or a replacement)
     */
    default Resp onMessage(Resp message) {
      return message;
    }

    /**
     * The call ended; called exactly once, last, for every call whose {@code intercept} returned
     * this listener.
     *
     * @param status the call's final status
     * @param trailers the trailing metadata, which this method may change
     * @return the status the application sees (the same, or a replacement)
     */
    default Status onClose(Status status, Metadata trailers) {
      return status;
    }
  }
}
