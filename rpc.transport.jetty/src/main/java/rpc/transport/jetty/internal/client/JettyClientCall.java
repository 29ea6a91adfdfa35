package rpc.transport.jetty.internal.client;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.http2.ErrorCode;
import org.eclipse.jetty.http2.api.Stream;
import org.eclipse.jetty.http2.frames.DataFrame;
import org.eclipse.jetty.http2.frames.HeadersFrame;
import org.eclipse.jetty.http2.frames.ResetFrame;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Promise;
import rpc.api.CallOptions;
import rpc.api.Codec;
import rpc.api.Deadline;
import rpc.api.Metadata;
import rpc.api.MethodDescriptor;
import rpc.api.Status;
import rpc.api.spi.ClientCall;
import rpc.api.wire.GrpcHeaders;
import rpc.api.wire.GrpcTimeout;
import rpc.api.wire.HttpStatusMapping;
import rpc.api.wire.MessageCompression;
import rpc.api.wire.MessageLimit;
import rpc.transport.jetty.internal.stream.CallStream;
import rpc.transport.jetty.internal.stream.GrpcFields;
import rpc.transport.jetty.internal.stream.JettyGaps;

/**
 * One client call on an HTTP/2 stream.
 *
 * <p>The stream is opened when the call can first send something useful: at {@link #start} for
 * client- and bidi-streaming calls (the server may speak first), at {@link #halfClose} for unary and
 * server-streaming calls, so their request headers, message and END_STREAM leave in one write.
 *
 * <p>Thread-safe as {@link ClientCall} requires.
 */
final class JettyClientCall<Req, Resp> extends CallStream implements ClientCall<Req, Resp> {
  private final JettyClientTransport transport;
  private final ConnectionPool pool;
  private final MethodDescriptor<Req, Resp> method;
  /**
   * The request codec's format, sent as the content-subtype ({@code application/grpc+json}) unless
   * it is {@code proto}; the response must come in it too.
   */
  private final String format;
  /** The response codec in that format, or null if it has none. */
  private final Codec<Resp> responseCodec;
  private final CallOptions options;
  private volatile Listener<Resp> listener;
  private HttpFields.Mutable requestFields;
  private final AtomicBoolean closed = new AtomicBoolean();
  /** The connection whose stream slot this call holds, until the stream closes (or fails to open). */
  private final AtomicReference<ClientConnection> slot = new AtomicReference<>();
  private int openAttempts;
  /** The connection of the call's latest stream, for error messages. */
  private volatile ClientConnection connection;
  private volatile boolean openRequested;
  private volatile boolean responseStarted;
  private volatile Status trailerStatus;
  private volatile Metadata trailerMetadata;

  JettyClientCall(JettyClientTransport transport, MethodDescriptor<Req, Resp> method, CallOptions options,
      int maxInboundMessageSize) {
    super(transport.bufferPool(), transport.executor(), maxInboundMessageSize,
        size -> MessageLimit.responseTooLarge(size, maxInboundMessageSize), false);
    this.transport = transport;
    this.pool = transport.pool();
    this.method = method;
    this.format = method.requestCodec().format();
    this.responseCodec = method.responseCodec().inFormat(format);
    this.options = options;
  }

  boolean waitForReady() {
    return options.waitForReady();
  }

  boolean isClosed() {
    return closed.get();
  }

  // ---- ClientCall ----

  @Override
  public void start(Listener<Resp> listener, Metadata headers) {
    this.listener = java.util.Objects.requireNonNull(listener, "listener");
    if (responseCodec == null) {
      closeWith(Status.INTERNAL.withDescription("the codecs of " + method.fullName() + " disagree: requests in "
          + format + ", responses in " + method.responseCodec().format()), new Metadata(), false);
      return;
    }
    String compression = options.compression();
    if (compression != null && !MessageCompression.IDENTITY.equalsIgnoreCase(compression)) {
      if (!MessageCompression.isSupported(compression)) {
        closeWith(Status.INTERNAL.withDescription("unsupported compression: " + compression), new Metadata(), false);
        return;
      }
      outboundEncoding = compression.toLowerCase(java.util.Locale.ROOT);
    }
    try {
      requestFields = requestFields(headers);
    } catch (IllegalArgumentException e) {
      closeWith(Status.INTERNAL.withDescription(e.getMessage()), new Metadata(), false);
      return;
    }
    Status refused = transport.register(this);
    if (refused != null) {
      closeWith(refused, new Metadata(), false);
      return;
    }
    if (method.kind().clientStreams()) {
      requestOpen();
    }
  }

