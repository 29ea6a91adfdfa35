package rpc.transport.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.http2.api.Session;
import org.eclipse.jetty.http2.api.Stream;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.frames.DataFrame;
import org.eclipse.jetty.http2.frames.HeadersFrame;
import org.eclipse.jetty.util.component.LifeCycle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import rpc.api.Channel;
import rpc.api.Cors;
import rpc.api.Metadata;
import rpc.api.MethodDescriptor;
import rpc.api.Server;
import rpc.api.ServiceDefinition;
import rpc.api.Status;
import rpc.testkit.Waits;
import rpc.transport.jetty.internal.server.JettyServerTransport;

/**
 * gRPC-Web and the Connect protocol on the gRPC server's own port, over HTTP/1.1 (the JDK's client
 * and a raw socket) and HTTP/2 (Jetty's low-level client): every protocol's success, error, end and
 * bad-input answers, CORS, deadlines and compression, and that gRPC itself is unaffected.
 */
class WebProtocolsTest {
  static final MethodDescriptor<String, String> LOOKUP = MethodDescriptor.of("test.Web/Lookup",
      MethodDescriptor.Kind.UNARY, Fixtures.STRING, Fixtures.STRING)
      .withIdempotency(MethodDescriptor.Idempotency.NO_SIDE_EFFECTS);
  static final MethodDescriptor<String, String> SLOW = MethodDescriptor.of("test.Web/Slow",
      MethodDescriptor.Kind.UNARY, Fixtures.STRING, Fixtures.STRING);
  static final MethodDescriptor<String, String> DETAILS = MethodDescriptor.of("test.Web/Details",
      MethodDescriptor.Kind.UNARY, Fixtures.STRING, Fixtures.STRING);
  static final MethodDescriptor<String, String> TICKS = MethodDescriptor.of("test.Web/Ticks",
      MethodDescriptor.Kind.SERVER_STREAMING, Fixtures.STRING, Fixtures.STRING);
  static final MethodDescriptor<String, String> HELD = MethodDescriptor.of("test.Web/Held",
      MethodDescriptor.Kind.SERVER_STREAMING, Fixtures.STRING, Fixtures.STRING);
  static final String ORIGIN = "http://app.test:8080";
  static final int MAX_MESSAGE = 64 * 1024;

  static Server server;
  static String base;
  static HttpClient http;
  /** Counted down when a Slow or Ticks handler sees its call cancelled. */
  static volatile CountDownLatch cancelled = new CountDownLatch(1);
  /** Counted down by a test to let a Held handler end its call. */
  static volatile CountDownLatch release = new CountDownLatch(1);
  /** Counted down when a Slow handler starts. */
  static volatile CountDownLatch started = new CountDownLatch(1);

