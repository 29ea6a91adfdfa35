package rpc.transport.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import rpc.api.MethodDescriptor;
import rpc.api.Server;
import rpc.api.ServiceDefinition;
import rpc.testkit.Waits;
import rpc.transport.jetty.internal.server.JettyServerTransport;

/**
 * What the Connect protocol says a server does with request content it cannot simply decode: a GET
 * message held to the same size limit as a POST body, zero-length compressed content taken as the
 * empty message, a corrupt compressed body blamed on the client, and GET parameters that are
 * missing or name an encoding the server does not speak.
 */
class WebConnectInputTest {
  static final MethodDescriptor<String, String> LOOKUP = MethodDescriptor.of("test.Input/Lookup",
      MethodDescriptor.Kind.UNARY, Fixtures.STRING, Fixtures.STRING)
      .withIdempotency(MethodDescriptor.Idempotency.NO_SIDE_EFFECTS);
  static final MethodDescriptor<String, String> STREAM = MethodDescriptor.of("test.Input/Stream",
      MethodDescriptor.Kind.CLIENT_STREAMING, Fixtures.STRING, Fixtures.STRING);
  static final int MAX_MESSAGE = 1024;

  static Server server;
  static String base;
  static HttpClient http;

  @BeforeAll
  static void start() throws Exception {
    ServiceDefinition input = ServiceDefinition.newBuilder("test.Input")
        .unary(LOOKUP, (req, ctx) -> "found:" + req.length())
        .clientStreaming(STREAM, stream -> {
          StringBuilder seen = new StringBuilder();
          String m;
          while ((m = stream.receive()) != null) {
            seen.append('[').append(m).append(']');
          }
          return seen.toString();
        })
        .build();
    server = Server.newBuilder().listen("127.0.0.1", 0).transport("jetty").addService(input)
        .maxInboundMessageSize(MAX_MESSAGE).build().start();
    base = "http://127.0.0.1:" + server.port() + "/";
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
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

  @Test
  void getMessageOverTheLimitIsRefusedAsAPostBodyIs() throws Exception {
    byte[] big = "x".repeat(3003).getBytes(StandardCharsets.UTF_8);
    HttpResponse<byte[]> post = post("application/proto", null, big);
    assertEquals(429, post.statusCode(), text(post));
    assertTrue(text(post).startsWith("{\"code\":\"resource_exhausted\""), text(post));
    HttpResponse<byte[]> get = get("encoding=proto&base64=1&message="
        + Base64.getUrlEncoder().withoutPadding().encodeToString(big));
    assertEquals(429, get.statusCode(), text(get));
    assertTrue(text(get).startsWith("{\"code\":\"resource_exhausted\""), text(get));
    HttpResponse<byte[]> plain = get("encoding=proto&message=" + "y".repeat(MAX_MESSAGE + 1));
    assertEquals(429, plain.statusCode(), text(plain));
    HttpResponse<byte[]> fits = get("encoding=proto&message=" + "y".repeat(MAX_MESSAGE));
    assertEquals(200, fits.statusCode(), text(fits));
    assertEquals("found:" + MAX_MESSAGE, text(fits));
  }

  @Test
  void zeroLengthCompressedContentIsTheEmptyMessage() throws Exception {
    HttpResponse<byte[]> post = post("application/proto", "gzip", new byte[0]);
    assertEquals(200, post.statusCode(), text(post));
    assertEquals("found:0", text(post));
    HttpResponse<byte[]> get = get("encoding=proto&compression=gzip&base64=1&message=");
    assertEquals(200, get.statusCode(), text(get));
    assertEquals("found:0", text(get));
    byte[] emptyCompressedEnvelope = {1, 0, 0, 0, 0};
    HttpResponse<byte[]> stream = send(HttpRequest.newBuilder(URI.create(base + STREAM.fullName()))
        .header("content-type", "application/connect+proto").header("connect-content-encoding", "gzip")
        .POST(HttpRequest.BodyPublishers.ofByteArray(emptyCompressedEnvelope)));
    assertEquals(200, stream.statusCode(), text(stream));
    assertTrue(text(stream).contains("[]") && !text(stream).contains("error"), text(stream));
  }

  @Test
  void corruptCompressedContentIsTheClientsFault() throws Exception {
    byte[] gzip = gzip("hello".getBytes(StandardCharsets.UTF_8));
    byte[] corrupt = java.util.Arrays.copyOf(gzip, gzip.length - 6); // cut inside the trailer
    HttpResponse<byte[]> post = post("application/proto", "gzip", corrupt);
    assertEquals(400, post.statusCode(), text(post));
    assertTrue(text(post).startsWith("{\"code\":\"invalid_argument\""), text(post));
    HttpResponse<byte[]> garbage = post("application/proto", "gzip", "not gzip".getBytes(StandardCharsets.UTF_8));
    assertEquals(400, garbage.statusCode(), text(garbage));
    assertTrue(text(garbage).startsWith("{\"code\":\"invalid_argument\""), text(garbage));
    HttpResponse<byte[]> get = get("encoding=proto&compression=gzip&base64=1&message="
        + Base64.getUrlEncoder().withoutPadding().encodeToString(corrupt));
    assertEquals(400, get.statusCode(), text(get));
    assertTrue(text(get).startsWith("{\"code\":\"invalid_argument\""), text(get));
  }

  @Test
  void getWithAnEncodingNotSpokenIsAnUnsupportedMediaType() throws Exception {
    HttpResponse<byte[]> r = get("encoding=xml&message=x");
    assertEquals(415, r.statusCode(), text(r));
    assertEquals("application/json", r.headers().firstValue("content-type").orElse(null));
    assertTrue(text(r).startsWith("{\"code\":") && text(r).contains("xml"), text(r));
  }

  @Test
  void getWithoutEncodingOrMessageGetsAConnectError() throws Exception {
    for (String query : new String[] {"message=x", "encoding=proto", ""}) {
      HttpResponse<byte[]> r = get(query);
      assertEquals(400, r.statusCode(), query + ": " + text(r));
      assertEquals("application/json", r.headers().firstValue("content-type").orElse(null), query);
      assertTrue(text(r).startsWith("{\"code\":\"invalid_argument\""), query + ": " + text(r));
    }
  }

  private static HttpResponse<byte[]> post(String contentType, String encoding, byte[] body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + LOOKUP.fullName()))
        .header("content-type", contentType);
    if (encoding != null) {
      b.header("content-encoding", encoding);
    }
    return send(b.POST(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  private static HttpResponse<byte[]> get(String query) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(base + LOOKUP.fullName() + (query.isEmpty() ? "" : "?" + query)))
        .GET());
  }

  private static HttpResponse<byte[]> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static String text(HttpResponse<byte[]> r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  private static byte[] gzip(byte[] data) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    }
    return out.toByteArray();
  }
}