  private void requestOpen() {
    if (!openRequested) {
      openRequested = true;
      pool.open(this);
    }
  }

  @Override
  public void request(int n) {
    if (n > 0) {
      inbound.demand(n);
    }
  }

  @Override
  public void send(Req message) {
    if (closed.get()) {
      return;
    }
    try {
      queueMessage(method.requestCodec(), message);
    } catch (RuntimeException e) {
      cancel(Status.INTERNAL.withDescription("could not serialize request for " + method.fullName() + ": " + e)
          .withCause(e));
    }
  }

  @Override
  public boolean isReady() {
    return !closed.get() && outboundReady();
  }

  @Override
  public void halfClose() {
    lock.lock();
    try {
      if (sendClosed) {
        return;
      }
      sendClosed = true;
      endWithData = true;
    } finally {
      lock.unlock();
    }
    if (closed.get()) {
      return;
    }
    if (openRequested) {
      flush();
    } else {
      requestOpen();
    }
  }

  @Override
  public void cancel(Status status) {
    java.util.Objects.requireNonNull(status, "status");
    Status lastFailure = stream == null ? transport.connectionFailure() : null;
    if (lastFailure != null && status.code() == Status.Code.DEADLINE_EXCEEDED) {
      // A call that waited for a connection until its deadline: say why there was none.
      status = status.augmentDescription("while waiting for a connection; last attempt: " + lastFailure.description());
    }
    if (fail(status)) {
      resetStream(ErrorCode.CANCEL_STREAM_ERROR);
    }
  }

  @Override
  public MethodDescriptor<Req, Resp> method() {
    return method;
  }

  // ---- opening ----

  /** Opens the stream on {@code conn}, where the pool reserved a slot for it. */
  void openOn(ClientConnection conn) {
    connection = conn;
    slot.set(conn);
    openAttempts++;
    if (closed.get()) {
      releaseSlot();
      return;
    }
    MetaData.Request request = requestMetaData();
    int max = conn.maxHeaderListSize();
    long size = GrpcFields.headerListSize(request.getHttpFields(), ":method", "POST", ":scheme", "https",
        ":authority", transport.authority(), ":path", method.path());
    if (max >= 0 && size > max) {
      releaseSlot();
      fail(Status.INTERNAL.withDescription("request headers of " + method.fullName() + " are " + size
          + " bytes, more than the " + max + " the server accepts"));
      return;
    }
    ByteBuffer first = takeOpeningData();
    boolean end = openingWriteEnds();
    HeadersFrame headers = new HeadersFrame(request, null, first == null && end);
    DataFrame data = first == null ? null : new DataFrame(first, end);
    JettyGaps.newStream(conn.session(), headers, data, new Promise<>() {
      @Override
      public void succeeded(Stream s) {
        onOpened(s);
      }

      @Override
      public void failed(Throwable x) {
        onOpenFailed(x);
      }
    }, this);
  }

  /** The request headers but {@code grpc-timeout}, built (and checked) when the call starts. */
  private HttpFields.Mutable requestFields(Metadata headers) {
    HttpFields.Mutable f = HttpFields.build(8 + (headers == null ? 0 : headers.size()));
    f.add(GrpcFields.contentType("proto".equals(format) ? "" : format));
    f.add(GrpcFields.TE_TRAILERS);
    f.add(transport.userAgent());
    String encoding = outboundEncoding;
    if (encoding != null) {
      f.add(GrpcHeaders.GRPC_ENCODING, encoding);
    }
    f.add(GrpcFields.ACCEPT_ENCODING);
    GrpcFields.addMetadata(f, headers);
    return f;
  }

  private MetaData.Request requestMetaData() {
    HttpFields.Mutable f = requestFields;
    Deadline deadline = options.deadline();
    if (deadline != null) {
      // Measured as late as possible, so the server sees what is really left.
      f.add(GrpcHeaders.GRPC_TIMEOUT, GrpcTimeout.encode(deadline.remainingNanos()));
    }
    HttpURI uri = HttpURI.build(transport.baseUri()).path(method.path());
    return new MetaData.Request("POST", uri, HttpVersion.HTTP_2, f, -1);
  }

