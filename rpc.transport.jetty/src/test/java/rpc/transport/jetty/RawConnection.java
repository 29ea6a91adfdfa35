package rpc.transport.jetty;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.http2.HTTP2Session;
import org.eclipse.jetty.http2.api.Session;
import org.eclipse.jetty.http2.api.Stream;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.frames.DataFrame;
import org.eclipse.jetty.http2.frames.Frame;
import org.eclipse.jetty.http2.frames.GoAwayFrame;
import org.eclipse.jetty.http2.frames.HeadersFrame;
import org.eclipse.jetty.http2.frames.PingFrame;
import org.eclipse.jetty.http2.frames.ResetFrame;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.component.LifeCycle;

/**
 * A bare HTTP/2 connection on Jetty's low-level client, for what a gRPC channel would not do on its
 * own (PING at will) and to see what a server sends on the connection (GOAWAY and PING frames, in
 * order). Not thread-safe: one test drives it; what Jetty's threads record is read through futures
 * and concurrent collections.
 */
final class RawConnection implements AutoCloseable {
  private final HTTP2Client client = new HTTP2Client();
  private final int port;
  private final Session session;
  private final Map<Long, CompletableFuture<Void>> pingAnswers = new ConcurrentHashMap<>();
  private final AtomicInteger nextPing = new AtomicInteger();
  /** The GOAWAY and PING frames (not PING answers) the server sent, in order. */
  final List<Frame> serverFrames = new CopyOnWriteArrayList<>();
  /** The first GOAWAY the server sent. */
  final CompletableFuture<GoAwayFrame> goAway = new CompletableFuture<>();
  /** Completes when the connection has closed, whoever closed it. */
  final CompletableFuture<Void> closed = new CompletableFuture<>();

  RawConnection(int port) throws Exception {
    this.port = port;
    // Sees every frame, including the server's PINGs, which Jetty answers without telling the listener.
    client.addBean(new HTTP2Session.FrameListener() {
      @Override
      public void onIncomingFrame(Session s, Frame frame) {
        if (frame instanceof GoAwayFrame || frame instanceof PingFrame p && !p.isReply()) {
          serverFrames.add(frame);
        }
      }
    });
    client.start();
    session = client.connect(new InetSocketAddress("127.0.0.1", port), new Session.Listener() {
      @Override
      public void onPing(Session s, PingFrame frame) {
        CompletableFuture<Void> answer = pingAnswers.get(frame.getPayloadAsLong());
        if (answer != null) {
          answer.complete(null);
        }
      }

      @Override
      public void onGoAway(Session s, GoAwayFrame frame) {
        goAway.complete(frame);
      }

      @Override
      public void onClose(Session s, GoAwayFrame frame, Callback callback) {
        closed.complete(null);
        callback.succeeded();
      }

      @Override
      public void onFailure(Session s, Throwable failure, Callback callback) {
        closed.complete(null);
        callback.succeeded();
      }
    }).get(10, TimeUnit.SECONDS);
  }

  /** Sends a PING; the future completes when the server answers it. */
  CompletableFuture<Void> ping() {
    long payload = nextPing.incrementAndGet();
    CompletableFuture<Void> answer = new CompletableFuture<>();
    pingAnswers.put(payload, answer);
    session.ping(new PingFrame(payload, false), Callback.from(() -> { }, answer::completeExceptionally));
    return answer;
  }

  /** Opens a gRPC call to {@code method} ({@code package.Service/Method}) and sends its headers. */
  Call open(String method) throws Exception {
    return open(method, "application/grpc");
  }

  /** Opens a call to {@code method} with request headers naming {@code contentType}. */
  Call open(String method, String contentType) throws Exception {
    HttpFields fields = HttpFields.build().add("content-type", contentType).add("te", "trailers");
    MetaData.Request request = new MetaData.Request("POST", HttpURI.build("http://127.0.0.1:" + port + "/" + method),
        HttpVersion.HTTP_2, fields, -1);
    Call call = new Call();
    call.stream = session.newStream(new HeadersFrame(request, null, false), call).get(10, TimeUnit.SECONDS);
    return call;
  }

  /** The GOAWAY frames the server sent, in order. */
  List<GoAwayFrame> goAways() {
    return serverFrames.stream().filter(GoAwayFrame.class::isInstance).map(GoAwayFrame.class::cast).toList();
  }

  static String debugData(GoAwayFrame frame) {
    byte[] payload = frame.getPayload();
    return payload == null ? "" : new String(payload, StandardCharsets.US_ASCII);
  }

