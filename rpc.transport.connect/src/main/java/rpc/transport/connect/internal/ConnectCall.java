package rpc.transport.connect.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLException;
import rpc.api.CallOptions;
import rpc.api.CallTracer;
import rpc.api.Codec;
import rpc.api.Deadline;
import rpc.api.Metadata;
import rpc.api.MethodDescriptor;
import rpc.api.Status;
import rpc.api.StatusException;
import rpc.api.spi.ClientCall;
import rpc.api.spi.SerialExecutor;
import rpc.api.spi.Unprocessed;
import rpc.api.wire.MessageCompression;
import rpc.api.wire.MessageFraming;
import rpc.api.wire.MessageLimit;

/**
 * One call as one HTTP exchange in the Connect protocol: Connect unary for unary methods (the
 * exchange starts at half-close, with the one message as the body), the streaming form for the
 * others (the exchange starts at {@link #start}, and the body streams as the application sends).
 *
 * <p>The response is read on a virtual thread of the call's own, which reads a message only when the
 * library has asked for one ({@link #request}): with the JDK client's bounded response stream that
 * holds the server back (TCP, or HTTP/2 flow control) instead of buffering. The JDK client hands the
 * response over only once the request body is complete, so a streaming call's response is read after
 * the half-close (or after the server ended the call, over HTTP/2).
 *
 * <p>Thread-safe as {@link ClientCall} requires; callbacks run through one {@link SerialExecutor},
 * never while {@link #lock} is held.
 */
final class ConnectCall<Req, Resp> implements ClientCall<Req, Resp> {
  /** The most a unary error body or an end-of-stream message may take, whatever the message limit. */
  private static final int MAX_END_MESSAGE = 1024 * 1024;

  private final ConnectClientTransport transport;
  private final MethodDescriptor<Req, Resp> method;
  private final CallOptions options;
  private final int maxInbound;
  private final String format;
  private final Codec<Req> requestCodec;
  private final Codec<Resp> responseCodec;
  private final boolean unary;
  private final String encoding;
  private final SerialExecutor serial = new SerialExecutor();

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition demandOrEnd = lock.newCondition();
  // guarded by lock
  private Listener<Resp> listener;
  private int demand;
  private Status endStatus;
  private boolean launched;
  private CompletableFuture<?> exchange;
  private InputStream responseBody;

  // the sending thread's
  private Metadata requestHeaders;
  private byte[] unaryMessage;
  private boolean unaryCompressed;
  private boolean compressNext = true;
  private volatile RequestBody body;

  // serial tasks only
  private boolean listenerClosed;
  private volatile boolean deliveringCompressed;
  private volatile CallTracer tracer;

  ConnectCall(ConnectClientTransport transport, MethodDescriptor<Req, Resp> method, CallOptions options,
      int maxInbound) {
    this.transport = transport;
    this.method = method;
    this.options = options;
    this.maxInbound = maxInbound;
    this.requestCodec = method.requestCodec();
    this.format = requestCodec.format();
    this.responseCodec = method.responseCodec().inFormat(format);
    this.unary = method.kind() == MethodDescriptor.Kind.UNARY;
    String c = options.compression();
    this.encoding = c == null || c.equalsIgnoreCase(MessageCompression.IDENTITY) ? null : c.toLowerCase(Locale.ROOT);
  }

  // ---- ClientCall ----

  @Override
  public MethodDescriptor<Req, Resp> method() {
    return method;
  }

  @Override
  public void trace(CallTracer t) {
    tracer = t;
  }

  @Override
  public void start(Listener<Resp> l, Metadata headers) {
    java.util.Objects.requireNonNull(l, "listener");
    Status ended;
    lock.lock();
    try {
      if (listener != null) {
        throw new IllegalStateException("call to " + method.fullName() + " already started");
      }
      listener = l;
      ended = endStatus;
    } finally {
      lock.unlock();
    }
    if (ended != null) { // cancelled before it started
      deliverClose(ended, new Metadata());
      return;
    }
    Status refused = transport.register(this);
    if (refused == null && responseCodec == null) {
      refused = Status.INTERNAL.withDescription("method " + method.fullName() + " sends " + format
          + " but its response codec has no " + format + " form");
    }
    if (refused == null && encoding != null && !MessageCompression.isSupported(encoding)) {
      refused = Status.INTERNAL.withDescription("unsupported compression " + encoding);
    }
    if (refused != null) {
      end(refused, new Metadata(), false);
      return;
    }
    requestHeaders = headers.copy();
    if (!unary) {
      body = new RequestBody(() -> serial.execute(() -> {
        if (!listenerClosed) {
          listener.onReady();
        }
      }));
      launch();
    }
  }

