package rpc.transport.jetty.internal.web;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http2.ErrorCode;
import org.eclipse.jetty.http2.api.Stream;
import org.eclipse.jetty.http2.frames.ResetFrame;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Invocable;
import rpc.api.CallTracer;
import rpc.api.Codec;
import rpc.api.Deadline;
import rpc.api.Metadata;
import rpc.api.MethodDescriptor;
import rpc.api.Status;
import rpc.api.StatusException;
import rpc.api.spi.SerialExecutor;
import rpc.api.spi.ServerCall;
import rpc.api.spi.ServerCallAcceptor;
import rpc.api.wire.GrpcHeaders;
import rpc.api.wire.MessageCompression;
import rpc.api.wire.MessageDeframer;
import rpc.api.wire.MessageFraming;
import rpc.api.wire.MessageLimit;
import rpc.api.wire.StatusMessage;
import rpc.transport.jetty.internal.stream.GrpcFields;
import rpc.transport.jetty.internal.stream.JettyGaps;

/**
 * One gRPC-Web or Connect call on a Jetty request and response, over HTTP/1.1 or HTTP/2: request
 * messages are read as the library asks for them, response messages are queued and written one
 * write at a time, and the end is written in the protocol's own way (a trailers frame, an
 * end-of-stream message, or a unary response with an HTTP status).
 *
 * <p>Thread-safe as {@link ServerCall} requires. Reading and listener callbacks run on a
 * {@link SerialExecutor}; what is read ahead of the library's requests is at most one chunk of the
 * body, so a client cannot make the server hold more than that plus one message in progress.
 */
final class WebCall<Req, Resp> implements ServerCall<Req, Resp> {
  /** Below this many queued response bytes the call is ready for more. */
  private static final int READY_BYTES = 32 * 1024;
  /** The largest single write: queued messages are joined up to this size. */
  private static final int MAX_WRITE = 64 * 1024;
  private static final byte CONNECT_END_STREAM = 0x02;
  private static final byte GRPC_WEB_TRAILERS = (byte) 0x80;

  /**
   * One request message as read: what the listener gets, and the wire facts the call reports
   * ({@link #inboundMessageCompressed}, the tracer) when it is delivered.
   *
   * @param message the decoded message
   * @param compressed whether it arrived compressed (its envelope's flag, or a compressed unary body)
   * @param wireSize its payload's size as received, before decompression
   * @param size its size after decompression
   */
  record Received<Req>(Req message, boolean compressed, int wireSize, int size) {}

  /** What the transport learns of a call's end. */
  interface Owner {
    /** The call has ended (answered or abandoned); called once. */
    void ended(WebCall<?, ?> call);
  }

  private final Owner owner;
  private final Request request;
  private final Response response;
  private final Callback done;
  private final MethodDescriptor<Req, Resp> method;
  private final Codec<Req> requestCodec;
  private final Codec<Resp> responseCodec;
  private final WebProtocol protocol;
  private final Deadline deadline;
  private final String peer;
  private final String authority;
  private final int maxInboundMessageSize;
  private final String requestEncoding;
  private final String acceptEncoding;

  private final SerialExecutor serial = new SerialExecutor();
  private volatile Listener<Req> listener;
  /** Held while a listener callback runs and while close marks the listener done. */
  private final ReentrantLock delivery = new ReentrantLock();
  private boolean listenerDone; // guarded by delivery
  /** Told each message's wire facts; null when the call is not traced. Set before the call starts. */
  private volatile CallTracer tracer;
  /** Set once the end is decided: by the library's close, or by the transport. */
  private final AtomicBoolean over = new AtomicBoolean();
  private final AtomicBoolean completed = new AtomicBoolean();

  // ---- inbound: touched only by tasks on serial ----
  private final ArrayDeque<Received<Req>> inbox = new ArrayDeque<>();
  /** The flag of the message in delivery, read by the listener inside {@code onMessage}. */
  private boolean inboundCompressed;
  private int demand;
  private boolean eof;
  private boolean inputDone;
  private boolean awaitingData;
  private final MessageDeframer deframer;
  private final Base64Text textIn;
  private ByteArrayOutputStream body; // Connect unary POST: the whole body

