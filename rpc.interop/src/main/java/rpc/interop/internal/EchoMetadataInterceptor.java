package rpc.interop.internal;

import java.util.concurrent.atomic.AtomicBoolean;
import rpc.api.Metadata;
import rpc.api.ServerCallHandler;
import rpc.api.ServerContext;
import rpc.api.ServerInterceptor;
import rpc.api.ServerStream;
import rpc.interop.testing.TestServiceRpc;

/**
 * The interop server's "Echo Metadata" feature: {@code x-grpc-test-echo-initial} comes back as a
 * response header and {@code x-grpc-test-echo-trailing-bin} as a trailer, whatever the method and
 * whether the call succeeds. It also adds the cache-control header of {@code CacheableUnaryCall}.
 *
 * <p>Thread-safe (stateless); runs on each call's handler thread.
 *
 * <p>The extra headers are held back until the handler sends its first message (or returns), so
 * that the handler can still choose response compression, which must be settled before headers go
 * out.
 */
public final class EchoMetadataInterceptor implements ServerInterceptor {
  /** The request header echoed as a response header. */
  public static final String ECHO_INITIAL = "x-grpc-test-echo-initial";
  /** The binary request header echoed as a trailer. */
  public static final String ECHO_TRAILING = "x-grpc-test-echo-trailing-bin";

  @Override
  public <Req, Resp> void intercept(ServerStream<Resp, Req> stream, ServerCallHandler<Req, Resp> next)
      throws Exception {
    ServerContext context = stream.context();
    Metadata request = context.requestHeaders();
    Metadata headers = new Metadata();
    String initial = request.get(ECHO_INITIAL);
    if (initial != null) {
      headers.put(ECHO_INITIAL, initial);
    }
    if (context.method().fullName().equals(TestServiceRpc.CACHEABLE_UNARY_CALL.fullName())) {
      headers.put("cache-control", "max-age=60, public");
    }
    byte[] trailing = request.getBinary(ECHO_TRAILING);
    if (trailing != null) {
      // merged by the library with the trailers of a StatusException, so failed calls echo it too
      context.responseTrailers().putBinary(ECHO_TRAILING, trailing);
    }
    if (headers.isEmpty()) {
      next.handle(stream);
      return;
    }
    HeaderAddingStream<Resp, Req> wrapped = new HeaderAddingStream<>(stream, headers);
    // a handler that throws is answered trailers-only: no headers, but the echoed trailer
    next.handle(wrapped);
    wrapped.sendHeadersIfPending();
  }

  /** Adds headers to the first header block the handler sends. Thread rules as {@link ServerStream}. */
  private static final class HeaderAddingStream<Resp, Req> implements ServerStream<Resp, Req> {
    private final ServerStream<Resp, Req> delegate;
    private final Metadata extra;
    private final AtomicBoolean headersSent = new AtomicBoolean();

    HeaderAddingStream(ServerStream<Resp, Req> delegate, Metadata extra) {
      this.delegate = delegate;
      this.extra = extra;
    }

    @Override
    public void sendHeaders(Metadata headers) {
      if (!headersSent.compareAndSet(false, true)) {
        throw new IllegalStateException("headers already sent on " + delegate.name());
      }
      delegate.sendHeaders(headers.copy().merge(extra));
    }

    void sendHeadersIfPending() {
      if (headersSent.compareAndSet(false, true)) {
        delegate.sendHeaders(extra.copy());
      }
    }

    @Override
    public void send(Resp message) {
      sendHeadersIfPending();
      delegate.send(message);
    }

    @Override
    public Req receive() {
      return delegate.receive();
    }

    @Override
    public void cancel() {
      delegate.cancel();
    }

    @Override
    public boolean lastReceivedCompressed() {
      return delegate.lastReceivedCompressed();
    }

    @Override
    public void setMessageCompression(boolean enabled) {
      delegate.setMessageCompression(enabled);
    }

    @Override
    public String name() {
      return delegate.name();
    }

    @Override
    public ServerContext context() {
      return delegate.context();
    }
  }
}
