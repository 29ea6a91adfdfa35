package rpc.transport.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static rpc.transport.jetty.WebProtocolsTest.frame;
import static rpc.transport.jetty.WebProtocolsTest.frames;
import static rpc.transport.jetty.WebProtocolsTest.gunzip;
import static rpc.transport.jetty.WebProtocolsTest.gzip;

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
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import rpc.api.CallTracer;
import rpc.api.Channel;
import rpc.api.Metadata;
import rpc.api.MethodDescriptor;
import rpc.api.Server;
import rpc.api.ServiceDefinition;
import rpc.api.Status;
import rpc.testkit.Waits;

/**
 * What gRPC-Web and Connect calls report of each message, as gRPC calls do: the per-message
 * compression switch a handler sets, whether each request message arrived compressed, and the
 * messages a server's {@link CallTracer} is told of, with their sizes.
 */
@Timeout(60)
class WebMessagesTest {
  static final MethodDescriptor<String, String> PLAIN = MethodDescriptor.of("test.Msg/Plain",
      MethodDescriptor.Kind.UNARY, Fixtures.STRING, Fixtures.STRING);
  static final MethodDescriptor<String, String> FLAG = MethodDescriptor.of("test.Msg/Flag",
      MethodDescriptor.Kind.UNARY, Fixtures.STRING, Fixtures.STRING)
      .withIdempotency(MethodDescriptor.Idempotency.NO_SIDE_EFFECTS);
  static final MethodDescriptor<String, String> FLAGS = MethodDescriptor.of("test.Msg/Flags",
      MethodDescriptor.Kind.CLIENT_STREAMING, Fixtures.STRING, Fixtures.STRING);

  static Server server;
  static String base;
  static HttpClient http;
  /** The tracer of each call the server accepted, in order. */
  static final BlockingQueue<RecordingTracer> tracers = new LinkedBlockingQueue<>();

  @BeforeAll
  static void start() throws Exception {
    ServiceDefinition msg = ServiceDefinition.newBuilder("test.Msg")
        .unary(PLAIN, (req, ctx) -> {
          ctx.setResponseCompression("gzip");
          ctx.setMessageCompression(false); // the encoding is negotiated, this message goes without it
          return "plain:" + req;
        })
        .unary(FLAG, (req, ctx) -> "compressed=" + ctx.requestCompressed())
        .clientStreaming(FLAGS, stream -> {
          List<String> seen = new ArrayList<>();
          String m;
          while ((m = stream.receive()) != null) {
            seen.add(m + ":" + stream.lastReceivedCompressed());
          }
          return String.join(",", seen);
        })
        .build();
    server = Server.newBuilder().listen("127.0.0.1", 0).transport("jetty").addService(Fixtures.echoService())
        .addService(msg).tracer((method, headers) -> {
          RecordingTracer t = new RecordingTracer();
          tracers.add(t);
          return t;
        }).build().start();
    base = "http://127.0.0.1:" + server.port() + "/";
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
  }

  @AfterAll
  static void stop() throws Exception {
    server.shutdownNow();
    server.awaitTermination(Duration.ofSeconds(10));
  }

  @BeforeEach
  void forgetEarlierCalls() {
    tracers.clear();
  }

  // ---- the handler's per-message switch ----

  @Test
  void connectUnaryHonoursMessageCompressionOff() throws Exception {
    HttpResponse<byte[]> r = send(HttpRequest.newBuilder(URI.create(base + PLAIN.fullName()))
        .header("content-type", "application/proto").header("accept-encoding", "gzip")
        .POST(HttpRequest.BodyPublishers.ofString("x")));
    assertEquals(200, r.statusCode());
    assertEquals(null, r.headers().firstValue("content-encoding").orElse(null), "no Content-Encoding claimed");
    assertEquals("plain:x", new String(r.body(), StandardCharsets.UTF_8), "the body as it is");
  }

  @Test
  void envelopedProtocolsHonourMessageCompressionOffToo() throws Exception {
    HttpResponse<byte[]> web = send(HttpRequest.newBuilder(URI.create(base + PLAIN.fullName()))
        .header("content-type", "application/grpc-web").header("grpc-accept-encoding", "gzip")
        .POST(HttpRequest.BodyPublishers.ofByteArray(frame(0, "y"))));
    assertEquals("gzip", web.headers().firstValue("grpc-encoding").orElse(null), "the encoding was negotiated");
    List<WebProtocolsTest.Frame> frames = frames(web.body());
    assertEquals(0, frames.get(0).flag(), "the message is not compressed");
    assertEquals("plain:y", frames.get(0).text());
  }

