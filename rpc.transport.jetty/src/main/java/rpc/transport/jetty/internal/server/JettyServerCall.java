package rpc.transport.jetty.internal.server;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.http2.ErrorCode;
import org.eclipse.jetty.http2.api.Session;
import org.eclipse.jetty.http2.api.Stream;
import org.eclipse.jetty.http2.frames.HeadersFrame;
import org.eclipse.jetty.http2.frames.ResetFrame;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Promise;
import rpc.api.Codec;
import rpc.api.Deadline;
import rpc.api.Metadata;
import rpc.api.MethodDescriptor;
import rpc.api.Status;
import rpc.api.spi.ServerCall;
import rpc.api.spi.ServerCallAcceptor;
import rpc.api.wire.GrpcHeaders;
import rpc.api.wire.HttpStatusMapping;
import rpc.api.wire.MessageCompression;
import rpc.api.wire.MessageLimit;
import rpc.transport.jetty.internal.stream.CallStream;
import rpc.transport.jetty.internal.stream.GrpcFields;
import rpc.transport.jetty.internal.stream.JettyGaps;

/**
 * One server call on an HTTP/2 stream: request messages in, response headers, messages and
 * trailers out (or a trailers-only response when nothing else was sent).
 *
 * <p>Thread-safe as {@link ServerCall} requires.
 */
final class JettyServerCall<Req, Resp> extends CallStream implements ServerCall<Req, Resp> {
  private final JettyServerTransport transport;
  /** The method as registered: the library finds the call's handler by it. */
  private final MethodDescriptor<Req, Resp> method;
  /** The method's codecs in the format of the request's content-subtype, which the response keeps. */
  private final Codec<Req> requestCodec;
  private final Codec<Resp> responseCodec;
  private final HttpField contentType;
  private final Deadline deadline;
  private final String peer;
  private final String authority;
  private final String acceptEncoding;
  private volatile Listener<Req> listener;
  private final AtomicBoolean ended = new AtomicBoolean();
  /**
   * Held while a listener callback runs, and by {@link #close} while it marks the listener done, so
   * that no callback runs once the library's close has returned (a callback decided just before
   * would otherwise still arrive after it).
   */
  private final ReentrantLock delivery = new ReentrantLock();
  private boolean listenerDone; // guarded by delivery
  private boolean headersQueued; // under lock
  private volatile String responseEncoding;

  JettyServerCall(JettyServerTransport transport, Stream stream, MethodDescriptor<Req, Resp> method,
      Codec<Req> requestCodec, Codec<Resp> responseCodec, HttpField contentType, Deadline deadline,
      String peer, String authority, String acceptEncoding, String requestEncoding, int maxInboundMessageSize) {
    super(transport.bufferPool(), transport.executor(), maxInboundMessageSize,
        size -> MessageLimit.requestTooLarge(size, maxInboundMessageSize), true);
    this.transport = transport;
    this.stream = stream;
    this.method = method;
    this.requestCodec = requestCodec;
    this.responseCodec = responseCodec;
    this.contentType = contentType;
    this.deadline = deadline;
    this.peer = peer;
    this.authority = authority;
    this.acceptEncoding = acceptEncoding;
    this.inbound.setEncoding(requestEncoding);
  }

  /** The session of the call's stream. */
  Session session() {
    return stream.getSession();
  }

  /** Hands the call to the library; runs serialized so no event reaches a listener not yet known. */
  void accept(ServerCallAcceptor acceptor, Metadata headers) {
    serial.execute(() -> {
      try {
        listener = acceptor.accept(this, headers);
      } catch (RuntimeException e) {
        fail(Status.INTERNAL.withDescription("server could not accept the call: " + e).withCause(e));
      }
    });
  }

  // ---- ServerCall ----

  @Override
  public MethodDescriptor<Req, Resp> method() {
    return method;
  }

  @Override
  public Deadline deadline() {
    return deadline;
  }

  @Override
  public String peer() {
    return peer;
  }

  @Override
  public String authority() {
    return authority;
  }

  @Override
  public void request(int n) {
    if (n > 0) {
      inbound.demand(n);
    }
  }

  @Override
  public void sendHeaders(Metadata headers) {
    String invalid = null;
    lock.lock();
    try {
      if (headersQueued || sendClosed) {
        return;
      }
      try {
        HeadersFrame frame = responseHeaders(headers);
        checkSize(frame.getMetaData().getHttpFields(), "response headers");
        pendingHeaders = frame;
        headersQueued = true;
      } catch (IllegalArgumentException e) {
        invalid = e.getMessage();
      }
    } finally {
      lock.unlock();
    }
    if (invalid != null) {
      fail(Status.INTERNAL.withDescription("invalid response headers: " + invalid));
      return;
    }
    flush();
  }