  @Override
  public void request(int n) {
    if (n <= 0) {
      return;
    }
    lock.lock();
    try {
      demand = (int) Math.min(Integer.MAX_VALUE, (long) demand + n);
      demandOrEnd.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void send(Req message) {
    if (ended()) {
      return;
    }
    byte[] bytes;
    try {
      bytes = requestCodec.toByteArray(message);
    } catch (RuntimeException e) {
      cancel(Status.INTERNAL.withDescription("could not encode the request of " + method.fullName() + ": " + e)
          .withCause(e));
      return;
    }
    boolean compress = encoding != null && compressNext;
    byte[] wire = compress ? MessageCompression.compress(encoding, ByteBuffer.wrap(bytes)) : bytes;
    CallTracer t = tracer;
    if (t != null) {
      t.outboundMessage(wire.length, bytes.length, compress);
    }
    if (unary) {
      if (unaryMessage != null) {
        cancel(Status.INTERNAL.withDescription("a unary call to " + method.fullName() + " sent a second request"));
        return;
      }
      unaryMessage = wire;
      unaryCompressed = compress;
      return;
    }
    ByteBuffer envelope = ByteBuffer.allocate(MessageFraming.HEADER_LENGTH + wire.length);
    envelope.put((byte) (compress ? ConnectWire.FLAG_COMPRESSED : 0)).putInt(wire.length).put(wire).flip();
    body.offer(envelope);
  }

  @Override
  public boolean isReady() {
    if (unary) {
      return !ended();
    }
    RequestBody b = body;
    return b != null && b.isReady();
  }

  @Override
  public void halfClose() {
    if (ended()) {
      return;
    }
    if (!unary) {
      body.complete();
      return;
    }
    if (unaryMessage == null) {
      cancel(Status.INTERNAL.withDescription("a unary call to " + method.fullName() + " half-closed without a request"));
      return;
    }
    launch();
  }

  @Override
  public void cancel(Status status) {
    end(status, new Metadata(), true);
  }

  @Override
  public void setMessageCompression(boolean enabled) {
    compressNext = enabled;
  }

  @Override
  public boolean inboundMessageCompressed() {
    return deliveringCompressed;
  }

  // ---- the end ----

  private boolean ended() {
    lock.lock();
    try {
      return endStatus != null;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Decides the end, once: wakes the reader, aborts the exchange if {@code abort} (the peer sees the
   * client go away), and delivers {@code onClose} after what is already queued.
   */
  private void end(Status status, Metadata trailers, boolean abort) {
    CompletableFuture<?> cf;
    InputStream in;
    boolean started;
    lock.lock();
    try {
      if (endStatus != null) {
        return;
      }
      endStatus = status;
      cf = exchange;
      in = responseBody;
      started = listener != null;
      demandOrEnd.signalAll();
    } finally {
      lock.unlock();
    }
    RequestBody b = body;
    if (b != null) {
      b.fail(new IOException("the call ended: " + status));
    }
    if (abort) {
      if (cf != null) {
        cf.cancel(true);
      }
      closeQuietly(in);
    }
    if (started) {
      deliverClose(status, trailers);
    }
  }

  private void deliverClose(Status status, Metadata trailers) {
    serial.execute(() -> {
      if (!listenerClosed) {
        listenerClosed = true;
        listener.onClose(status, trailers);
      }
      transport.callEnded(this);
    });
  }

  private static void closeQuietly(InputStream in) {
    if (in != null) {
      try {
        in.close();
      } catch (IOException e) {
        // aborting anyway
      }
    }
  }

  // ---- the exchange, on the call's own virtual thread ----

  private void launch() {
    lock.lock();
    try {
      if (launched || endStatus != null) {
        return;
      }
      launched = true;
    } finally {
      lock.unlock();
    }
    Thread.ofVirtual().name("rpc-connect " + method.fullName()).start(this::exchange);
  }

  private void exchange() {
    HttpRequest request;
    try {
      request = request();
    } catch (IllegalArgumentException e) {
      end(Status.INTERNAL.withDescription("could not make the request for " + method.fullName() + ": "
          + e.getMessage()).withCause(e), new Metadata(), true);
      return;
    }
    CompletableFuture<HttpResponse<InputStream>> cf =
        transport.http().sendAsync(request, HttpResponse.BodyHandlers.ofInputStream());
    lock.lock();
    try {
      exchange = cf;
      if (endStatus != null) {
        cf.cancel(true);
        return;
      }
    } finally {
      lock.unlock();
    }
    HttpResponse<InputStream> response;
    try {
      response = cf.get();
    } catch (CancellationException e) {
      return; // ended by cancel
    } catch (InterruptedException e) {
      end(Status.CANCELLED.withDescription("interrupted"), new Metadata(), true);
      return;
    } catch (ExecutionException e) {
      end(failure(e.getCause()), new Metadata(), true);
      return;
    }
    InputStream in = response.body();
    lock.lock();
    try {
      responseBody = in;
      if (endStatus != null) {
        closeQuietly(in);
        return;
      }
    } finally {
      lock.unlock();
    }
    transport.reached();
    try (in) {
      if (unary) {
        readUnary(response, in);
      } else {
        readStream(response, in);
      }
    } catch (StatusException e) {
      end(e.status(), new Metadata(), true);
    } catch (IOException e) {
      end(Status.UNAVAILABLE.withDescription("the connection to " + transport.target() + " failed while reading the"
          + " response of " + method.fullName() + ": " + e).withCause(e), new Metadata(), true);
    } catch (RuntimeException e) {
      end(Status.INTERNAL.withDescription("reading the response of " + method.fullName() + " failed: " + e)
          .withCause(e), new Metadata(), true);
    }
  }

  private HttpRequest request() {
    HttpRequest.BodyPublisher publisher = unary ? HttpRequest.BodyPublishers.ofByteArray(unaryMessage)
        : HttpRequest.BodyPublishers.fromPublisher(body);
    HttpRequest.Builder b = HttpRequest.newBuilder(transport.uri(method)).POST(publisher)
        .header("content-type", ConnectWire.contentType(format, !unary))
        .header(ConnectWire.PROTOCOL_VERSION, "1")
        .header("user-agent", transport.userAgent());
    Deadline deadline = options.deadline();
    if (deadline != null) {
      b.header(ConnectWire.TIMEOUT_MS, ConnectWire.timeoutMs(deadline.remainingNanos()));
    }
    if (unary) {
      b.header("accept-encoding", MessageCompression.ACCEPT_ENCODING);
      if (unaryCompressed) {
        b.header("content-encoding", encoding);
      }
    } else {
      b.header(ConnectWire.ACCEPT_ENCODING, MessageCompression.ACCEPT_ENCODING);
      if (encoding != null) {
        b.header(ConnectWire.CONTENT_ENCODING, encoding);
      }
    }
    requestHeaders.forEach((key, value) -> {
      if (!ConnectWire.isReservedRequestKey(key)) {
        b.header(key, ConnectWire.headerValue(value));
      }
    });
    return b.build();
  }

  /** The status of an exchange that failed before a response came. */
  private Status failure(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof ConnectException || c instanceof HttpConnectTimeoutException) {
        Status s = Status.UNAVAILABLE.withDescription("could not connect to " + transport.target() + ": "
            + (c.getMessage() == null ? c.toString() : c.getMessage()))
            .withCause(new Unprocessed("the connection could not be made", c));
        transport.unreachable(s);
        return s;
      }
      if (c instanceof SSLException) {
        Status s = Status.UNAVAILABLE.withDescription("TLS with " + transport.target() + " failed: " + c.getMessage())
            .withCause(c);
        transport.unreachable(s);
        return s;
      }
    }
    if (t instanceof IOException) {
      return Status.UNAVAILABLE.withDescription("the exchange with " + transport.target() + " for "
          + method.fullName() + " failed: " + t).withCause(t);
    }
    return Status.INTERNAL.withDescription("the exchange for " + method.fullName() + " failed: " + t).withCause(t);
  }

  // ---- reading ----

  private void readUnary(HttpResponse<InputStream> response, InputStream in) throws IOException {
    HttpHeaders h = response.headers();
    String contentType = h.firstValue("content-type").orElse(null);
    String enc = encodingOf(h.firstValue("content-encoding").orElse(null));
    Metadata headers = ConnectWire.metadata(h, false);
    Metadata trailers = ConnectWire.metadata(h, true);
    if (response.statusCode() != 200) {
      byte[] raw = readUpTo(in, MAX_END_MESSAGE);
      byte[] text = raw;
      if (enc != null && MessageCompression.isSupported(enc)) {
        try {
          ByteBuffer plain = MessageCompression.decompress(enc, ByteBuffer.wrap(raw), MAX_END_MESSAGE);
          text = new byte[plain.remaining()];
          plain.get(text);
        } catch (StatusException e) {
          // not gzip after all: read as it came
        }
      }
      ConnectWire.End end = ConnectWire.unaryError(response.statusCode(), contentType, text, trailers);
      if (!headers.isEmpty()) {
        deliverHeaders(headers);
      }
      end(end.status(), end.trailers(), false);
      return;
    }
    String expected = ConnectWire.contentType(format, false);
    if (!expected.equals(ConnectWire.baseType(contentType))) {
      throw Status.INTERNAL.withDescription("the response of " + method.fullName() + " has content-type "
          + contentType + ", not " + expected + ": not a Connect server?").asException();
    }
    if (enc != null && !MessageCompression.isSupported(enc)) {
      throw Status.INTERNAL.withDescription("the response of " + method.fullName() + " uses unsupported"
          + " content-encoding " + enc).asException();
    }
    // Compressed, only the decompressed size counts; gzip makes nothing much larger than it was.
    int limit = enc == null ? maxInbound : maxInbound + Math.max(1024, maxInbound / 64);
    byte[] raw = readUpTo(in, limit + 1);
    if (raw.length > limit) {
      throw MessageLimit.responseTooLarge(-1, maxInbound).asException();
    }
    ByteBuffer payload = enc == null ? ByteBuffer.wrap(raw) : decompress(enc, raw);
    Resp message = decode(payload, raw.length, enc != null);
    deliverHeaders(headers);
    if (awaitDemand()) {
      deliverMessage(message, enc != null);
      end(Status.OK, trailers, false);
    }
  }

  private void readStream(HttpResponse<InputStream> response, InputStream in) throws IOException {
    HttpHeaders h = response.headers();
    String contentType = h.firstValue("content-type").orElse(null);
    if (response.statusCode() != 200) {
      byte[] raw = readUpTo(in, MAX_END_MESSAGE);
      ConnectWire.End end = ConnectWire.unaryError(response.statusCode(), contentType, raw, new Metadata());
      end(end.status(), end.trailers(), false);
      return;
    }
    String expected = ConnectWire.contentType(format, true);
    if (!expected.equals(ConnectWire.baseType(contentType))) {
      throw Status.INTERNAL.withDescription("the response of " + method.fullName() + " has content-type "
          + contentType + ", not " + expected + ": not a Connect server?").asException();
    }
    String enc = encodingOf(h.firstValue(ConnectWire.CONTENT_ENCODING).orElse(null));
    if (enc != null && !MessageCompression.isSupported(enc)) {
      throw Status.INTERNAL.withDescription("the response of " + method.fullName() + " uses unsupported"
          + " Connect-Content-Encoding " + enc).asException();
    }
    deliverHeaders(ConnectWire.metadata(h, false));
    byte[] prefix = new byte[MessageFraming.HEADER_LENGTH];
    while (true) {
      int n = in.readNBytes(prefix, 0, prefix.length);
      if (n == 0) {
        throw Status.INTERNAL.withDescription("the server ended the response of " + method.fullName()
            + " without the Connect end-of-stream message").asException();
      }
      if (n < prefix.length) {
        throw truncated();
      }
      int flags = prefix[0] & 0xFF;
      int length = ByteBuffer.wrap(prefix, 1, 4).getInt();
      boolean endOfStream = (flags & ConnectWire.FLAG_END_STREAM) != 0;
      boolean compressed = (flags & ConnectWire.FLAG_COMPRESSED) != 0;
      if ((flags & ~(ConnectWire.FLAG_END_STREAM | ConnectWire.FLAG_COMPRESSED)) != 0) {
        throw Status.INTERNAL.withDescription("Connect envelope with unknown flags 0x" + Integer.toHexString(flags))
            .asException();
      }
      int limit = endOfStream ? Math.max(maxInbound, MAX_END_MESSAGE) : maxInbound;
      if (length < 0 || length > limit) {
        throw (endOfStream ? Status.INTERNAL.withDescription("end-of-stream message too large: "
            + Integer.toUnsignedLong(length) + " bytes") : MessageLimit.responseTooLarge(Integer.toUnsignedLong(length),
            maxInbound)).asException();
      }
      byte[] payload = in.readNBytes(length);
      if (payload.length < length) {
        throw truncated();
      }
      if (compressed && enc == null) {
        throw Status.INTERNAL.withDescription("compressed Connect message without Connect-Content-Encoding")
            .asException();
      }
      if (endOfStream) {
        ByteBuffer plain = compressed ? MessageCompression.decompress(enc, ByteBuffer.wrap(payload), limit)
            : ByteBuffer.wrap(payload);
        byte[] json = new byte[plain.remaining()];
        plain.get(json);
        ConnectWire.End end;
        try {
          end = ConnectWire.endOfStream(json);
        } catch (IllegalArgumentException e) {
          throw Status.INTERNAL.withDescription("malformed Connect end-of-stream message: " + e.getMessage())
              .asException();
        }
        end(end.status(), end.trailers(), false);
        return;
      }
      ByteBuffer plain = compressed ? decompress(enc, payload) : ByteBuffer.wrap(payload);
      Resp message = decode(plain, payload.length, compressed);
      if (!awaitDemand()) {
        return;
      }
      deliverMessage(message, compressed);
    }
  }

  private StatusException truncated() {
    return Status.INTERNAL.withDescription("the response of " + method.fullName() + " ended inside a message")
        .asException();
  }

  private static String encodingOf(String header) {
    if (header == null || header.isBlank() || header.strip().equalsIgnoreCase(MessageCompression.IDENTITY)) {
      return null;
    }
    return header.strip().toLowerCase(Locale.ROOT);
  }

  private ByteBuffer decompress(String enc, byte[] raw) {
    try {
      return MessageCompression.decompress(enc, ByteBuffer.wrap(raw), maxInbound);
    } catch (StatusException e) {
      if (e.status().code() == Status.Code.RESOURCE_EXHAUSTED) {
        throw MessageLimit.responseTooLarge(-1, maxInbound).asException();
      }
      throw e;
    }
  }

  private Resp decode(ByteBuffer payload, int wireSize, boolean compressed) {
    int size = payload.remaining();
    Resp message;
    try {
      message = responseCodec.decode(payload);
    } catch (RuntimeException e) {
      throw Status.INTERNAL.withDescription("could not decode the response of " + method.fullName() + ": " + e)
          .withCause(e).asException();
    }
    CallTracer t = tracer;
    if (t != null) {
      t.inboundMessage(wireSize, size, compressed);
    }
    return message;
  }

  private static byte[] readUpTo(InputStream in, int max) throws IOException {
    return in.readNBytes(max);
  }

  /** Waits until the library asks for a message; false if the call ended first. */
  private boolean awaitDemand() {
    lock.lock();
    try {
      while (demand == 0 && endStatus == null) {
        demandOrEnd.awaitUninterruptibly();
      }
      if (endStatus != null) {
        return false;
      }
      demand--;
      return true;
    } finally {
      lock.unlock();
    }
  }

  private void deliverHeaders(Metadata headers) {
    serial.execute(() -> {
      if (!listenerClosed) {
        listener.onHeaders(headers);
      }
    });
  }

  private void deliverMessage(Resp message, boolean compressed) {
    serial.execute(() -> {
      if (!listenerClosed) {
        deliveringCompressed = compressed;
        listener.onMessage(message);
      }
    });
  }

  @Override
  public String toString() {
    return "ConnectCall{" + method.fullName() + " to " + transport.target() + "}";
  }
}