  // ---- whether each request message arrived compressed ----

  @Test
  void requestCompressedIsEachEnvelopesOwnFlag() throws Exception {
    // Under an encoding, a client may still send a message as it is (flag 0): gRPC-Web...
    HttpResponse<byte[]> web = send(HttpRequest.newBuilder(URI.create(base + FLAGS.fullName()))
        .header("content-type", "application/grpc-web").header("grpc-encoding", "gzip")
        .POST(HttpRequest.BodyPublishers.ofByteArray(concat(frame(0, "a"), gzipFrame("b"), frame(0, "c")))));
    assertEquals("a:false,b:true,c:false", frames(web.body()).get(0).text());
    // ... and Connect streaming.
    HttpResponse<byte[]> connect = send(HttpRequest.newBuilder(URI.create(base + FLAGS.fullName()))
        .header("content-type", "application/connect+proto").header("connect-content-encoding", "gzip")
        .POST(HttpRequest.BodyPublishers.ofByteArray(concat(gzipFrame("a"), frame(0, "b")))));
    assertEquals("a:true,b:false", frames(connect.body()).get(0).text());
    // gRPC-Web text: the flags inside the base64.
    HttpResponse<byte[]> text = send(HttpRequest.newBuilder(URI.create(base + FLAGS.fullName()))
        .header("content-type", "application/grpc-web-text").header("grpc-encoding", "gzip")
        .POST(HttpRequest.BodyPublishers.ofByteArray(Base64.getEncoder().encode(concat(frame(0, "a"),
            gzipFrame("b"))))));
    assertEquals("a:false,b:true", frames(WebProtocolsTest.decodeText(text.body())).get(0).text());
  }

  @Test
  void connectUnaryRequestIsCompressedWhenItsBodyIs() throws Exception {
    HttpResponse<byte[]> zipped = send(HttpRequest.newBuilder(URI.create(base + FLAG.fullName()))
        .header("content-type", "application/proto").header("content-encoding", "gzip")
        .POST(HttpRequest.BodyPublishers.ofByteArray(gzip("x".getBytes(StandardCharsets.UTF_8)))));
    assertEquals("compressed=true", new String(zipped.body(), StandardCharsets.UTF_8));
    HttpResponse<byte[]> plain = send(HttpRequest.newBuilder(URI.create(base + FLAG.fullName()))
        .header("content-type", "application/proto").header("content-encoding", "identity")
        .POST(HttpRequest.BodyPublishers.ofString("x")));
    assertEquals("compressed=false", new String(plain.body(), StandardCharsets.UTF_8));
    String message = Base64.getUrlEncoder().withoutPadding().encodeToString(gzip("x".getBytes(StandardCharsets.UTF_8)));
    HttpResponse<byte[]> get = send(HttpRequest.newBuilder(URI.create(base + FLAG.fullName()
        + "?encoding=proto&base64=1&compression=gzip&message=" + message)).GET());
    assertEquals("compressed=true", new String(get.body(), StandardCharsets.UTF_8));
  }

  // ---- the server's tracer ----

  @Test
  void webCallsReportTheirMessagesToTheTracerAsGrpcCallsDo() throws Exception {
    try (Channel channel = Channel.newBuilder("127.0.0.1:" + server.port()).build()) {
      assertEquals("echo:hello", channel.call(Fixtures.UNARY, "hello"));
    }
    List<String> grpc = messageEvents(nextTracer());
    assertEquals(List.of("in-message 5/5 plain", "out-message 10/10 plain"), grpc);

    post(Fixtures.UNARY.fullName(), "application/proto", "hello".getBytes(StandardCharsets.UTF_8));
    assertEquals(grpc, messageEvents(nextTracer()), "Connect unary");
    post(Fixtures.UNARY.fullName(), "application/grpc-web", frame(0, "hello"));
    assertEquals(grpc, messageEvents(nextTracer()), "gRPC-Web");
    post(Fixtures.UNARY.fullName(), "application/connect+proto", frame(0, "hello"));
    assertEquals(grpc, messageEvents(nextTracer()), "Connect streaming");
    post(Fixtures.UNARY.fullName(), "application/grpc-web-text", Base64.getEncoder().encode(frame(0, "hello")));
    assertEquals(grpc, messageEvents(nextTracer()), "gRPC-Web text: the sizes of the messages, not of their base64");

    post(Fixtures.SERVER_STREAMING.fullName(), "application/grpc-web", frame(0, "a,bb,ccc"));
    assertEquals(List.of("in-message 8/8 plain", "out-message 1/1 plain", "out-message 2/2 plain",
        "out-message 3/3 plain"), messageEvents(nextTracer()));
  }

