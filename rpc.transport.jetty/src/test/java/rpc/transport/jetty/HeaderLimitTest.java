package rpc.transport.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import rpc.api.CallOptions;
import rpc.api.Channel;
import rpc.api.ClientStream;
import rpc.api.Metadata;
import rpc.api.MethodDescriptor;
import rpc.api.Server;
import rpc.api.ServiceDefinition;
import rpc.api.Status;
import rpc.api.StatusException;

/**
 * Metadata larger than the peer's header list limit (16 KiB here) fails only its own call, with
 * INTERNAL: Jetty would otherwise fail the whole connection while encoding it.
 */
@Timeout(60)
class HeaderLimitTest {
  private static final String BIG = "x".repeat(20_000);
  private static final MethodDescriptor<String, String> BIG_TRAILER = MethodDescriptor.of(
      "test.Limit/BigTrailer", MethodDescriptor.Kind.UNARY, Fixtures.STRING, Fixtures.STRING);
  private static final MethodDescriptor<String, String> BIG_HEADER = MethodDescriptor.of(
      "test.Limit/BigHeader", MethodDescriptor.Kind.UNARY, Fixtures.STRING, Fixtures.STRING);

  private Server server;
  private Channel channel;
  private ClientStream<String, String> canary;

  @BeforeEach
  void start() throws Exception {
    ServiceDefinition limit = ServiceDefinition.newBuilder("test.Limit")
        .unary(BIG_TRAILER, (req, ctx) -> {
          ctx.responseTrailers().put("x-big", BIG);
          return req;
        })
        .<String, String>method(BIG_HEADER, stream -> {
          stream.receive();
          stream.sendHeaders(new Metadata().put("x-big", BIG));
          stream.send("never");
        })
        .build();
    server = Server.newBuilder().listen("127.0.0.1:0").addService(limit).addService(Fixtures.echoService())
        .build().start();
    channel = Channel.open("127.0.0.1:" + server.port());
    canary = channel.newStream(Fixtures.BIDI);
    canary.send("before");
    assertEquals("re:before", canary.receive());
  }

  @AfterEach
  void stop() throws Exception {
    canary.send("after");
    assertEquals("re:after", canary.receive(), "the connection and its other calls survived");
    canary.halfClose();
    channel.shutdownNow();
    server.shutdownNow();
    server.awaitTermination(Duration.ofSeconds(10));
  }

  @Test
  void oversizedRequestMetadataFailsOnlyItsCall() {
    StatusException e = assertThrows(StatusException.class, () -> channel.call(Fixtures.UNARY, "x",
        CallOptions.DEFAULT.withHeaders(new Metadata().put("x-big", BIG))));
    assertEquals(Status.Code.INTERNAL, e.status().code());
    assertTrue(e.status().description().contains("16384"), e.status().description());
    assertEquals("echo:next", channel.call(Fixtures.UNARY, "next"));
  }

  @Test
  void oversizedResponseTrailersFailOnlyTheirCall() {
    StatusException e = assertThrows(StatusException.class, () -> channel.call(BIG_TRAILER, "x"));
    assertEquals(Status.Code.INTERNAL, e.status().code(), e.toString());
    assertEquals("echo:next", channel.call(Fixtures.UNARY, "next"));
  }

  @Test
  void oversizedResponseHeadersFailOnlyTheirCall() {
    StatusException e = assertThrows(StatusException.class, () -> channel.call(BIG_HEADER, "x"));
    assertEquals(Status.Code.INTERNAL, e.status().code(), e.toString());
    assertEquals("echo:next", channel.call(Fixtures.UNARY, "next"));
  }
}