  @Override
  public void send(Resp message) {
    if (ended.get()) {
      return;
    }
    lock.lock();
    try {
      if (!headersQueued && !sendClosed) {
        headersQueued = true;
        pendingHeaders = responseHeaders(null);
      }
    } finally {
      lock.unlock();
    }
    try {
      queueMessage(responseCodec, message);
    } catch (RuntimeException e) {
      fail(Status.INTERNAL.withDescription("could not serialize response of " + method.fullName() + ": " + e)
          .withCause(e));
    }
  }

  @Override
  public boolean isReady() {
    return !ended.get() && outboundReady();
  }

  @Override
  public void setCompression(String encoding) {
    if (MessageCompression.IDENTITY.equalsIgnoreCase(encoding)) {
      responseEncoding = null;
      return;
    }
    if (MessageCompression.isSupported(encoding) && MessageCompression.accepts(acceptEncoding, encoding)) {
      lock.lock();
      try {
        if (!headersQueued) {
          responseEncoding = encoding.toLowerCase(java.util.Locale.ROOT);
        }
      } finally {
        lock.unlock();
      }
    }
  }

  /** Under the lock. */
  private HeadersFrame responseHeaders(Metadata headers) {
    HttpFields.Mutable f = HttpFields.build(4 + (headers == null ? 0 : headers.size()));
    f.add(contentType);
    String encoding = responseEncoding;
    if (encoding != null) {
      f.add(GrpcHeaders.GRPC_ENCODING, encoding);
      outboundEncoding = encoding;
    }
    f.add(GrpcFields.ACCEPT_ENCODING);
    GrpcFields.addMetadata(f, headers);
    return new HeadersFrame(stream.getId(), new MetaData.Response(200, null, HttpVersion.HTTP_2, f), null, false);
  }

  @Override
  public void close(Status status, Metadata trailers) {
    delivery.lock(); // waits out a callback in flight: none follows this close
    try {
      listenerDone = true;
    } finally {
      delivery.unlock();
    }
    writeTrailers(status, trailers);
  }

  /**
   * Runs {@code callback} with {@code arg} on the listener unless the call has ended for it.
   * Serialized. Takes the argument apart so that delivering a message allocates nothing.
   */
  private <T> void deliver(java.util.function.BiConsumer<Listener<Req>, T> callback, T arg) {
    delivery.lock();
    try {
      Listener<Req> l = listener;
      if (l != null && !listenerDone && !ended.get()) {
        callback.accept(l, arg);
      }
    } finally {
      delivery.unlock();
    }
  }

  /**
   * The transport ends the call itself (a response it cannot send, a broken request, shutdown):
   * answers the client with {@code status} and tells the listener, once.
   */
  void fail(Status status) {
    if (writeTrailers(status, new Metadata())) {
      notifyCancel(status);
    }
  }

  /** Queues the trailers (or a trailers-only response) that end the call; false if it had ended. */
  private boolean writeTrailers(Status status, Metadata trailers) {
    if (!ended.compareAndSet(false, true)) {
      return false;
    }
    lock.lock();
    try {
      sendClosed = true;
      boolean trailersOnly = !headersQueued;
      headersQueued = true;
      HttpFields.Mutable f;
      try {
        f = trailerFields(trailersOnly, status, trailers);
        checkSize(f, "response trailers");
      } catch (IllegalArgumentException e) {
        f = trailerFields(trailersOnly, Status.INTERNAL.withDescription("invalid response trailers: " + e.getMessage()),
            null);
      }
      // Trailers-only: one HEADERS frame with the status, as gRPC allows when nothing was sent.
      MetaData md = trailersOnly ? new MetaData.Response(200, null, HttpVersion.HTTP_2, f)
          : new MetaData(HttpVersion.HTTP_2, f);
      pendingTrailers = new HeadersFrame(stream.getId(), md, null, true);
    } finally {
      lock.unlock();
    }
    serial.execute(inbound::stop);
    flush();
    return true;
  }