  @Test
  void compressedWebMessagesReportWireAndUncompressedSizes() throws Exception {
    byte[] zipped = gzip("zip".getBytes(StandardCharsets.UTF_8));
    HttpResponse<byte[]> unary = send(HttpRequest.newBuilder(URI.create(base + Fixtures.UNARY.fullName()))
        .header("content-type", "application/proto").header("content-encoding", "gzip")
        .header("accept-encoding", "gzip").POST(HttpRequest.BodyPublishers.ofByteArray(zipped)));
    assertEquals("echo:zip", new String(gunzip(unary.body()), StandardCharsets.UTF_8));
    assertEquals(List.of("in-message " + zipped.length + "/3 compressed",
        "out-message " + unary.body().length + "/8 compressed"), messageEvents(nextTracer()));

    byte[] request = gzipFrame("zip");
    HttpResponse<byte[]> web = send(HttpRequest.newBuilder(URI.create(base + Fixtures.UNARY.fullName()))
        .header("content-type", "application/grpc-web").header("grpc-encoding", "gzip")
        .header("grpc-accept-encoding", "gzip").POST(HttpRequest.BodyPublishers.ofByteArray(request)));
    WebProtocolsTest.Frame reply = frames(web.body()).get(0);
    assertEquals(1, reply.flag());
    assertEquals(List.of("in-message " + (request.length - 5) + "/3 compressed",
        "out-message " + reply.payload().length + "/8 compressed"), messageEvents(nextTracer()));

    // The handler's switch: the message goes as it is, and the tracer says so.
    post(PLAIN.fullName(), "application/proto", "x".getBytes(StandardCharsets.UTF_8));
    assertEquals(List.of("in-message 1/1 plain", "out-message 7/7 plain"), messageEvents(nextTracer()));
  }

  // ---- helpers ----

  /** Records the message events and the end of one call. Thread-safe. */
  static final class RecordingTracer implements CallTracer {
    final List<String> events = new CopyOnWriteArrayList<>();

    @Override
    public void outboundMessage(long wireSize, long uncompressedSize, boolean compressed) {
      events.add("out-message " + wireSize + "/" + uncompressedSize + (compressed ? " compressed" : " plain"));
    }

    @Override
    public void inboundMessage(long wireSize, long uncompressedSize, boolean compressed) {
      events.add("in-message " + wireSize + "/" + uncompressedSize + (compressed ? " compressed" : " plain"));
    }

    @Override
    public void callEnded(Status status, Metadata trailers) {
      events.add("ended " + status.code());
    }
  }

  private static RecordingTracer nextTracer() throws InterruptedException {
    RecordingTracer t = tracers.poll(10, TimeUnit.SECONDS);
    assertTrue(t != null, "the server traced the call");
    return t;
  }

  /** The message events of a call, once it has ended. */
  private static List<String> messageEvents(RecordingTracer t) throws InterruptedException {
    Waits.until("the call ended: " + t.events, () -> t.events.stream().anyMatch(e -> e.startsWith("ended")),
        Duration.ofSeconds(10));
    assertEquals("ended OK", t.events.get(t.events.size() - 1), t.events.toString());
    return t.events.stream().filter(e -> e.contains("-message ")).toList();
  }

  private static byte[] gzipFrame(String message) throws Exception {
    byte[] payload = gzip(message.getBytes(StandardCharsets.UTF_8));
    return ByteBuffer.allocate(5 + payload.length).put((byte) 1).putInt(payload.length).put(payload).array();
  }

  private static byte[] concat(byte[]... parts) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  private static HttpResponse<byte[]> post(String path, String contentType, byte[] body) throws Exception {
    HttpResponse<byte[]> r = send(HttpRequest.newBuilder(URI.create(base + path)).header("content-type", contentType)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
    return r;
  }

  private static HttpResponse<byte[]> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofByteArray());
  }
}
