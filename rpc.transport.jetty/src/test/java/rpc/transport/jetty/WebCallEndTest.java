package rpc.transport.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.http2.ErrorCode;
import org.eclipse.jetty.http2.api.Session;
import org.eclipse.jetty.http2.api.Stream;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.frames.DataFrame;
import org.eclipse.jetty.http2.frames.HeadersFrame;
import org.eclipse.jetty.http2.frames.ResetFrame;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.component.LifeCycle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import rpc.api.Metadata;
import rpc.api.MethodDescriptor;
import rpc.api.Server;
import rpc.api.ServiceDefinition;
import rpc.api.Status;
import rpc.api.spi.SerialExecutor;
import rpc.api.spi.ServerCall;
import rpc.api.spi.ServerCallAcceptor;
import rpc.api.spi.ServerTransport;
import rpc.api.spi.ServerTransportConfig;
import rpc.api.spi.Target;
import rpc.testkit.Waits;
import rpc.transport.jetty.internal.server.JettyServerTransport;

/**
 * How gRPC-Web and Connect calls end, where the end of a web call meets the end of its HTTP
 * exchange: the SPI's rule that no {@code onCancel} follows a returned {@code close} (checked on the
 * transport's SPI, where the library's own bookkeeping cannot hide a late callback), the RST_STREAM
 * that stops a client still sending over HTTP/2, and what the connection's idle timeout does to a
 * quiet web call.
 */
@Timeout(60)
class WebCallEndTest {
  static final MethodDescriptor<String, String> HOLD = MethodDescriptor.of("test.End/Hold",
      MethodDescriptor.Kind.UNARY, Fixtures.STRING, Fixtures.STRING)
      .withIdempotency(MethodDescriptor.Idempotency.NO_SIDE_EFFECTS);
  static final MethodDescriptor<String, String> QUIET = MethodDescriptor.of("test.End/Quiet",
      MethodDescriptor.Kind.SERVER_STREAMING, Fixtures.STRING, Fixtures.STRING);
  static final MethodDescriptor<String, String> FIRST = MethodDescriptor.of("test.End/First",
      MethodDescriptor.Kind.BIDI_STREAMING, Fixtures.STRING, Fixtures.STRING);

  private ServerTransport transport;
  private Server server;
  /** How the Hold and Quiet calls on {@link #server} were cancelled (the first of each). */
  private final CompletableFuture<Status> holdCancelled = new CompletableFuture<>();
  private final CompletableFuture<Status> quietCancelled = new CompletableFuture<>();

  @AfterEach
  void stop() throws Exception {
    if (transport != null) {
      transport.shutdownNow();
      transport.awaitTermination(10, TimeUnit.SECONDS);
    }
    if (server != null) {
      server.shutdownNow();
      server.awaitTermination(Duration.ofSeconds(10));
    }
    Waits.until("every web call ended", () -> JettyServerTransport.liveCallsInAllServers() == 0,
        Duration.ofSeconds(10));
  }

  // ---- close and the client going away: no onCancel once close has returned ----

  /** A call as the transport handed it over, with what its listener saw, in order. */
  static final class Taken implements ServerCall.Listener<String> {
    final ServerCall<String, String> call;
    final List<String> events = new CopyOnWriteArrayList<>();
    final AtomicBoolean closeReturned = new AtomicBoolean();
    /** The transport's thread that handed the call over. */
    final Thread acceptor = Thread.currentThread();
    /** Run inside onMessage, on whichever thread delivers it. */
    volatile Runnable onMessage = () -> {};

    Taken(ServerCall<String, String> call) {
      this.call = call;
    }

    /** Closes the call and notes that close has returned. */
    void close() {
      call.send("closed");
      call.close(Status.OK, new Metadata());
      events.add("close returned");
      closeReturned.set(true);
    }

    @Override
    public void onMessage(String message) {
      events.add("message " + message);
      onMessage.run();
    }

    @Override
    public void onHalfClose() {
      events.add("half-close");
    }

    @Override
    public void onCancel(Status status) {
      events.add((closeReturned.get() ? "onCancel AFTER close returned: " : "onCancel: ") + status.code());
    }
  }

  /** Starts the Jetty server transport on the SPI, handing every call to {@code calls}. */
  private int startTransport(BlockingQueue<Taken> calls) throws Exception {
    transport = new JettyTransportProvider().newServerTransport(new ServerTransportConfig(
        Target.parse("127.0.0.1:0"), 1 << 20, null, false, 100, null, Map.of()));
    transport.start(new ServerCallAcceptor() {
      @Override
      public MethodDescriptor<?, ?> lookup(String fullMethodName) {
        return fullMethodName.equals(HOLD.fullName()) ? HOLD : null;
      }

      @Override
      @SuppressWarnings("unchecked")
      public <Req, Resp> ServerCall.Listener<Req> accept(ServerCall<Req, Resp> call, Metadata headers) {
        Taken taken = new Taken((ServerCall<String, String>) call);
        calls.add(taken);
        return (ServerCall.Listener<Req>) taken;
      }
    });
    return transport.port();
  }