  /**
   * Refuses headers larger than the client accepts: Jetty would fail the whole connection trying to
   * encode them, taking every other call on it down too.
   */
  private void checkSize(HttpFields fields, String what) {
    int max = JettyGaps.maxHeaderListSize(stream.getSession());
    long size = GrpcFields.headerListSize(fields, ":status", "200");
    if (max >= 0 && size > max) {
      throw new IllegalArgumentException(what + " are " + size + " bytes, more than the " + max
          + " the client accepts");
    }
  }

  private HttpFields.Mutable trailerFields(boolean trailersOnly, Status status, Metadata trailers) {
    HttpFields.Mutable f = HttpFields.build(4 + (trailers == null ? 0 : trailers.size()));
    if (trailersOnly) {
      f.add(contentType);
    }
    GrpcFields.addStatus(f, status);
    GrpcFields.addMetadata(f, trailers);
    return f;
  }

  // ---- Jetty stream events ----

  @Override
  public void onHeaders(Stream s, HeadersFrame frame) {
    // Request trailers (rare in gRPC) end the request after the DATA before them. HEADERS after the
    // request has ended (RFC 9113 section 5.1, half-closed remote) is a stream error instead.
    if (JettyGaps.endedWithData(s) || !inbound.stashBeforeEnd(s)) {
      s.reset(new ResetFrame(s.getId(), ErrorCode.STREAM_CLOSED_ERROR.code), Callback.NOOP);
      cancelled(Status.INTERNAL.withDescription("the client sent HEADERS after the end of its request"));
      return;
    }
    inbound.schedule();
  }

  @Override
  public void onReset(Stream s, ResetFrame frame, Callback callback) {
    callback.succeeded();
    Status status = frame.getError() == ErrorCode.CANCEL_STREAM_ERROR.code
        ? Status.CANCELLED.withDescription("call cancelled by the client")
        : Status.CANCELLED.withDescription("stream reset by the client: "
            + HttpStatusMapping.http2ErrorName(frame.getError()));
    cancelled(status);
  }

  @Override
  public void onFailure(Stream s, int error, String reason, Throwable failure, Callback callback) {
    callback.succeeded();
    cancelled(Status.CANCELLED.withDescription("connection to the client lost: "
        + (reason != null ? reason : ErrorCode.toString(error, "error " + error))).withCause(failure));
  }

  @Override
  public void onIdleTimeout(Stream s, TimeoutException x, Promise<Boolean> promise) {
    promise.succeeded(false); // quiet calls are legitimate; deadlines end calls, not idleness
  }

  @Override
  public void onClosed(Stream s) {
    transport.callEnded(this);
  }

  /** The call is gone without a close from the library: tell the listener. */
  void cancelled(Status status) {
    if (!ended.compareAndSet(false, true)) {
      return;
    }
    abandonOutbound();
    notifyCancel(status);
  }

  private void notifyCancel(Status status) {
    serial.execute(() -> {
      inbound.stop();
      delivery.lock();
      try {
        Listener<Req> l = listener;
        if (l != null && !listenerDone) {
          l.onCancel(status); // unless the library closed the call first: then that was its end
        }
        listenerDone = true;
      } finally {
        delivery.unlock();
      }
      transport.callEnded(this);
    });
  }

  // ---- CallStream hooks ----

  @Override
  protected Object decode(ByteBuffer payload) {
    return requestCodec.decode(payload);
  }

  @Override
  @SuppressWarnings("unchecked")
  protected void deliverMessage(Object message) {
    deliver(Listener::onMessage, (Req) message);
  }

  @Override
  protected void onInboundEnd() {
    deliver((l, none) -> l.onHalfClose(), null);
  }

  @Override
  protected void onInboundError(Status status) {
    fail(status); // bad request bytes: answer with the status and tell the handler its call is over
  }

  @Override
  protected void notifyReady() {
    serial.execute(() -> deliver((l, none) -> l.onReady(), null));
  }

  @Override
  protected void onOutboundComplete() {
    // The trailers are out. A client still sending is told to stop (as grpc-go does), which also
    // frees the stream at once.
    Stream s = stream;
    if (!s.isRemotelyClosed() && !s.isReset()) {
      s.reset(new ResetFrame(s.getId(), ErrorCode.NO_ERROR.code), Callback.NOOP);
    }
    transport.callEnded(this);
  }

  @Override
  protected void onWriteFailure(Throwable failure) {
    cancelled(Status.CANCELLED.withDescription("could not write to the client: " + failure).withCause(failure));
  }

  @Override
  public String toString() {
    return "JettyServerCall{" + method.fullName() + ", stream=" + stream.getId() + "}";
  }
}