  private void onOpened(Stream s) {
    stream = s;
    if (closed.get()) {
      onWriteSucceeded();
      s.reset(new ResetFrame(s.getId(), ErrorCode.CANCEL_STREAM_ERROR.code), Callback.NOOP);
      return;
    }
    onWriteSucceeded();
  }

  private void onOpenFailed(Throwable x) {
    // Jetty refused the stream before writing anything of it: the server's stream limit dropped (a
    // SETTINGS frame raced us) or the connection is closing. Nothing was sent, so the call can
    // safely wait for a slot or a new connection, a few times.
    boolean notSent = stream == null
        && (x instanceof IllegalStateException || x instanceof java.nio.channels.ClosedChannelException);
    if (!closed.get() && notSent && openAttempts < 3) {
      ClientConnection held = slot.getAndSet(null);
      if (held != null) {
        restoreOpeningChunk();
        pool.requeue(this, held);
        return;
      }
    }
    releaseSlot();
    if (notSent && !closed.get()) {
      String why = "could not open a stream to " + transport.authority() + ": " + x;
      fail(Status.UNAVAILABLE.withDescription(why).withCause(new rpc.api.spi.Unprocessed(why, x)));
    }
    onWriteFailed(x);
  }

  /** Gives back the call's stream slot, once. */
  private void releaseSlot() {
    ClientConnection c = slot.getAndSet(null);
    if (c != null) {
      c.releaseSlot();
    }
  }

  // ---- Jetty stream events ----

  @Override
  public void onHeaders(Stream s, HeadersFrame frame) {
    if (stream == null) {
      stream = s;
    }
    MetaData md = frame.getMetaData();
    HttpFields fields = md.getHttpFields();
    if (md.isResponse()) {
      int httpStatus = ((MetaData.Response) md).getStatus();
      if (frame.isEndStream()) {
        onTrailersOnly(httpStatus, fields);
        return;
      }
      if (httpStatus != 200) {
        failFromServer(HttpStatusMapping.forHttpStatus(httpStatus));
        return;
      }
      String contentType = fields.get("content-type");
      String subtype = GrpcFields.contentSubtype(contentType);
      if (subtype == null) {
        failFromServer(Status.UNKNOWN.withDescription("invalid content-type in response: " + contentType));
        return;
      }
      if (!format.equals(GrpcFields.format(subtype))) {
        failFromServer(Status.UNKNOWN.withDescription("response content-type " + contentType
            + " is not the request's format (" + format + ")"));
        return;
      }
      String encoding = fields.get(GrpcHeaders.GRPC_ENCODING);
      if (encoding != null && !MessageCompression.IDENTITY.equalsIgnoreCase(encoding)) {
        if (!MessageCompression.isSupported(encoding)) {
          failFromServer(Status.INTERNAL.withDescription("response uses unsupported grpc-encoding: " + encoding));
          return;
        }
        inbound.setEncoding(encoding);
      }
      responseStarted = true;
      Metadata headers = GrpcFields.toMetadata(fields);
      serial.execute(() -> {
        if (!closed.get()) {
          listener.onHeaders(headers);
        }
      });
      inbound.open();
      return;
    }
    // Trailers: they end the response; keep what DATA came before them, deliver it, then close.
    Status status = GrpcFields.status(fields);
    if (status == null) {
      status = Status.UNKNOWN.withDescription("missing grpc-status in response trailers");
    }
    trailerMetadata = GrpcFields.toMetadata(fields);
    trailerStatus = status;
    inbound.stashBeforeEnd(s);
    inbound.open();
  }

  private void onTrailersOnly(int httpStatus, HttpFields fields) {
    Status status = GrpcFields.status(fields);
    if (status == null) {
      status = httpStatus != 200 ? HttpStatusMapping.forHttpStatus(httpStatus)
          : Status.UNKNOWN.withDescription("missing grpc-status in trailers-only response");
    }
    trailerMetadata = GrpcFields.toMetadata(fields);
    trailerStatus = status;
    closeWith(status, trailerMetadata, true);
  }

  /** The server answered with something that is not gRPC: end the call and the stream. */
  private void failFromServer(Status status) {
    if (fail(status)) {
      resetStream(ErrorCode.CANCEL_STREAM_ERROR);
    }
  }