  @Test
  void aCloseAfterTheClientWentAwayIsTheEndAndNoOnCancelFollowsIt() throws Exception {
    BlockingQueue<Taken> calls = new LinkedBlockingQueue<>();
    int port = startTransport(calls);
    try (H2 h2 = new H2(port)) {
      // A Connect GET: its message comes with the headers, so the first request(1) delivers it on
      // the thread that calls request, this one, while the transport's threads stay free.
      H2.Exchange get = h2.open("GET", HOLD.fullName() + "?encoding=proto&message=x", HttpFields.build(), null, true);
      Taken taken = calls.poll(10, TimeUnit.SECONDS);
      assertTrue(taken != null, "the transport accepted the call");
      // Once the transport's thread is out of the call's executor, a request from this thread runs
      // the delivery here: this thread may then wait in onMessage without stalling the connection.
      Waits.until("the transport's thread has handed the call over", () -> Arrays.stream(
          taken.acceptor.getStackTrace()).noneMatch(f -> f.getClassName().equals(SerialExecutor.class.getName())),
          Duration.ofSeconds(10));
      Thread self = Thread.currentThread();
      AtomicReference<Thread> deliveredOn = new AtomicReference<>();
      AtomicBoolean abortSeen = new AtomicBoolean();
      taken.onMessage = () -> {
        deliveredOn.set(Thread.currentThread());
        if (Thread.currentThread() != self) {
          return; // not ours to hold: the assertion below reports it
        }
        // The client goes away; once the transport has seen it (the call stops being ready), the
        // end it decided is waiting behind this callback. The library's close comes now.
        get.stream().reset(new ResetFrame(get.stream().getId(), ErrorCode.CANCEL_STREAM_ERROR.code), Callback.NOOP);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (taken.call.isReady() && System.nanoTime() < end) {
          Thread.onSpinWait();
        }
        abortSeen.set(!taken.call.isReady());
        taken.close();
      };
      taken.call.request(1); // runs the callbacks due on this thread, the transport's end included
      assertEquals(self, deliveredOn.get(), "the message was delivered on the requesting thread");
      assertTrue(abortSeen.get(), "the transport saw the client go away: " + taken.events);
      assertEquals(List.of("message x", "close returned"), taken.events);
    }
  }