  @Override
  public void close() {
    LifeCycle.stop(client);
  }

  /**
   * Writes {@code frame} on {@code stream}, waiting up to 10 s. A server that has already answered in
   * full may reset the rest of the request with NO_ERROR (RFC 9113 section 8.1), which fails the
   * write: when {@code answered} then completes normally within 10 s, that is an answer, not a
   * failure; otherwise the write's failure is thrown.
   */
  static void writeData(Stream stream, DataFrame frame, CompletableFuture<?> answered) throws Exception {
    try {
      stream.data(frame).get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      try {
        answered.get(10, TimeUnit.SECONDS);
      } catch (TimeoutException | ExecutionException noAnswer) {
        e.addSuppressed(noAnswer);
        throw e;
      }
    }
  }

  /**
   * One call: counts and keeps the response bytes, keeps the response headers and trailers;
   * completes {@code ended} at END_STREAM, RST_STREAM or failure.
   */
  static final class Call implements Stream.Listener {
    Stream stream;
    final AtomicInteger bodyBytes = new AtomicInteger();
    /** The response body; read it once {@code ended} has completed. */
    final java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
    final CompletableFuture<MetaData.Response> response = new CompletableFuture<>();
    volatile HttpFields trailers;
    private final java.util.concurrent.locks.ReentrantLock reading = new java.util.concurrent.locks.ReentrantLock();
    /** Completes with the RST_STREAM error code, -1 for a normal end, -2 for a failed connection. */
    final CompletableFuture<Integer> ended = new CompletableFuture<>();
    /** Completes with the error code of an RST_STREAM, even one that follows the end of the response. */
    final CompletableFuture<Integer> reset = new CompletableFuture<>();

    /** Sends one length-prefixed, uncompressed gRPC message. */
    void send(String message) throws Exception {
      send(message, false);
    }

    /** Sends one length-prefixed, uncompressed gRPC message, ending the request or not. */
    void send(String message, boolean end) throws Exception {
      send(message.getBytes(StandardCharsets.UTF_8), end);
    }

    /** Sends one length-prefixed, uncompressed gRPC message, ending the request or not. */
    void send(byte[] payload, boolean end) throws Exception {
      ByteBuffer framed = ByteBuffer.allocate(5 + payload.length).put((byte) 0).putInt(payload.length).put(payload).flip();
      data(new DataFrame(stream.getId(), framed, end));
    }

    /** Ends the request (an empty DATA frame with END_STREAM). */
    void halfClose() throws Exception {
      data(new DataFrame(stream.getId(), ByteBuffer.allocate(0), true));
    }

    /** Writes a DATA frame; a reset after a complete answer is an answer (see {@link #writeData}). */
    private void data(DataFrame frame) throws Exception {
      writeData(stream, frame, ended.thenAccept(code -> {
        if (code != -1 && code != 0) {
          throw new IllegalStateException("the stream ended with RST_STREAM error " + code);
        }
      }));
    }

    @Override
    public void onHeaders(Stream s, HeadersFrame frame) {
      MetaData md = frame.getMetaData();
      if (md.isResponse()) {
        response.complete((MetaData.Response) md);
      } else {
        read(s); // trailers arrive before the DATA frames queued ahead of them are read
        trailers = md.getHttpFields();
      }
      if (frame.isEndStream()) {
        ended.complete(-1);
      } else {
        s.demand();
      }
    }

    @Override
    public void onDataAvailable(Stream s) {
      if (!read(s)) {
        s.demand();
      }
    }

    /** Reads every DATA frame queued; true at the end of the stream. */
    private boolean read(Stream s) {
      reading.lock();
      try {
        while (true) {
          Stream.Data data = s.readData();
          if (data == null) {
            return false;
          }
          ByteBuffer b = data.frame().getByteBuffer();
          bodyBytes.addAndGet(b.remaining());
          byte[] bytes = new byte[b.remaining()];
          b.get(bytes);
          body.writeBytes(bytes);
          data.release();
          if (data.frame().isEndStream()) {
            ended.complete(-1);
            return true;
          }
        }
      } finally {
        reading.unlock();
      }
    }

    @Override
    public void onReset(Stream s, ResetFrame frame, Callback callback) {
      reset.complete(frame.getError());
      ended.complete(frame.getError());
      callback.succeeded();
    }

    @Override
    public void onFailure(Stream s, int error, String reason, Throwable failure, Callback callback) {
      ended.complete(-2);
      callback.succeeded();
    }
  }
}