  @BeforeAll
  static void start() throws Exception {
    ServiceDefinition web = ServiceDefinition.newBuilder("test.Web")
        .unary(LOOKUP, (req, ctx) -> "found:" + req)
        .unary(SLOW, (req, ctx) -> {
          started.countDown();
          awaitCancel(ctx);
          return "late";
        })
        .unary(DETAILS, (req, ctx) -> {
          Metadata trailers = new Metadata().put("x-why", "because").putBinary("grpc-status-details-bin",
              statusWithDetail(5, "no such thing", "type.googleapis.com/google.rpc.ErrorInfo", new byte[] {1, 2, 3}));
          throw Status.NOT_FOUND.withDescription("no such thing").asException(trailers);
        })
        .serverStreaming(HELD, (req, stream) -> {
          stream.send(req);
          try {
            release.await(20, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        })
        .serverStreaming(TICKS, (req, stream) -> {
          int n = Integer.parseInt(req);
          for (int i = 0; i < n; i++) {
            stream.send("tick" + i);
          }
          if (n == 0) { // sends until the call ends, for at most 20 s
            try {
              for (int i = 0; i < 400 && !stream.context().isCancelled(); i++) {
                stream.send("more");
                Thread.sleep(50);
              }
            } catch (RuntimeException | InterruptedException e) {
              // the call ended under us
            }
            if (stream.context().isCancelled()) {
              cancelled.countDown();
            }
            return;
          }
          stream.context().responseTrailers().put("x-ticks", Integer.toString(n));
        })
        .build();
    server = Server.newBuilder().listen("127.0.0.1", 0).transport("jetty").addService(Fixtures.echoService())
        .addService(web).maxInboundMessageSize(MAX_MESSAGE).cors(Cors.allowOrigins(ORIGIN)).build().start();
    base = "http://127.0.0.1:" + server.port() + "/";
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
  }

  private static void awaitCancel(rpc.api.ServerContext ctx) {
    CountDownLatch seen = new CountDownLatch(1);
    ctx.onCancel(seen::countDown);
    try {
      if (seen.await(20, TimeUnit.SECONDS)) {
        cancelled.countDown();
      }
    } catch (InterruptedException e) {
      cancelled.countDown(); // the library interrupts a handler whose call ended
      Thread.currentThread().interrupt();
    }
  }

  @AfterAll
  static void stop() throws Exception {
    server.shutdownNow();
    server.awaitTermination(Duration.ofSeconds(10));
  }

  @AfterEach
  void noCallLeftOpen() throws Exception {
    Waits.until("every web call ended", () -> JettyServerTransport.liveCallsInAllServers() == 0,
        Duration.ofSeconds(10));
  }

  // ---- gRPC-Web ----

  @Test
  void grpcWebUnaryOverHttp11() throws Exception {
    HttpResponse<byte[]> r = post("test.Echo/Unary", "application/grpc-web+proto", frame(0, "hi"));
    assertEquals(200, r.statusCode());
    assertEquals("application/grpc-web+proto", r.headers().firstValue("content-type").orElseThrow());
    List<Frame> frames = frames(r.body());
    assertEquals(2, frames.size(), frames.toString());
    assertEquals("echo:hi", frames.get(0).text());
    assertEquals(0x80, frames.get(1).flag());
    assertEquals("grpc-status:0\r\n", frames.get(1).text());
  }

  @Test
  void grpcWebTextServerStreamingOverHttp11() throws Exception {
    byte[] body = Base64.getEncoder().encode(frame(0, "3"));
    HttpResponse<byte[]> r = post("test.Web/Ticks", "application/grpc-web-text", body);
    assertEquals(200, r.statusCode());
    assertEquals("application/grpc-web-text+proto", r.headers().firstValue("content-type").orElseThrow());
    List<Frame> frames = frames(decodeText(r.body()));
    assertEquals(List.of("tick0", "tick1", "tick2"), frames.subList(0, 3).stream().map(Frame::text).toList());
    assertEquals("grpc-status:0\r\nx-ticks:3\r\n", frames.get(3).text());
  }

  @Test
  void grpcWebTextSendsEachMessageWhole() throws Exception {
    // A 10-byte frame: as one stream of base64, its last byte would wait for whatever comes next.
    release = new CountDownLatch(1);
    try {
      HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(URI.create(base + "test.Web/Held"))
          .header("content-type", "application/grpc-web-text").timeout(Duration.ofSeconds(20))
          .POST(HttpRequest.BodyPublishers.ofByteArray(Base64.getEncoder().encode(frame(0, "held!")))).build(),
          HttpResponse.BodyHandlers.ofInputStream());
      assertEquals(200, r.statusCode());
      ByteArrayOutputStream text = new ByteArrayOutputStream();
      CompletableFuture<List<Frame>> first = new CompletableFuture<>();
      CompletableFuture<List<Frame>> all = new CompletableFuture<>();
      Thread.ofVirtual().start(() -> {
        try (InputStream in = r.body()) {
          byte[] buf = new byte[256];
          int n;
          while ((n = in.read(buf)) >= 0) {
            text.write(buf, 0, n);
            byte[] whole = java.util.Arrays.copyOf(text.toByteArray(), text.size() / 4 * 4);
            List<Frame> frames = completeFrames(decodeText(whole));
            if (!frames.isEmpty()) {
              first.complete(frames);
            }
          }
          all.complete(frames(decodeText(text.toByteArray())));
        } catch (Exception e) {
          first.completeExceptionally(e);
          all.completeExceptionally(e);
        }
      });
      // The handler is still holding the call open: the message must have arrived whole by itself.
      List<Frame> seen = first.get(10, TimeUnit.SECONDS);
      assertEquals("held!", seen.get(0).text());
      release.countDown();
      List<Frame> frames = all.get(10, TimeUnit.SECONDS);
      assertEquals(List.of("held!", "grpc-status:0\r\n"), frames.stream().map(Frame::text).toList());
    } finally {
      release.countDown();
    }
  }

  @Test
  void grpcWebTextRequestMayBePaddedBetweenPieces() throws Exception {
    // Two frames each base64-encoded on its own, as some clients and proxies send them.
    byte[] first = frame(0, "a,b");
    String text = Base64.getEncoder().encodeToString(new byte[] {first[0], first[1]})
        + Base64.getEncoder().encodeToString(java.util.Arrays.copyOfRange(first, 2, first.length));
    HttpResponse<byte[]> r = post("test.Echo/Split", "application/grpc-web-text",
        text.getBytes(StandardCharsets.US_ASCII));
    List<Frame> frames = frames(decodeText(r.body()));
    assertEquals(List.of("a", "b", "grpc-status:0\r\n"), frames.stream().map(Frame::text).toList());
  }

  @Test
  void grpcWebErrorCarriesStatusMessageAndTrailers() throws Exception {
    HttpResponse<byte[]> r = post("test.Web/Details", "application/grpc-web", frame(0, "x"));
    assertEquals(200, r.statusCode());
    List<Frame> frames = frames(r.body());
    assertEquals(1, frames.size(), frames.toString());
    String trailers = frames.get(0).text();
    assertTrue(trailers.startsWith("grpc-status:5\r\ngrpc-message:no such thing\r\n"), trailers);
    assertTrue(trailers.contains("x-why:because\r\n"), trailers);
    assertTrue(trailers.contains("grpc-status-details-bin:"), trailers);
  }

  @Test
  void grpcWebOverHttp2() throws Exception {
    try (H2 h2 = new H2(server.port())) {
      H2.Reply reply = h2.post("test.Echo/Unary", HttpFields.build().add("content-type", "application/grpc-web")
          .add("x-grpc-web", "1"), frame(0, "h2"));
      assertEquals(200, reply.status());
      List<Frame> frames = frames(reply.body());
      assertEquals(List.of("echo:h2", "grpc-status:0\r\n"), frames.stream().map(Frame::text).toList());
    }
  }

  @Test
  void grpcWebCompressedBothWays() throws Exception {
    byte[] payload = gzip("squeeze".getBytes(StandardCharsets.UTF_8));
    byte[] body = ByteBuffer.allocate(5 + payload.length).put((byte) 1).putInt(payload.length).put(payload).array();
    HttpResponse<byte[]> r = send(HttpRequest.newBuilder(URI.create(base + "test.Echo/Unary"))
        .header("content-type", "application/grpc-web").header("grpc-encoding", "gzip")
        .header("grpc-accept-encoding", "gzip").POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    assertEquals("gzip", r.headers().firstValue("grpc-encoding").orElse(null));
    List<Frame> frames = frames(r.body());
    assertEquals(1, frames.get(0).flag(), "the response message is compressed");
    assertEquals("echo:squeeze", new String(gunzip(frames.get(0).payload()), StandardCharsets.UTF_8));
  }

  // ---- Connect ----

  @Test
  void connectUnaryProto() throws Exception {
    HttpResponse<byte[]> r = send(HttpRequest.newBuilder(URI.create(base + "test.Echo/Unary"))
        .header("content-type", "application/proto").header("connect-protocol-version", "1")
        .header("x-custom", "kept").POST(HttpRequest.BodyPublishers.ofString("hi")));
    assertEquals(200, r.statusCode());
    assertEquals("application/proto", r.headers().firstValue("content-type").orElseThrow());
    assertEquals("echo:hi", new String(r.body(), StandardCharsets.UTF_8));
  }

  @Test
  void connectUnaryErrorIsJsonWithHttpStatusAndDetails() throws Exception {
    HttpResponse<byte[]> r = post("test.Web/Details", "application/proto", "x".getBytes(StandardCharsets.UTF_8));
    assertEquals(404, r.statusCode());
    assertEquals("application/json", r.headers().firstValue("content-type").orElseThrow());
    assertEquals("because", r.headers().firstValue("trailer-x-why").orElse(null));
    assertEquals("{\"code\":\"not_found\",\"message\":\"no such thing\",\"details\":[{\"type\":\"google.rpc.ErrorInfo\","
        + "\"value\":\"AQID\"}]}", new String(r.body(), StandardCharsets.UTF_8));
  }

  @Test
  void connectUnaryErrorCodesMapToHttpStatuses() throws Exception {
    for (Status.Code code : List.of(Status.Code.INVALID_ARGUMENT, Status.Code.PERMISSION_DENIED,
        Status.Code.UNAVAILABLE, Status.Code.UNIMPLEMENTED, Status.Code.CANCELLED)) {
      HttpResponse<byte[]> r = post("test.Echo/Fail", "application/proto", code.name().getBytes(StandardCharsets.UTF_8));
      int expected = switch (code) {
        case INVALID_ARGUMENT -> 400;
        case PERMISSION_DENIED -> 403;
        case UNAVAILABLE -> 503;
        case UNIMPLEMENTED -> 501;
        default -> 499;
      };
      assertEquals(expected, r.statusCode(), code.name());
      String name = code == Status.Code.CANCELLED ? "canceled" : code.name().toLowerCase(java.util.Locale.ROOT);
      assertTrue(new String(r.body(), StandardCharsets.UTF_8).startsWith("{\"code\":\"" + name + "\""), code.name());
    }
  }

  @Test
  void connectGetForSideEffectFreeMethodsOnly() throws Exception {
    String message = Base64.getUrlEncoder().withoutPadding().encodeToString("x?/".getBytes(StandardCharsets.UTF_8));
    HttpResponse<byte[]> r = send(HttpRequest.newBuilder(URI.create(base + "test.Web/Lookup?encoding=proto&base64=1"
        + "&connect=v1&message=" + message)).GET());
    assertEquals(200, r.statusCode());
    assertEquals("found:x?/", new String(r.body(), StandardCharsets.UTF_8));
    HttpResponse<byte[]> refused = send(HttpRequest.newBuilder(URI.create(base + "test.Echo/Unary?encoding=proto"
        + "&message=x")).GET());
    assertEquals(405, refused.statusCode());
    assertEquals("POST", refused.headers().firstValue("allow").orElse(null));
    assertTrue(new String(refused.body(), StandardCharsets.UTF_8).contains("NO_SIDE_EFFECTS"));
  }

  @Test
  void connectStreamingEnvelopesAndEndOfStream() throws Exception {
    HttpResponse<byte[]> r = post("test.Web/Ticks", "application/connect+proto", frame(0, "2"));
    assertEquals(200, r.statusCode());
    assertEquals("application/connect+proto", r.headers().firstValue("content-type").orElseThrow());
    List<Frame> frames = frames(r.body());
    assertEquals(List.of("tick0", "tick1"), frames.subList(0, 2).stream().map(Frame::text).toList());
    assertEquals(2, frames.get(2).flag());
    assertEquals("{\"metadata\":{\"x-ticks\":[\"2\"]}}", frames.get(2).text());
  }

  @Test
  void connectStreamingErrorIsInTheEndOfStreamMessage() throws Exception {
    HttpResponse<byte[]> r = post("test.Web/Details", "application/connect+proto", frame(0, "x"));
    assertEquals(200, r.statusCode());
    List<Frame> frames = frames(r.body());
    assertEquals(1, frames.size());
    assertEquals(2, frames.get(0).flag());
    assertEquals("{\"error\":{\"code\":\"not_found\",\"message\":\"no such thing\",\"details\":[{\"type\":"
        + "\"google.rpc.ErrorInfo\",\"value\":\"AQID\"}]},\"metadata\":{\"x-why\":[\"because\"]}}", frames.get(0).text());
  }

  @Test
  void connectTimeoutEndsTheCallAndCancelsTheHandler() throws Exception {
    cancelled = new CountDownLatch(1);
    HttpResponse<byte[]> r = send(HttpRequest.newBuilder(URI.create(base + "test.Web/Slow"))
        .header("content-type", "application/proto").header("connect-timeout-ms", "200")
        .POST(HttpRequest.BodyPublishers.ofString("x")));
    assertEquals(504, r.statusCode());
    assertTrue(new String(r.body(), StandardCharsets.UTF_8).startsWith("{\"code\":\"deadline_exceeded\""));
    assertTrue(cancelled.await(10, TimeUnit.SECONDS), "the handler saw its call end");
  }

  @Test
  void connectGzipBothWays() throws Exception {
    HttpResponse<byte[]> r = send(HttpRequest.newBuilder(URI.create(base + "test.Echo/Unary"))
        .header("content-type", "application/proto").header("content-encoding", "gzip")
        .header("accept-encoding", "gzip").POST(HttpRequest.BodyPublishers.ofByteArray(
            gzip("zip".getBytes(StandardCharsets.UTF_8)))));
    assertEquals(200, r.statusCode());
    assertEquals("gzip", r.headers().firstValue("content-encoding").orElse(null));
    assertEquals("echo:zip", new String(gunzip(r.body()), StandardCharsets.UTF_8));
  }

  // ---- CORS ----

  @Test
  void corsPreflightForAnAllowedOrigin() throws Exception {
    HttpResponse<byte[]> r = send(HttpRequest.newBuilder(URI.create(base + "test.Echo/Unary"))
        .header("origin", ORIGIN).header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type,connect-protocol-version")
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
    assertEquals(204, r.statusCode());
    assertEquals(ORIGIN, r.headers().firstValue("access-control-allow-origin").orElse(null));
    String allowed = r.headers().firstValue("access-control-allow-headers").orElse("").toLowerCase(java.util.Locale.ROOT);
    assertTrue(allowed.contains("content-type") && allowed.contains("connect-protocol-version")
        && allowed.contains("x-grpc-web") && allowed.contains("grpc-timeout"), allowed);
    assertTrue(r.headers().firstValue("access-control-allow-methods").orElse("").contains("POST"));
  }

  @Test
  void corsRefusesOtherOriginsAndExposesHeadersToAllowedOnes() throws Exception {
    HttpResponse<byte[]> refused = send(HttpRequest.newBuilder(URI.create(base + "test.Echo/Unary"))
        .header("origin", "http://evil.test").header("access-control-request-method", "POST")
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
    assertEquals(403, refused.statusCode());
    HttpResponse<byte[]> r = send(HttpRequest.newBuilder(URI.create(base + "test.Echo/Unary"))
        .header("origin", ORIGIN).header("content-type", "application/grpc-web")
        .POST(HttpRequest.BodyPublishers.ofByteArray(frame(0, "o"))));
    assertEquals(ORIGIN, r.headers().firstValue("access-control-allow-origin").orElse(null));
    String exposed = r.headers().firstValue("access-control-expose-headers").orElse("").toLowerCase(java.util.Locale.ROOT);
    assertTrue(exposed.contains("grpc-status") && exposed.contains("grpc-message")
        && exposed.contains("grpc-status-details-bin"), exposed);
    HttpResponse<byte[]> other = send(HttpRequest.newBuilder(URI.create(base + "test.Echo/Unary"))
        .header("origin", "http://evil.test").header("content-type", "application/grpc-web")
        .POST(HttpRequest.BodyPublishers.ofByteArray(frame(0, "o"))));
    assertTrue(other.headers().firstValue("access-control-allow-origin").isEmpty());
  }

  // ---- bad input: each gets its protocol's error, and the server keeps serving ----

  @Test
  void badInputGetsTheProtocolsErrorAndTheServerGoesOn() throws Exception {
    // An envelope announcing more bytes than the body has.
    byte[] truncated = ByteBuffer.allocate(8).put((byte) 0).putInt(100).put("abc".getBytes(StandardCharsets.UTF_8)).array();
    assertTrue(frames(post("test.Echo/Unary", "application/grpc-web", truncated).body()).get(0).text()
        .startsWith("grpc-status:13\r\ngrpc-message:gRPC-Web request ended inside a message"));
    // Not base64.
    assertTrue(frames(decodeText(post("test.Echo/Unary", "application/grpc-web-text",
        "!!!!".getBytes(StandardCharsets.US_ASCII)).body())).get(0).text().startsWith("grpc-status:13\r\n"
        + "grpc-message:grpc-web-text body is not base64"));
    // A message over the server's limit.
    HttpResponse<byte[]> big = post("test.Echo/Unary", "application/proto", new byte[MAX_MESSAGE + 1]);
    assertEquals(429, big.statusCode());
    assertTrue(new String(big.body(), StandardCharsets.UTF_8).startsWith("{\"code\":\"resource_exhausted\""));
    byte[] bigFrame = ByteBuffer.allocate(5).put((byte) 0).putInt(MAX_MESSAGE + 1).array();
    assertTrue(frames(post("test.Echo/Unary", "application/connect+proto", bigFrame).body()).get(0).text()
        .startsWith("{\"error\":{\"code\":\"resource_exhausted\""));
    // Content types nobody here speaks, and gRPC over HTTP/1.1.
    HttpResponse<byte[]> unknown = post("test.Echo/Unary", "text/plain", new byte[1]);
    assertEquals(415, unknown.statusCode());
    assertTrue(new String(unknown.body(), StandardCharsets.UTF_8).contains("unsupported content-type: text/plain"));
    HttpResponse<byte[]> grpc = post("test.Echo/Unary", "application/grpc", frame(0, "x"));
    assertEquals(415, grpc.statusCode());
    assertTrue(new String(grpc.body(), StandardCharsets.UTF_8).contains("gRPC needs HTTP/2"));
    // Headers the protocol defines, with bad values.
    HttpResponse<byte[]> timeout = send(HttpRequest.newBuilder(URI.create(base + "test.Echo/Unary"))
        .header("content-type", "application/proto").header("connect-timeout-ms", "soon")
        .POST(HttpRequest.BodyPublishers.ofString("x")));
    assertEquals(400, timeout.statusCode());
    assertTrue(new String(timeout.body(), StandardCharsets.UTF_8).contains("malformed Connect-Timeout-Ms"));
    HttpResponse<byte[]> version = send(HttpRequest.newBuilder(URI.create(base + "test.Echo/Unary"))
        .header("content-type", "application/proto").header("connect-protocol-version", "2")
        .POST(HttpRequest.BodyPublishers.ofString("x")));
    assertEquals(400, version.statusCode());
    HttpResponse<byte[]> unknownMethod = post("no.Such/Method", "application/json", "{}".getBytes(StandardCharsets.UTF_8));
    assertEquals(501, unknownMethod.statusCode());
    assertTrue(new String(unknownMethod.body(), StandardCharsets.UTF_8).contains("Method not found: no.Such/Method"));
    HttpResponse<byte[]> put = send(HttpRequest.newBuilder(URI.create(base + "test.Echo/Unary"))
        .PUT(HttpRequest.BodyPublishers.ofString("x")));
    assertEquals(405, put.statusCode());
    // Still serving, on the web and on gRPC.
    assertEquals("echo:after", new String(post("test.Echo/Unary", "application/proto",
        "after".getBytes(StandardCharsets.UTF_8)).body(), StandardCharsets.UTF_8));
    try (Channel channel = Channel.newBuilder("127.0.0.1:" + server.port()).build()) {
      assertEquals("echo:grpc", channel.call(Fixtures.UNARY, "grpc"));
    }
  }

  @Test
  void aClientThatGoesAwayCancelsTheCall() throws Exception {
    cancelled = new CountDownLatch(1);
    byte[] body = frame(0, "0"); // Ticks "0": sends a message every 50 ms until the call ends
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 10_000);
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(("POST /test.Web/Ticks HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/grpc-web\r\n"
          + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream seen = new ByteArrayOutputStream();
      byte[] buf = new byte[1024];
      while (!seen.toString(StandardCharsets.ISO_8859_1).contains("more")) {
        int n = in.read(buf);
        assertTrue(n > 0, "response ended before the first message: " + seen);
        seen.write(buf, 0, n);
      }
    }
    assertTrue(cancelled.await(10, TimeUnit.SECONDS), "the handler saw the client go away");
  }

  @Test
  void aResetHttp2StreamCancelsAQuietCall() throws Exception {
    cancelled = new CountDownLatch(1);
    started = new CountDownLatch(1);
    try (H2 h2 = new H2(server.port())) {
      Stream stream = h2.open("test.Web/Slow", HttpFields.build().add("content-type", "application/proto"),
          "x".getBytes(StandardCharsets.UTF_8));
      assertTrue(started.await(10, TimeUnit.SECONDS), "the handler started");
      stream.reset(new org.eclipse.jetty.http2.frames.ResetFrame(stream.getId(),
          org.eclipse.jetty.http2.ErrorCode.CANCEL_STREAM_ERROR.code), org.eclipse.jetty.util.Callback.NOOP);
      assertTrue(cancelled.await(10, TimeUnit.SECONDS), "the handler saw the stream reset");
    }
  }

  @Test
  void grpcOverHttp2IsUnaffected() throws Exception {
    try (Channel channel = Channel.newBuilder("127.0.0.1:" + server.port()).build()) {
      assertEquals("echo:plain", channel.call(Fixtures.UNARY, "plain"));
    }
  }

  // ---- helpers ----

  static HttpResponse<byte[]> post(String path, String contentType, byte[] body) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(base + path)).header("content-type", contentType)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  static HttpResponse<byte[]> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  static byte[] frame(int flag, String message) {
    byte[] payload = message.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(5 + payload.length).put((byte) flag).putInt(payload.length).put(payload).array();
  }

  record Frame(int flag, byte[] payload) {
    String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
      return flag + ":" + text();
    }
  }

  /** The frames wholly present at the start of {@code body}; a partial last one is left out. */
  static List<Frame> completeFrames(byte[] body) {
    List<Frame> out = new ArrayList<>();
    ByteBuffer b = ByteBuffer.wrap(body);
    while (b.remaining() >= 5 && b.getInt(b.position() + 1) <= b.remaining() - 5) {
      int flag = b.get() & 0xFF;
      byte[] p = new byte[b.getInt()];
      b.get(p);
      out.add(new Frame(flag, p));
    }
    return out;
  }

  /**
   * A grpc-web-text body, decoded as browsers' clients do: 4 characters at a time, so that pieces
   * encoded separately (each padded) may follow one another.
   */
  static byte[] decodeText(byte[] text) {
    assertEquals(0, text.length % 4, "base64 text in whole 4-character groups");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < text.length; i += 4) {
      out.writeBytes(Base64.getDecoder().decode(java.util.Arrays.copyOfRange(text, i, i + 4)));
    }
    return out.toByteArray();
  }

  static List<Frame> frames(byte[] body) {
    List<Frame> out = new ArrayList<>();
    ByteBuffer b = ByteBuffer.wrap(body);
    while (b.remaining() >= 5) {
      int flag = b.get() & 0xFF;
      byte[] p = new byte[b.getInt()];
      b.get(p);
      out.add(new Frame(flag, p));
    }
    assertEquals(0, b.remaining(), "body ends at a frame boundary");
    return out;
  }

  static byte[] gzip(byte[] data) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(data);
    }
    return out.toByteArray();
  }

  static byte[] gunzip(byte[] data) throws Exception {
    try (GZIPInputStream z = new GZIPInputStream(new java.io.ByteArrayInputStream(data))) {
      return z.readAllBytes();
    }
  }

  /** A serialized google.rpc.Status with one detail, written by hand (field numbers of status.proto). */
  static byte[] statusWithDetail(int code, String message, String typeUrl, byte[] value) {
    ByteArrayOutputStream any = new ByteArrayOutputStream();
    field(any, 1, typeUrl.getBytes(StandardCharsets.UTF_8));
    field(any, 2, value);
    ByteArrayOutputStream status = new ByteArrayOutputStream();
    status.write(0x08);
    status.write(code);
    field(status, 2, message.getBytes(StandardCharsets.UTF_8));
    field(status, 3, any.toByteArray());
    return status.toByteArray();
  }

  private static void field(ByteArrayOutputStream out, int number, byte[] bytes) {
    out.write(number << 3 | 2);
    out.write(bytes.length); // every value here is shorter than 128 bytes
    out.writeBytes(bytes);
  }

  /** A plain HTTP/2 (h2c, prior knowledge) client sending one request at a time. */
  static final class H2 implements AutoCloseable {
    private final HTTP2Client client = new HTTP2Client();
    private final Session session;
    private final int port;

    record Reply(int status, byte[] body) {}

    H2(int port) throws Exception {
      this.port = port;
      client.start();
      session = client.connect(new InetSocketAddress("127.0.0.1", port), new Session.Listener() {})
          .get(10, TimeUnit.SECONDS);
    }

    /** Sends a whole request and returns its stream without waiting for the answer. */
    Stream open(String path, HttpFields fields, byte[] body) throws Exception {
      MetaData.Request request = new MetaData.Request("POST", HttpURI.build("http://127.0.0.1:" + port + "/" + path),
          HttpVersion.HTTP_2, fields, body.length);
      Stream stream = session.newStream(new HeadersFrame(request, null, false), new Stream.Listener() {})
          .get(10, TimeUnit.SECONDS);
      stream.data(new DataFrame(stream.getId(), ByteBuffer.wrap(body), true)).get(10, TimeUnit.SECONDS);
      return stream;
    }

    Reply post(String path, HttpFields fields, byte[] body) throws Exception {
      MetaData.Request request = new MetaData.Request("POST", HttpURI.build("http://127.0.0.1:" + port + "/" + path),
          HttpVersion.HTTP_2, fields, body.length);
      CompletableFuture<Reply> reply = new CompletableFuture<>();
      ByteArrayOutputStream received = new ByteArrayOutputStream();
      int[] status = new int[1];
      Stream.Listener listener = new Stream.Listener() {
        @Override
        public void onHeaders(Stream s, HeadersFrame frame) {
          if (frame.getMetaData() instanceof MetaData.Response r) {
            status[0] = r.getStatus();
          }
          if (frame.isEndStream()) {
            reply.complete(new Reply(status[0], received.toByteArray()));
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
            received.writeBytes(bytes);
            data.release();
            if (data.frame().isEndStream()) {
              reply.complete(new Reply(status[0], received.toByteArray()));
              return;
            }
          }
        }
      };
      Stream stream = session.newStream(new HeadersFrame(request, null, false), listener).get(10, TimeUnit.SECONDS);
      RawConnection.writeData(stream, new DataFrame(stream.getId(), ByteBuffer.wrap(body), true), reply);
      return reply.get(20, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
      LifeCycle.stop(client);
    }
  }
}