  @Test
  void closeRacingAClientResetNeverLetsOnCancelFollowIt() throws Exception {
    BlockingQueue<Taken> calls = new LinkedBlockingQueue<>();
    int port = startTransport(calls);
    List<String> broken = new CopyOnWriteArrayList<>();
    int cancels = 0;
    // A new connection every 40 calls: the server answers bursts of resets on one with GOAWAY.
    for (int round = 0; round < 5; round++) {
      try (H2 h2 = new H2(port)) {
        for (int i = 0; i < 40; i++) {
          H2.Exchange post = h2.open("POST", HOLD.fullName(), HttpFields.build().add("content-type", "application/proto"),
              "x".getBytes(StandardCharsets.UTF_8), true);
          Taken taken = calls.poll(10, TimeUnit.SECONDS);
          assertTrue(taken != null, "the transport accepted the call");
          CountDownLatch go = new CountDownLatch(1);
          int spin = ThreadLocalRandom.current().nextInt(2000);
          Thread closer = Thread.ofVirtual().start(() -> {
            awaitQuietly(go);
            for (int s = 0; s < spin; s++) {
              Thread.onSpinWait();
            }
            taken.close();
          });
          go.countDown();
          post.stream().reset(new ResetFrame(post.stream().getId(), ErrorCode.CANCEL_STREAM_ERROR.code), Callback.NOOP);
          closer.join(10_000);
          Waits.until("the call ended", () -> JettyServerTransport.liveCallsInAllServers() == 0, Duration.ofSeconds(10));
          if (taken.events.stream().anyMatch(e -> e.startsWith("onCancel AFTER"))) {
            broken.add(taken.events.toString());
          }
          if (taken.events.stream().anyMatch(e -> e.startsWith("onCancel"))) {
            cancels++;
          }
        }
      }
    }
    assertTrue(broken.isEmpty(), broken.size() + " calls had onCancel after close returned (" + cancels
        + " of 200 were cancelled before): " + broken);
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---- HTTP/2: a client still sending when the response ends is stopped with NO_ERROR ----

  private int startServer(Duration idleTimeout) throws Exception {
    ServiceDefinition service = ServiceDefinition.newBuilder("test.End")
        .bidiStreaming(FIRST, stream -> {
          String first = stream.receive();
          stream.send("first:" + first); // and returns without reading on
        })
        .unary(HOLD, (req, ctx) -> {
          CountDownLatch cancelled = new CountDownLatch(1);
          ctx.onCancel(cancelled::countDown);
          try {
            cancelled.await(30, TimeUnit.SECONDS);
          } finally { // the library interrupts a handler whose call ended
            if (ctx.isCancelled()) {
              holdCancelled.complete(ctx.cancellationStatus());
            }
          }
          return "late";
        })
        .serverStreaming(QUIET, (req, stream) -> {
          stream.send("one"); // then nothing until the call ends
          CountDownLatch cancelled = new CountDownLatch(1);
          stream.context().onCancel(cancelled::countDown);
          try {
            cancelled.await(30, TimeUnit.SECONDS);
          } finally {
            if (stream.context().isCancelled()) {
              quietCancelled.complete(stream.context().cancellationStatus());
            }
          }
        })
        .build();
    server = Server.newBuilder().listen("127.0.0.1", 0).transport("jetty").addService(service)
        .idleTimeout(idleTimeout).build().start();
    return server.port();
  }

  @Test
  void aClientStillSendingWhenTheResponseEndsIsStoppedWithNoError() throws Exception {
    int port = startServer(null);
    try (H2 h2 = new H2(port)) {
      // Connect streaming: one envelope, the request left open; the handler answers and returns.
      H2.Exchange call = h2.open("POST", FIRST.fullName(), HttpFields.build().add("content-type",
          "application/connect+proto"), WebProtocolsTest.frame(0, "a"), false);
      assertEquals(ErrorCode.NO_ERROR.code, call.reset().get(10, TimeUnit.SECONDS), "RST_STREAM error code");
      List<WebProtocolsTest.Frame> frames = WebProtocolsTest.frames(call.body());
      assertEquals("first:a", frames.get(0).text());
      assertEquals(2, frames.get(1).flag(), "the end-of-stream envelope came before the reset");
      assertTrue(call.endStream(), "the response ended with END_STREAM before the reset");

      // A call the server refuses at once (no such method) ends the same way.
      H2.Exchange refused = h2.open("POST", "no.Such/Method", HttpFields.build().add("content-type",
          "application/proto"), null, false);
      assertEquals(ErrorCode.NO_ERROR.code, refused.reset().get(10, TimeUnit.SECONDS), "RST_STREAM error code");
      assertEquals(501, refused.status());
    }
  }

  // ---- a call that neither sends nor receives, and the connection's idle timeout ----

  /**
   * What the Jetty README says of such a call: Jetty's idle timeout ends it, not the protocol. The
   * handler is cancelled; a call that has written nothing gets Jetty's own error page (HTTP 500,
   * HTML), and one whose response is under way is cut off, without its trailers; either way the
   * connection is closed.
   */
  @Test
  void overHttp11AQuietCallEndsAtTheIdleTimeout() throws Exception {
    int port = startServer(Duration.ofMillis(300));
    String answer = http11UntilClosed(port, "POST /" + HOLD.fullName() + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "Content-Type: application/proto\r\nContent-Length: 1\r\n\r\nx");
    assertTrue(answer.startsWith("HTTP/1.1 500 "), answer);
    assertTrue(answer.contains("Content-Type: text/html"), answer);
    assertTrue(answer.contains("Idle timeout expired"), answer);
    assertEquals(Status.Code.CANCELLED, holdCancelled.get(10, TimeUnit.SECONDS).code());

    byte[] request = WebProtocolsTest.frame(0, "x");
    String streaming = http11UntilClosed(port, "POST /" + QUIET.fullName() + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "Content-Type: application/grpc-web\r\nContent-Length: " + request.length + "\r\n\r\n"
        + new String(request, StandardCharsets.ISO_8859_1));
    assertTrue(streaming.startsWith("HTTP/1.1 200 "), streaming);
    assertTrue(streaming.contains("one"), "the message sent before the pause: " + streaming);
    assertTrue(!streaming.contains("grpc-status") && !streaming.endsWith("0\r\n\r\n"),
        "no trailers frame and no last chunk: " + streaming);
    assertEquals(Status.Code.CANCELLED, quietCancelled.get(10, TimeUnit.SECONDS).code());
  }

  /**
   * Over HTTP/2 too, unlike a gRPC call (which declines stream idle timeouts): Jetty's HTTP layer
   * times the web call's stream out after the connection's idle timeout, and answers with its
   * error page. Pinned because the Jetty README says so.
   */
  @Test
  void overHttp2AQuietWebCallEndsAtTheIdleTimeoutToo() throws Exception {
    int port = startServer(Duration.ofMillis(300));
    try (H2 h2 = new H2(port)) {
      H2.Exchange call = h2.open("POST", HOLD.fullName(), HttpFields.build().add("content-type", "application/proto"),
          "x".getBytes(StandardCharsets.UTF_8), true);
      call.ended().get(10, TimeUnit.SECONDS);
      assertEquals(500, call.status());
      assertTrue(new String(call.body(), StandardCharsets.ISO_8859_1).contains("Idle timeout"),
          new String(call.body(), StandardCharsets.ISO_8859_1));
      assertEquals(Status.Code.CANCELLED, holdCancelled.get(10, TimeUnit.SECONDS).code());
    }
  }

  /** Sends {@code request} on a new HTTP/1.1 connection and reads until the server closes it. */
  private static String http11UntilClosed(int port, String request) throws Exception {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
      socket.setSoTimeout(20_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream received = new ByteArrayOutputStream();
      byte[] buf = new byte[1024];
      try {
        int n;
        while ((n = in.read(buf)) > 0) {
          received.write(buf, 0, n);
        }
      } catch (SocketTimeoutException e) {
        throw new AssertionError("the connection was still open 20 s after the request: "
            + received.toString(StandardCharsets.ISO_8859_1), e);
      }
      return received.toString(StandardCharsets.ISO_8859_1);
    }
  }

  /** A plain HTTP/2 (h2c, prior knowledge) client that can leave a request open and sees resets. */
  static final class H2 implements AutoCloseable {
    private final HTTP2Client client = new HTTP2Client();
    private final Session session;
    private final int port;

    /** One exchange: the stream, and what came back on it. */
    record Exchange(Stream stream, CompletableFuture<Integer> reset, CompletableFuture<Void> ended,
        ByteArrayOutputStream received, AtomicReference<Integer> statusRef, AtomicBoolean endStreamRef) {
      byte[] body() {
        synchronized (received) {
          return received.toByteArray();
        }
      }

      int status() {
        Integer s = statusRef.get();
        return s == null ? -1 : s;
      }

      boolean endStream() {
        return endStreamRef.get();
      }
    }

    H2(int port) throws Exception {
      this.port = port;
      client.start();
      session = client.connect(new InetSocketAddress("127.0.0.1", port), new Session.Listener() {})
          .get(10, TimeUnit.SECONDS);
    }

    /** Sends the request headers and {@code body} (if any), ending the request only if {@code end}. */
    Exchange open(String method, String pathAndQuery, HttpFields.Mutable fields, byte[] body, boolean end)
        throws Exception {
      CompletableFuture<Integer> reset = new CompletableFuture<>();
      CompletableFuture<Void> ended = new CompletableFuture<>();
      ByteArrayOutputStream received = new ByteArrayOutputStream();
      AtomicReference<Integer> status = new AtomicReference<>();
      AtomicBoolean endStream = new AtomicBoolean();
      Stream.Listener listener = new Stream.Listener() {
        @Override
        public void onHeaders(Stream s, HeadersFrame frame) {
          if (frame.getMetaData() instanceof MetaData.Response r) {
            status.set(r.getStatus());
          }
          if (frame.isEndStream()) {
            endStream.set(true);
            ended.complete(null);
          } else {
            s.demand();
          }
        }

        @Override
        public void onDataAvailable(Stream s) {
          while (true) {
            Stream.Data data = s.readData();
            if (data == null) {
              s.demand();
              return;
            }
            ByteBuffer b = data.frame().getByteBuffer();
            byte[] bytes = new byte[b.remaining()];
            b.get(bytes);
            synchronized (received) {
              received.writeBytes(bytes);
            }
            boolean last = data.frame().isEndStream();
            data.release();
            if (last) {
              endStream.set(true);
              ended.complete(null);
              return;
            }
          }
        }

        @Override
        public void onReset(Stream s, ResetFrame frame, Callback callback) {
          reset.complete(frame.getError());
          ended.complete(null);
          callback.succeeded();
        }
      };
      boolean headersOnly = body == null && end;
      MetaData.Request request = new MetaData.Request(method, HttpURI.build("http://127.0.0.1:" + port + "/"
          + pathAndQuery), HttpVersion.HTTP_2, fields, end && body != null ? body.length : -1);
      Stream stream = session.newStream(new HeadersFrame(request, null, headersOnly), listener)
          .get(10, TimeUnit.SECONDS);
      if (body != null) {
        RawConnection.writeData(stream, new DataFrame(stream.getId(), ByteBuffer.wrap(body), end), ended);
      }
      return new Exchange(stream, reset, ended, received, status, endStream);
    }

    @Override
    public void close() {
      LifeCycle.stop(client);
    }
  }
}
