package rpc.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import rpc.api.CallOptions;
import rpc.api.Channel;
import rpc.api.ClientStream;
import rpc.api.Metadata;
import rpc.api.Server;
import rpc.api.ServerCallHandler;
import rpc.api.ServerInterceptor;
import rpc.api.ServerStream;
import rpc.api.Status;
import rpc.api.StatusException;

/**
 * Metadata both ways (ASCII and binary, headers and trailers, on success and failure), every
 * status code with a description that needs escaping, handler exceptions, and interceptors.
 */
abstract class MetadataStatusConformance extends AbstractTransportTest {

  /** Non-ASCII, control characters, a percent sign and what looks like percent-encoding. */
  static final String TRICKY_DESCRIPTION = "ошибка ✓ 错误 \t\n% %41 100% 😀 end";

  private static final byte[] EDGE_BYTES = {(byte) 0xFF, 0x00, 0x7F, (byte) 0x80, 0x00};

  MetadataStatusConformance(TransportConformanceTest transport) {
    super(transport);
  }

  @Test
  void requestHeadersReachTheHandler() throws Exception {
    Channel channel = fakeChannel();
    // Every printable ASCII character, the space inside: HTTP/2 forbids values that start or end
    // with whitespace (RFC 9113 section 8.2.1), so strict HTTP/2 peers cannot carry those.
    Metadata headers = new Metadata()
        .put("x-ascii", "a !\"#$%&'()*+,-./09:;<=>?@AZ[\\]^_`az{|}~")
        .put("x-empty", "")
        .put("x-multi", "first")
        .put("x-multi", "second")
        .putBinary("x-data-bin", FakeService.allBytes())
        .putBinary("x-edge-bin", EDGE_BYTES)
        .putBinary("x-nothing-bin", new byte[0]);
    CallOptions options = CallOptions.DEFAULT.withHeaders(headers).withTimeout(WAIT);
    try (ClientStream<String, String> stream = channel.newStream(FakeService.METADATA, options)) {
      stream.sendAndClose("ok");
      assertEquals("ok", stream.receive());
      assertNull(stream.receive());
    }
    Metadata seen = service.nextObservation(WAIT).requestHeaders();
    assertEquals("a !\"#$%&'()*+,-./09:;<=>?@AZ[\\]^_`az{|}~", seen.get("x-ascii"));
    assertEquals("", seen.get("x-empty"));
    assertEquals(List.of("first", "second"), seen.getAll("x-multi"), "values of one key keep their order");
    assertArrayEquals(FakeService.allBytes(), seen.getBinary("x-data-bin"));
    assertArrayEquals(EDGE_BYTES, seen.getBinary("x-edge-bin"));
    assertArrayEquals(new byte[0], seen.getBinary("x-nothing-bin"));
    for (String key : seen.keys()) {
      assertFalse(key.startsWith("grpc-") || key.startsWith(":") || key.equals("content-type") || key.equals("te"),
          () -> "protocol header leaked into the custom metadata: " + key + " in " + seen);
    }
  }

  @Test
  void responseHeadersAndTrailersReachTheClient() throws Exception {
    Channel channel = fakeChannel();
    Metadata headers = new Metadata()
        .put("x-echo-greeting", "hello")
        .putBinary("x-echo-data-bin", FakeService.allBytes())
        .put("x-trailer-done", "yes")
        .putBinary("x-trailer-edge-bin", EDGE_BYTES);
    try (ClientStream<String, String> stream =
        channel.newStream(FakeService.METADATA, CallOptions.DEFAULT.withHeaders(headers))) {
      stream.sendAndClose("ok");
      Metadata responseHeaders = stream.headers();
      assertEquals("hello", responseHeaders.get("x-echo-greeting"));
      assertArrayEquals(FakeService.allBytes(), responseHeaders.getBinary("x-echo-data-bin"));
      assertFalse(responseHeaders.containsKey("x-trailer-done"), "a trailer arrived among the headers");
      assertEquals("ok", stream.receive());
      assertNull(stream.receive());
      Metadata trailers = stream.trailers();
      assertEquals("yes", trailers.get("x-trailer-done"));
      assertArrayEquals(EDGE_BYTES, trailers.getBinary("x-trailer-edge-bin"));
      assertFalse(trailers.containsKey("x-echo-greeting"), "a header arrived among the trailers");
    }
  }

  @Test
  void trailersOfAFailedCallReachTheClient() throws Exception {
    Channel channel = fakeChannel();
    Metadata headers = new Metadata().put("x-trailer-reason", "quota").putBinary("x-trailer-edge-bin", EDGE_BYTES);
    try (ClientStream<String, String> stream =
        channel.newStream(FakeService.METADATA, CallOptions.DEFAULT.withHeaders(headers))) {
      stream.sendAndClose("fail");
      StatusException e = assertStatus(Status.Code.ABORTED, stream::receive);
      assertEquals("quota", e.trailers().get("x-trailer-reason"));
      assertArrayEquals(EDGE_BYTES, e.trailers().getBinary("x-trailer-edge-bin"));
      assertEquals("quota", stream.trailers().get("x-trailer-reason"));
      assertTrue(stream.headers().isEmpty(), "a call that failed before any header has none");
    }
    StatusException unary = assertStatus(Status.Code.INTERNAL, () -> channel.call(FakeService.FAIL, "INTERNAL:x"));
    assertEquals("INTERNAL", unary.trailers().get("x-failed-code"));
    assertArrayEquals(FakeService.allBytes(), unary.trailers().getBinary("x-failed-bin"));
  }