  // ---- outbound: guarded by lock ----
  private final ReentrantLock lock = new ReentrantLock();
  private final ArrayDeque<ByteBuffer> outbox = new ArrayDeque<>();
  private long outBytes;
  private boolean writing;
  private boolean committed;
  private boolean commitWanted;
  private boolean finalQueued;
  private boolean notReadyReported;
  private Metadata responseHeaders;
  private String responseEncoding;
  private boolean compressMessages = true;
  private byte[] unaryResponse; // Connect unary: the body as it goes out
  private String unaryEncoding; // Connect unary: the body's Content-Encoding, or null
  private int unaryErrorHttpStatus; // 0: the code's own (see ConnectErrors.httpStatus)

  WebCall(Owner owner, Request request, Response response, Callback done, MethodDescriptor<Req, Resp> method,
      Codec<Req> requestCodec, Codec<Resp> responseCodec, WebProtocol protocol, Deadline deadline, String peer,
      String authority, int maxInboundMessageSize, String requestEncoding, String acceptEncoding) {
    this.owner = owner;
    this.request = request;
    this.response = response;
    this.done = done;
    this.method = method;
    this.requestCodec = requestCodec;
    this.responseCodec = responseCodec;
    this.protocol = protocol;
    this.deadline = deadline;
    this.peer = peer;
    this.authority = authority;
    this.maxInboundMessageSize = maxInboundMessageSize;
    this.requestEncoding = requestEncoding;
    this.acceptEncoding = acceptEncoding;
    this.deframer = protocol.enveloped() ? new MessageDeframer(maxInboundMessageSize,
        size -> MessageLimit.requestTooLarge(size, maxInboundMessageSize)) : null;
    this.textIn = protocol.text() ? new Base64Text() : null;
    // Answer in kind: a client that compressed its request and accepts that encoding gets it back.
    if (requestEncoding != null && MessageCompression.accepts(acceptEncoding, requestEncoding)) {
      this.responseEncoding = requestEncoding;
    }
  }

  /** Answers a Connect unary error with {@code httpStatus} rather than its code's (405 for a GET refused). */
  void unaryErrorHttpStatus(int httpStatus) {
    lock.lock();
    try {
      unaryErrorHttpStatus = httpStatus;
    } finally {
      lock.unlock();
    }
  }

  /** Sets the one request message a GET carried in its query: no body is read. */
  void presetRequest(Received<Req> message) {
    inbox.add(message);
    eof = true;
  }

  /** Hands the call to the library, and watches for the client going away. */
  void accept(ServerCallAcceptor acceptor, Metadata headers) {
    request.addFailureListener(failure -> abort(failure));
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
    if (n <= 0) {
      return;
    }
    serial.execute(() -> {
      demand = (int) Math.min(Integer.MAX_VALUE, (long) demand + n);
      pump();
    });
  }

  @Override
  public void sendHeaders(Metadata headers) {
    lock.lock();
    try {
      if (committed || responseHeaders != null || over.get()) {
        return;
      }
      responseHeaders = headers == null ? new Metadata() : headers.copy();
      // A streaming protocol shows headers at once, as gRPC does; Connect unary waits for the end.
      commitWanted = protocol.enveloped();
    } finally {
      lock.unlock();
    }
    flush();
  }

  @Override
  public void send(Resp message) {
    byte[] payload;
    try {
      payload = responseCodec.toByteArray(message);
    } catch (RuntimeException e) {
      fail(Status.INTERNAL.withDescription("could not encode the response of " + method.fullName() + ": " + e)
          .withCause(e));
      return;
    }
    byte[] bytes;
    boolean compress;
    lock.lock();
    try {
      if (over.get()) {
        return;
      }
      if (responseHeaders == null) {
        responseHeaders = new Metadata();
      }
      // The switch is read as the message is sent, as for gRPC; for Connect unary it decides
      // whether the body goes out with Content-Encoding.
      compress = responseEncoding != null && compressMessages && (protocol.enveloped() || payload.length > 0);
      bytes = compress ? MessageCompression.compress(responseEncoding, ByteBuffer.wrap(payload)) : payload;
      if (protocol.enveloped()) {
        ByteBuffer frame = ByteBuffer.allocate(MessageFraming.HEADER_LENGTH + bytes.length);
        MessageFraming.writeHeader(frame, compress, bytes.length);
        frame.put(bytes).flip();
        queue(frame);
        commitWanted = true;
      } else {
        unaryResponse = bytes;
        unaryEncoding = compress ? responseEncoding : null;
      }
    } finally {
      lock.unlock();
    }
    CallTracer t = tracer;
    if (t != null) {
      t.outboundMessage(bytes.length, payload.length, compress);
    }
    if (protocol.enveloped()) {
      flush();
    }
  }

