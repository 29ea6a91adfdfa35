package rpc.testkit.http2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import rpc.api.CallOptions;
import rpc.api.Channel;
import rpc.api.ClientStream;
import rpc.api.Metadata;
import rpc.api.MethodDescriptor;
import rpc.api.Server;
import rpc.api.ServiceDefinition;
import rpc.api.Status;
import rpc.api.StatusException;
import rpc.testkit.AbstractTransportTest;
import rpc.testkit.StringCodec;

/**
 * Metadata larger than the peer's header list limit ({@link Http2WireConformanceTest#maxHeaderListSize})
 * fails only its own call, with INTERNAL: an HTTP/2 library would otherwise fail the whole
 * connection while encoding it (Jetty does).
 */
abstract class HeaderLimitConformance extends AbstractTransportTest {
  private static final MethodDescriptor<String, String> BIG_TRAILER = MethodDescriptor.of(
      "test.Limit/BigTrailer", MethodDescriptor.Kind.UNARY, StringCodec.INSTANCE, StringCodec.INSTANCE);
  private static final MethodDescriptor<String, String> BIG_HEADER = MethodDescriptor.of(
      "test.Limit/BigHeader", MethodDescriptor.Kind.UNARY, StringCodec.INSTANCE, StringCodec.INSTANCE);

  private final int limit;
  /** A value a quarter larger than the whole limit. */
  private final String big;
  private Channel channel;
  private ClientStream<String, String> canary;

  HeaderLimitConformance(Http2WireConformanceTest suite) {
    super(suite.transport());
    limit = suite.maxHeaderListSize();
    big = "x".repeat(limit + limit / 4);
  }

  @BeforeEach
  void start() throws Exception {
    ServiceDefinition limits = ServiceDefinition.newBuilder("test.Limit")
        .unary(BIG_TRAILER, (req, ctx) -> {
          ctx.responseTrailers().put("x-big", big);
          return req;
        })
        .<String, String>method(BIG_HEADER, stream -> {
          stream.receive();
          stream.sendHeaders(new Metadata().put("x-big", big));
          stream.send("never");
        })
        .build();
    Server server = startServer(limits, EchoService.definition());
    channel = openChannel(server);
    canary = channel.newStream(EchoService.BIDI);
    canary.send("before");
    assertEquals("re:before", canary.receive());
  }

  @AfterEach
  void checkTheConnectionSurvived() {
    canary.send("after");
    assertEquals("re:after", canary.receive(), "the connection and its other calls survived");
    canary.halfClose();
  }

  @Test
  void oversizedRequestMetadataFailsOnlyItsCall() {
    StatusException e = assertThrows(StatusException.class, () -> channel.call(EchoService.UNARY, "x",
        CallOptions.DEFAULT.withHeaders(new Metadata().put("x-big", big))));
    assertEquals(Status.Code.INTERNAL, e.status().code());
    assertTrue(e.status().description().contains(Integer.toString(limit)), e.status().description());
    assertEquals("echo:next", channel.call(EchoService.UNARY, "next"));
  }

  @Test
  void oversizedResponseTrailersFailOnlyTheirCall() {
    StatusException e = assertThrows(StatusException.class, () -> channel.call(BIG_TRAILER, "x"));
    assertEquals(Status.Code.INTERNAL, e.status().code(), e.toString());
    assertEquals("echo:next", channel.call(EchoService.UNARY, "next"));
  }

  @Test
  void oversizedResponseHeadersFailOnlyTheirCall() {
    StatusException e = assertThrows(StatusException.class, () -> channel.call(BIG_HEADER, "x"));
    assertEquals(Status.Code.INTERNAL, e.status().code(), e.toString());
    assertEquals("echo:next", channel.call(EchoService.UNARY, "next"));
  }
}