  @Override
  public void onReset(Stream s, ResetFrame frame, Callback callback) {
    callback.succeeded();
    if (trailerStatus != null) {
      inbound.schedule(); // the trailers came first: finish from them
      return;
    }
    Status status = HttpStatusMapping.forHttp2ErrorCode(frame.getError()).augmentDescription("stream reset by the server");
    if (frame.getError() == ErrorCode.REFUSED_STREAM_ERROR.code) {
      // The server refused the stream before its application saw it: a channel may send it again.
      status = status.withCause(new rpc.api.spi.Unprocessed("the server refused the stream (REFUSED_STREAM)"));
    }
    fail(status);
  }

  @Override
  public void onFailure(Stream s, int error, String reason, Throwable failure, Callback callback) {
    callback.succeeded();
    if (trailerStatus != null) {
      inbound.schedule();
      return;
    }
    ClientConnection c = connection;
    String why = reason != null ? reason : ErrorCode.toString(error, "error " + error);
    String description = transport.authority() + ": " + (c != null ? c.describeFailure(why) : "the connection failed: " + why);
    // Jetty marks streams above a GOAWAY's last stream id: the server never processed them.
    Throwable cause = failure instanceof org.eclipse.jetty.http2.RetryableStreamException
        ? new rpc.api.spi.Unprocessed(description, failure) : failure;
    fail(Status.UNAVAILABLE.withDescription(description).withCause(cause));
  }

  @Override
  public void onIdleTimeout(Stream s, TimeoutException x, Promise<Boolean> promise) {
    promise.succeeded(false); // a quiet call is legitimate; deadlines end calls, not idleness
  }

  @Override
  public void onClosed(Stream s) {
    releaseSlot();
  }

  // ---- CallStream hooks ----

  @Override
  protected Object decode(ByteBuffer payload) {
    return responseCodec.decode(payload);
  }

  @Override
  @SuppressWarnings("unchecked")
  protected void deliverMessage(Object message) {
    if (!closed.get()) {
      listener.onMessage((Resp) message);
    }
  }

  @Override
  protected void onInboundEnd() {
    Status status = trailerStatus;
    Metadata trailers = trailerMetadata;
    if (status == null) {
      status = Status.INTERNAL.withDescription(responseStarted
          ? "response stream ended without trailers" : "response ended without headers");
      trailers = new Metadata();
    }
    closeWith(status, trailers, true);
  }

  @Override
  protected void onInboundError(Status status) {
    if (fail(status)) {
      resetStream(ErrorCode.CANCEL_STREAM_ERROR);
    }
  }

  @Override
  protected void notifyReady() {
    serial.execute(() -> {
      if (!closed.get()) {
        listener.onReady();
      }
    });
  }

  @Override
  protected void onOutboundComplete() {
    // END_STREAM is out; the response decides the rest.
  }

  @Override
  protected void onWriteFailure(Throwable failure) {
    Stream s = stream;
    if (s != null && s.isReset()) {
      return; // onReset or onFailure reports why
    }
    fail(Status.UNAVAILABLE.withDescription("could not write to " + transport.authority() + ": " + failure)
        .withCause(failure));
  }

  // ---- ending ----

  /** Ends the call with an error; true if this ended it. */
  boolean fail(Status status) {
    return closeWith(status, new Metadata(), false);
  }

  /**
   * Ends the call once: delivers {@code onClose} after anything already queued for the listener
   * and releases the call's buffers. {@code fromServer} means the server finished the response, so a
   * request still being sent is cut short with RST_STREAM.
   */
  private boolean closeWith(Status status, Metadata trailers, boolean fromServer) {
    if (!closed.compareAndSet(false, true)) {
      return false;
    }
    boolean stillSending;
    lock.lock();
    try {
      stillSending = !outboundFinished && stream != null;
    } finally {
      lock.unlock();
    }
    abandonOutbound();
    pool.forget(this);
    if (fromServer && stillSending) {
      resetStream(ErrorCode.CANCEL_STREAM_ERROR);
    }
    serial.execute(() -> {
      inbound.stop();
      Listener<Resp> l = listener;
      if (l != null) {
        l.onClose(status, trailers);
      }
      transport.callEnded(this);
    });
    return true;
  }

  private void resetStream(ErrorCode code) {
    Stream s = stream;
    if (s != null && !s.isReset()) {
      s.reset(new ResetFrame(s.getId(), code.code), Callback.NOOP);
    }
  }

  @Override
  public String toString() {
    return "JettyClientCall{" + method.fullName() + ", stream=" + stream + "}";
  }
}
