package rpc.transport.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static rpc.transport.jetty.WebProtocolsTest.frame;
import static rpc.transport.jetty.WebProtocolsTest.frames;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import rpc.api.MethodDescriptor;
import rpc.api.Server;
import rpc.api.ServiceDefinition;

/**
 * What gRPC-Web and Connect calls do with each message's compression, as gRPC calls do: the
 * per-message switch a handler sets.
 */
@Timeout(60)
class WebMessagesTest {
  static final MethodDescriptor<String, String> PLAIN = MethodDescriptor.of("test.Msg/Plain",
      MethodDescriptor.Kind.UNARY, Fixtures.STRING, Fixtures.STRING);

  static Server server;
  static String base;
  static HttpClient http;

  @BeforeAll
  static void start() throws Exception {
    ServiceDefinition msg = ServiceDefinition.newBuilder("test.Msg")
        .unary(PLAIN, (req, ctx) -> {
          ctx.setResponseCompression("gzip");
          ctx.setMessageCompression(false); // the encoding is negotiated, this message goes without it
          return "plain:" + req;
        })
        .build();
    server = Server.newBuilder().listen("127.0.0.1", 0).transport("jetty").addService(Fixtures.echoService())
        .addService(msg).build().start();
    base = "http://127.0.0.1:" + server.port() + "/";
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
  }

  @AfterAll
  static void stop() throws Exception {
    server.shutdownNow();
    server.awaitTermination(Duration.ofSeconds(10));
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

  // ---- helpers ----

  private static HttpResponse<byte[]> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofByteArray());
  }
}