  @ParameterizedTest
  @EnumSource(value = Status.Code.class, names = "OK", mode = EnumSource.Mode.EXCLUDE)
  void everyStatusCodeArrivesWithItsDescription(Status.Code code) throws Exception {
    Channel channel = fakeChannel();
    StatusException e = assertStatus(code, () -> channel.call(FakeService.FAIL, code.name() + ":" + TRICKY_DESCRIPTION));
    assertEquals(TRICKY_DESCRIPTION, e.status().description());
    assertEquals(code.name(), e.trailers().get("x-failed-code"));
    assertArrayEquals(FakeService.allBytes(), e.trailers().getBinary("x-failed-bin"));

    try (ClientStream<String, String> stream = channel.newStream(FakeService.FAIL_AFTER_MESSAGES)) {
      stream.sendAndClose(code.name() + ":" + TRICKY_DESCRIPTION);
      assertEquals("one", stream.receive());
      assertEquals("two", stream.receive());
      StatusException after = assertStatus(code, stream::receive);
      assertEquals(TRICKY_DESCRIPTION, after.status().description(), "after messages, in real trailers");
      assertEquals(code.name(), after.trailers().get("x-failed-code"));
    }
  }

  @Test
  void statusWithoutDescriptionArrivesWithout() throws Exception {
    Channel channel = fakeChannel();
    StatusException e = assertStatus(Status.Code.NOT_FOUND, () -> channel.call(FakeService.FAIL, "NOT_FOUND"));
    assertNull(e.status().description());
  }

  @Test
  void plainExceptionBecomesUnknownWithoutDetails() throws Exception {
    Channel channel = fakeChannel();
    String secret = "secret-detail-7f3a";
    StatusException e = assertStatus(Status.Code.UNKNOWN, () -> channel.call(FakeService.CRASH, secret));
    String description = String.valueOf(e.status().description());
    assertFalse(description.contains(secret), () -> "the exception's message leaked: " + description);
    assertFalse(description.contains("IllegalStateException"), () -> "the exception's type leaked: " + description);
    assertFalse(description.contains("\tat ") || description.contains("FakeService"),
        () -> "a stack trace leaked: " + description);
    assertEquals("after", channel.call(FakeService.ECHO, "after"), "the server goes on serving");
  }

  @Test
  void clientInterceptorAddsHeadersAndSeesTheStatus() throws Exception {
    Server server = startServer(service.definition());
    RecordingClientInterceptor interceptor =
        new RecordingClientInterceptor(new Metadata().put("x-intercepted", "yes"));
    Channel channel = openChannel(server, b -> b.intercept(interceptor));

    try (ClientStream<String, String> stream = channel.newStream(FakeService.METADATA)) {
      stream.sendAndClose("ok");
      assertEquals("ok", stream.receive());
      assertNull(stream.receive());
    }
    assertEquals("yes", service.nextObservation(WAIT).requestHeaders().get("x-intercepted"));
    assertEquals(Status.Code.OK, interceptor.nextStatus(WAIT).code());

    assertStatus(Status.Code.PERMISSION_DENIED, () -> channel.call(FakeService.FAIL, "PERMISSION_DENIED:no"));
    Status failed = interceptor.nextStatus(WAIT);
    assertEquals(Status.Code.PERMISSION_DENIED, failed.code());
    assertEquals("no", failed.description());
  }

  @Test
  void serverInterceptorRejectsUnauthenticatedCalls() throws Exception {
    ServerInterceptor auth = new ServerInterceptor() {
      @Override
      public <Req, Resp> void intercept(ServerStream<Resp, Req> stream, ServerCallHandler<Req, Resp> next)
          throws Exception {
        if (!"Bearer open-sesame".equals(stream.context().requestHeaders().get("authorization"))) {
          throw Status.UNAUTHENTICATED.withDescription("missing or wrong token").asException();
        }
        next.handle(stream);
      }
    };
    Server server = startServer(b -> b.intercept(auth), service.definition());
    Channel channel = openChannel(server);

    StatusException e = assertStatus(Status.Code.UNAUTHENTICATED, () -> channel.call(FakeService.ECHO, "hi"));
    assertEquals("missing or wrong token", e.status().description());
    try (ClientStream<String, String> stream = channel.newStream(FakeService.BIDI_ECHO)) {
      assertStatus(Status.Code.UNAUTHENTICATED, stream::receive);
    }
    assertEquals(0, service.handlerCalls(), "a rejected call reached its handler");

    CallOptions withToken = CallOptions.DEFAULT.withHeaders(new Metadata().put("authorization", "Bearer open-sesame"));
    assertEquals("hi", channel.call(FakeService.ECHO, "hi", withToken));
    assertEquals(1, service.handlerCalls());
  }

  @Test
  void metadataHttp2CannotCarryIsRefusedWhereItIsBuilt() {
    // The same check for every transport, at the same point: before any of them sees it.
    for (String value : new String[] {" leading", "trailing ", " "}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> new Metadata().put("x-edge", value), () -> "'" + value + "' was accepted");
      assertTrue(e.getMessage().contains("x-edge"), e.getMessage());
    }
    assertEquals("inner space", new Metadata().put("x-inner", "inner space").get("x-inner"));
  }

  @Test
  void unsupportedCompressionIsRefusedWhereItIsChosen() throws Exception {
    Channel channel = fakeChannel();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> CallOptions.DEFAULT.withCompression("snappy"));
    assertTrue(e.getMessage().contains("snappy") && e.getMessage().contains("gzip"), e.getMessage());
    assertEquals("compressed", channel.call(FakeService.ECHO, "compressed", CallOptions.DEFAULT.withCompression("gzip")));
    assertEquals("ok", channel.call(FakeService.COMPRESS, "gzip"));
    String refused = channel.call(FakeService.COMPRESS, "snappy");
    assertTrue(refused.startsWith("refused: ") && refused.contains("snappy"), refused);
  }
}