  @Override
  public boolean isReady() {
    lock.lock();
    try {
      boolean ready = !over.get() && outBytes < READY_BYTES;
      if (!ready) {
        notReadyReported = true;
      }
      return ready;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void setCompression(String encoding) {
    lock.lock();
    try {
      if (committed || encoding == null) {
        return;
      }
      if (MessageCompression.IDENTITY.equalsIgnoreCase(encoding)) {
        responseEncoding = null;
      } else if (MessageCompression.isSupported(encoding) && MessageCompression.accepts(acceptEncoding, encoding)) {
        responseEncoding = encoding.toLowerCase(java.util.Locale.ROOT);
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void setMessageCompression(boolean enabled) {
    lock.lock();
    try {
      compressMessages = enabled;
    } finally {
      lock.unlock();
    }
  }

  /** The flag of the message in delivery: set on the serial executor just before {@code onMessage}. */
  @Override
  public boolean inboundMessageCompressed() {
    return inboundCompressed;
  }

  @Override
  public void trace(CallTracer t) {
    tracer = t;
  }

  /**
   * Marks the listener done first, under the delivery lock, whether or not the call has ended
   * otherwise: an onCancel the transport decided just before (a client gone, a failed write) is
   * then never delivered after this returns, as the SPI promises. If the transport's end came
   * first, nothing else is done: the exchange is over or being answered already.
   */
  @Override
  public void close(Status status, Metadata trailers) {
    delivery.lock(); // waits out a callback in flight: none follows this close
    try {
      listenerDone = true;
    } finally {
      delivery.unlock();
    }
    if (!over.compareAndSet(false, true)) {
      return;
    }
    finish(status, trailers == null ? new Metadata() : trailers);
  }

  // ---- the transport's own ends ----

  /**
   * Ends the call with {@code status}, answering the client with it (a request that could not be
   * read, a response that could not be encoded, a server shutting down now).
   */
  void fail(Status status) {
    if (!over.compareAndSet(false, true)) {
      return;
    }
    cancelListener(status);
    finish(status, new Metadata());
  }

  /** The client went away (or the exchange failed): nothing more can be written. */
  void abort(Throwable failure) {
    if (over.compareAndSet(false, true)) {
      cancelListener(Status.CANCELLED.withDescription("client went away: " + failure));
    }
    lock.lock();
    try {
      outbox.clear();
      outBytes = 0;
    } finally {
      lock.unlock();
    }
    complete(failure);
  }

  private void cancelListener(Status status) {
    serial.execute(() -> {
      delivery.lock();
      try {
        if (!listenerDone) {
          listenerDone = true;
          Listener<Req> l = listener;
          if (l != null) {
            l.onCancel(status);
          }
        }
      } finally {
        delivery.unlock();
      }
    });
  }

  private void complete(Throwable failure) {
    if (!completed.compareAndSet(false, true)) {
      return;
    }
    if (failure == null) {
      stopClientStillSending();
      done.succeeded();
    } else {
      done.failed(failure);
    }
    owner.ended(this);
  }

  /**
   * The response is complete: over HTTP/2, a client still sending is told to stop with
   * {@code RST_STREAM(NO_ERROR)}, as the gRPC calls do (gRPC's PROTOCOL-HTTP2). Left to Jetty, the
   * stream would be reset with CANCEL, which tells the client its call was cancelled (see
   * {@link JettyGaps#http2Stream}). Over HTTP/1.1 Jetty reads or drops what is left of the body.
   */
  private void stopClientStillSending() {
    Stream s = JettyGaps.http2Stream(request);
    if (s != null && !s.isRemotelyClosed() && !s.isReset()) {
      s.reset(new ResetFrame(s.getId(), ErrorCode.NO_ERROR.code), Callback.NOOP);
    }
  }

  /** Runs a listener callback unless the listener is done; on the serial executor. */
  private void deliver(java.util.function.Consumer<Listener<Req>> callback) {
    delivery.lock();
    try {
      Listener<Req> l = listener;
      if (!listenerDone && l != null) {
        callback.accept(l);
      }
    } finally {
      delivery.unlock();
    }
  }

  // ---- reading ----

  /** Delivers what is due, reading the body as needed; runs on the serial executor only. */
  private void pump() {
    while (!inputDone && !over.get()) {
      if (!inbox.isEmpty()) {
        if (demand == 0) {
          return;
        }
        demand--;
        Received<Req> m = inbox.poll();
        deliver(l -> {
          inboundCompressed = m.compressed();
          CallTracer t = tracer;
          if (t != null) {
            t.inboundMessage(m.wireSize(), m.size(), m.compressed());
          }
          l.onMessage(m.message());
        });
        continue;
      }
      if (eof) {
        inputDone = true;
        deliver(Listener::onHalfClose);
        return;
      }
      if (awaitingData) {
        return;
      }
      Content.Chunk chunk = request.read();
      if (chunk == null) {
        awaitingData = true;
        request.demand(() -> serial.execute(() -> {
          awaitingData = false;
          pump();
        }));
        return;
      }
      if (Content.Chunk.isFailure(chunk)) {
        abort(chunk.getFailure());
        return;
      }
      try {
        consume(chunk.getByteBuffer(), chunk.isLast());
      } catch (StatusException e) {
        fail(e.status());
        return;
      } finally {
        chunk.release();
      }
    }
  }

  private void consume(ByteBuffer bytes, boolean last) {
    if (textIn != null) {
      bytes = textIn.decode(bytes);
    }
    if (deframer != null) {
      MessageDeframer.Frame frame;
      while ((frame = deframer.next(bytes)) != null) {
        inbox.add(decode(frame.compressed(), frame.payload()));
      }
      if (last) {
        if (!deframer.isAtMessageBoundary() || (textIn != null && !textIn.atBoundary())) {
          throw Status.INTERNAL.withDescription(protocol.displayName() + " request ended inside a message")
              .asException();
        }
        eof = true;
      }
      return;
    }
    if (body == null) {
      body = new ByteArrayOutputStream(Math.min(bytes.remaining(), 8192));
    }
    if ((long) body.size() + bytes.remaining() > maxInboundMessageSize) {
      throw MessageLimit.requestTooLarge((long) body.size() + bytes.remaining(), maxInboundMessageSize).asException();
    }
    byte[] copy = new byte[bytes.remaining()];
    bytes.get(copy);
    body.writeBytes(copy);
    if (last) {
      byte[] all = body.toByteArray();
      body = null;
      // Content-Encoding compresses the whole body: the one message arrived compressed if it did.
      inbox.add(decode(requestEncoding != null, ByteBuffer.wrap(all)));
      eof = true;
    }
  }

  /** One request message from its (possibly compressed) bytes, with its wire facts. */
  Received<Req> decode(boolean compressed, ByteBuffer payload) {
    int wireSize = payload.remaining();
    boolean connect = protocol.kind() != WebProtocol.Kind.GRPC_WEB;
    // Connect: zero-length content is never decompressed, whatever its encoding says. gRPC-Web
    // keeps gRPC's rule: a compressed message is gzip data, and nothing is not.
    if (compressed && !(connect && wireSize == 0)) {
      if (requestEncoding == null) {
        throw Status.INTERNAL.withDescription("compressed request message without an encoding header")
            .asException();
      }
      try {
        payload = MessageCompression.decompress(requestEncoding, payload, maxInboundMessageSize);
      } catch (StatusException e) {
        // gRPC calls corrupt compressed data INTERNAL; Connect calls it what it is, the client's fault.
        throw connect && e.status().code() == Status.Code.INTERNAL ? invalid(e.status().description()) : e;
      }
    } else if (wireSize > maxInboundMessageSize) {
      // An envelope or a POST body was held to the limit as it was read; a GET's message only now.
      throw MessageLimit.requestTooLarge(wireSize, maxInboundMessageSize).asException();
    }
    int size = payload.remaining();
    if (!payload.hasRemaining() && protocol.format().equals("json")) {
      payload = ByteBuffer.wrap("{}".getBytes(StandardCharsets.US_ASCII)); // an empty body is the empty message
    }
    try {
      return new Received<>(requestCodec.decode(payload), compressed, wireSize, size);
    } catch (StatusException e) {
      throw protocol.kind() == WebProtocol.Kind.GRPC_WEB ? e : invalid(e.status().description());
    } catch (RuntimeException e) {
      String why = "could not decode the request of " + method.fullName() + ": " + e.getMessage();
      throw protocol.kind() == WebProtocol.Kind.GRPC_WEB ? Status.INTERNAL.withDescription(why).asException()
          : invalid(why);
    }
  }

  /** Connect reports a request message that does not parse as the client's fault. */
  private static StatusException invalid(String why) {
    return Status.INVALID_ARGUMENT.withDescription(why).asException();
  }

  // ---- writing ----

  /** Builds the end of the response for {@code status} and starts writing it. */
  private void finish(Status status, Metadata trailers) {
    lock.lock();
    try {
      if (completed.get()) {
        return;
      }
      switch (protocol.kind()) {
        case GRPC_WEB -> queueFinal(grpcWebTrailers(status, trailers));
        case CONNECT_STREAM -> {
          byte[] json = ConnectErrors.endOfStream(status, trailers);
          ByteBuffer frame = ByteBuffer.allocate(MessageFraming.HEADER_LENGTH + json.length);
          frame.put(CONNECT_END_STREAM).putInt(json.length).put(json).flip();
          queueFinal(frame);
        }
        case CONNECT_UNARY -> connectUnaryEnd(status, trailers);
      }
    } finally {
      lock.unlock();
    }
    flush();
  }

  private void queueFinal(ByteBuffer frame) {
    queue(frame);
    finalQueued = true;
    commitWanted = true;
  }

  /**
   * Queues one frame (or a unary body) as it goes on the wire: a grpc-web-text frame becomes its own
   * padded base64 piece here, so that joining queued frames into one write never splits a frame's
   * text across writes. Called with {@link #lock} held.
   */
  private void queue(ByteBuffer frame) {
    ByteBuffer wire = protocol.text() ? Base64Text.encode(frame) : frame;
    outbox.add(wire);
    outBytes += wire.remaining();
  }

  /** The trailers frame of gRPC-Web: flag 0x80, then the trailers as HTTP/1 header lines. */
  private static ByteBuffer grpcWebTrailers(Status status, Metadata trailers) {
    StringBuilder b = new StringBuilder(48);
    b.append("grpc-status:").append(status.code().value()).append("\r\n");
    String d = status.description();
    if (d != null && !d.isEmpty()) {
      b.append("grpc-message:").append(StatusMessage.encode(d)).append("\r\n");
    }
    trailers.forEach((key, value) -> {
      if (GrpcHeaders.isReservedKey(key)) {
        return;
      }
      String v = value instanceof byte[] bytes ? GrpcHeaders.encodeBinary(bytes) : (String) value;
      if (v.indexOf('\r') < 0 && v.indexOf('\n') < 0) {
        b.append(key).append(':').append(v).append("\r\n");
      }
    });
    byte[] block = b.toString().getBytes(StandardCharsets.US_ASCII);
    ByteBuffer frame = ByteBuffer.allocate(MessageFraming.HEADER_LENGTH + block.length);
    frame.put(GRPC_WEB_TRAILERS).putInt(block.length).put(block).flip();
    return frame;
  }

  /** A Connect unary response: the message with status 200, or the error as JSON with its HTTP status. */
  private void connectUnaryEnd(Status status, Metadata trailers) {
    if (status.isOk() && unaryResponse == null) {
      status = Status.INTERNAL.withDescription("the server sent no response message for " + method.fullName());
    }
    HttpFields.Mutable h = response.getHeaders();
    byte[] body;
    if (status.isOk()) {
      body = unaryResponse;
      h.put(HttpHeader.CONTENT_TYPE, protocol.responseContentType());
      if (unaryEncoding != null) {
        h.put(HttpHeader.CONTENT_ENCODING, unaryEncoding);
      }
      response.setStatus(200);
    } else {
      body = ConnectErrors.errorJson(status, trailers).getBytes(StandardCharsets.UTF_8);
      h.put(HttpHeader.CONTENT_TYPE, "application/json");
      response.setStatus(unaryErrorHttpStatus != 0 ? unaryErrorHttpStatus : ConnectErrors.httpStatus(status.code()));
    }
    addMetadata(h, responseHeaders, "");
    addMetadata(h, trailers, "trailer-");
    h.put(HttpHeader.CONTENT_LENGTH, Long.toString(body.length));
    committed = true; // headers are complete: the write below sends them
    queueFinal(ByteBuffer.wrap(body));
  }

  private static void addMetadata(HttpFields.Mutable h, Metadata md, String prefix) {
    if (md == null) {
      return;
    }
    md.forEach((key, value) -> {
      if (GrpcHeaders.isReservedKey(key) || key.equals(GrpcHeaders.GRPC_STATUS_DETAILS_BIN)) {
        return;
      }
      String v = value instanceof byte[] bytes ? GrpcHeaders.encodeBinary(bytes) : (String) value;
      if (GrpcHeaders.isHttp2Value(v) && v.indexOf('\r') < 0 && v.indexOf('\n') < 0) {
        h.add(prefix + key, v);
      }
    });
  }

  /** Response headers of a streaming protocol, set before the first write. */
  private void commitStreamingHeaders() {
    HttpFields.Mutable h = response.getHeaders();
    response.setStatus(200);
    h.put(HttpHeader.CONTENT_TYPE, protocol.responseContentType());
    if (protocol.kind() == WebProtocol.Kind.GRPC_WEB) {
      if (responseEncoding != null) {
        h.put(GrpcHeaders.GRPC_ENCODING, responseEncoding);
      }
      h.put(GrpcHeaders.GRPC_ACCEPT_ENCODING, MessageCompression.ACCEPT_ENCODING);
    } else {
      if (responseEncoding != null) {
        h.put(WebHeaders.CONNECT_CONTENT_ENCODING, responseEncoding);
      }
      h.put(WebHeaders.CONNECT_ACCEPT_ENCODING, MessageCompression.ACCEPT_ENCODING);
    }
    try {
      GrpcFields.addMetadata(h, responseHeaders);
    } catch (IllegalArgumentException e) {
      // a value HTTP cannot carry: sent without it (the trailers still say how the call ended)
    }
    committed = true;
  }

  /** Writes what is queued, one write at a time. */
  private void flush() {
    ByteBuffer buf;
    boolean last;
    int raw;
    lock.lock();
    try {
      if (writing || completed.get() || (outbox.isEmpty() && !(commitWanted && !committed))) {
        return;
      }
      if (!committed) {
        commitStreamingHeaders();
      }
      buf = take();
      raw = buf.remaining();
      last = finalQueued && outbox.isEmpty();
      writing = true;
    } finally {
      lock.unlock();
    }
    response.write(last, buf, Callback.from(Invocable.InvocationType.NON_BLOCKING, () -> written(raw, last),
        this::abort));
  }

  /** Joins queued buffers into one write of at most {@link #MAX_WRITE} bytes (a larger single one goes alone). */
  private ByteBuffer take() {
    ByteBuffer first = outbox.poll();
    if (first == null) {
      return ByteBuffer.allocate(0);
    }
    if (outbox.isEmpty() || first.remaining() >= MAX_WRITE) {
      return first;
    }
    int size = first.remaining();
    int n = 0;
    for (ByteBuffer b : outbox) {
      if (size + b.remaining() > MAX_WRITE) {
        break;
      }
      size += b.remaining();
      n++;
    }
    if (n == 0) {
      return first;
    }
    ByteBuffer joined = ByteBuffer.allocate(size).put(first);
    for (int i = 0; i < n; i++) {
      joined.put(outbox.poll());
    }
    return joined.flip();
  }

  private void written(int raw, boolean last) {
    boolean nowReady;
    lock.lock();
    try {
      writing = false;
      outBytes -= raw;
      nowReady = notReadyReported && outBytes < READY_BYTES && !over.get();
      if (nowReady) {
        notReadyReported = false;
      }
    } finally {
      lock.unlock();
    }
    if (last) {
      complete(null);
      return;
    }
    if (nowReady) {
      serial.execute(() -> deliver(Listener::onReady));
    }
    flush();
  }

  @Override
  public String toString() {
    return "WebCall{" + protocol.displayName() + " " + (method == null ? "?" : method.fullName()) + " from " + peer + "}";
  }

  /** The base64 of a GET request's {@code message} parameter: URL-safe or standard, padded or not. */
  static byte[] decodeQueryBase64(String value) {
    String v = value.replace('+', '-').replace('/', '_');
    int pad = v.indexOf('=');
    return Base64.getUrlDecoder().decode(pad < 0 ? v : v.substring(0, pad));
  }
}
