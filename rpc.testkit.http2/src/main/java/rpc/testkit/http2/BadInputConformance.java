package rpc.testkit.http2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http2.ErrorCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import rpc.api.Channel;
import rpc.api.ClientStream;
import rpc.api.MethodDescriptor;
import rpc.api.Server;
import rpc.api.ServiceDefinition;
import rpc.api.Status;
import rpc.testkit.AbstractTransportTest;
import rpc.testkit.StringCodec;
import rpc.testkit.Waits;

/**
 * Requests that break the gRPC protocol, sent as raw HTTP/2 frames: each gets a clear status or
 * HTTP error, a well-behaved call on another connection still succeeds, and afterwards no handler
 * is left running and no call is left open (a graceful shutdown, which waits for open calls,
 * completes).
 */
abstract class BadInputConformance extends AbstractTransportTest {
  private static final MethodDescriptor<String, String> COLLECT = MethodDescriptor.of(
      "test.Bad/Collect", MethodDescriptor.Kind.CLIENT_STREAMING, StringCodec.INSTANCE, StringCodec.INSTANCE);
  private static final MethodDescriptor<String, String> ECHO = MethodDescriptor.of(
      "test.Bad/Echo", MethodDescriptor.Kind.UNARY, StringCodec.INSTANCE, StringCodec.INSTANCE);

  private final AtomicInteger running = new AtomicInteger();
  private final AtomicInteger started = new AtomicInteger();
  private CountDownLatch cancelled = new CountDownLatch(1);
  private Server server;
  private Channel channel;
  private ClientStream<String, String> concurrent;

  BadInputConformance(Http2WireConformanceTest suite) {
    super(suite.transport());
  }

  @BeforeEach
  void start() throws Exception {
    ServiceDefinition bad = ServiceDefinition.newBuilder("test.Bad")
        .clientStreaming(COLLECT, stream -> {
          running.incrementAndGet();
          started.incrementAndGet();
          stream.context().onCancel(() -> cancelled.countDown());
          try {
            StringBuilder sb = new StringBuilder();
            String m;
            while ((m = stream.receive()) != null) {
              sb.append(m);
            }
            return sb.toString();
          } finally {
            running.decrementAndGet();
          }
        })
        .unary(ECHO, (req, ctx) -> req)
        .build();
    server = startServer(bad, EchoService.definition());
    channel = openChannel(server);
    concurrent = channel.newStream(EchoService.BIDI);
    concurrent.send("before");
    assertEquals("re:before", concurrent.receive());
  }

  @AfterEach
  void checkNothingLeftBehind() throws Exception {
    concurrent.send("after");
    assertEquals("re:after", concurrent.receive(), "a call in flight on another connection");
    concurrent.halfClose();
    assertNull(concurrent.receive());
    assertEquals("echo:fine", channel.call(EchoService.UNARY, "fine"), "a new call on another connection");
    Waits.until("no handler still running", running::get, n -> n == 0, WAIT);
    channel.shutdownNow();
    // Graceful: the server terminates only once every call has ended, so a call the bad input left
    // open (a stream never answered, a listener never told) keeps it from terminating.
    server.shutdown();
    assertTrue(server.awaitTermination(WAIT), "server calls left open: graceful shutdown did not complete");
  }

  private static String code(Status.Code c) {
    return Integer.toString(c.value());
  }

  @Test
  void lengthPrefixLongerThanTheDataIsInternal() throws Exception {
    try (RawHttp2Client raw = new RawHttp2Client(server.port())) {
      RawHttp2Client.Exchange ex = raw.open("/test.Bad/Echo", RawHttp2Client.grpcFields(), false);
      ex.send(RawHttp2Client.framed(false, 100, "short".getBytes()), true);
      assertEquals(code(Status.Code.INTERNAL), ex.grpcStatus());
      assertEquals(200, ex.httpStatus());
    }
  }

  @Test
  void compressedFlagWithoutEncodingIsInternal() throws Exception {
    try (RawHttp2Client raw = new RawHttp2Client(server.port())) {
      RawHttp2Client.Exchange ex = raw.open("/test.Bad/Echo", RawHttp2Client.grpcFields(), false);
      ex.send(RawHttp2Client.framed(true, 3, "abc".getBytes()), true);
      assertEquals(code(Status.Code.INTERNAL), ex.grpcStatus());
    }
  }

  @Test
  void unknownEncodingIsUnimplementedAndListsWhatIsAccepted() throws Exception {
    try (RawHttp2Client raw = new RawHttp2Client(server.port())) {
      HttpFields.Mutable f = RawHttp2Client.grpcFields().add("grpc-encoding", "snappy");
      RawHttp2Client.Exchange ex = raw.open("/test.Bad/Echo", f, false);
      assertEquals(code(Status.Code.UNIMPLEMENTED), ex.grpcStatus());
      assertEquals("gzip", ex.response.get().getHttpFields().get("grpc-accept-encoding"));
    }
  }

  @Test
  void wrongContentTypeIs415() throws Exception {
    try (RawHttp2Client raw = new RawHttp2Client(server.port())) {
      HttpFields.Mutable f = HttpFields.build().add("content-type", "application/json").add("te", "trailers");
      RawHttp2Client.Exchange ex = raw.open("/test.Bad/Echo", f, false);
      assertEquals(415, ex.httpStatus());
      ex.awaitEnd();
    }
  }

  @Test
  void pathThatIsNoMethodIsUnimplemented() throws Exception {
    try (RawHttp2Client raw = new RawHttp2Client(server.port())) {
      for (String path : new String[] {"/nonsense", "/test.Bad/Echo/extra", "/", "/test.Bad"}) {
        RawHttp2Client.Exchange ex = raw.open(path, RawHttp2Client.grpcFields(), true);
        assertEquals(code(Status.Code.UNIMPLEMENTED), ex.grpcStatus(), path);
      }
    }
  }

  @Test
  void malformedTimeoutIsInternal() throws Exception {
    try (RawHttp2Client raw = new RawHttp2Client(server.port())) {
      for (String timeout : new String[] {"abc", "123456789S", "10x", "S"}) {
        HttpFields.Mutable f = RawHttp2Client.grpcFields().add("grpc-timeout", timeout);
        RawHttp2Client.Exchange ex = raw.open("/test.Bad/Echo", f, false);
        assertEquals(code(Status.Code.INTERNAL), ex.grpcStatus(), timeout);
      }
    }
  }

  @Test
  void oversizedMessageIsResourceExhausted() throws Exception {
    try (RawHttp2Client raw = new RawHttp2Client(server.port())) {
      RawHttp2Client.Exchange ex = raw.open("/test.Bad/Collect", RawHttp2Client.grpcFields(), false);
      ex.send(RawHttp2Client.framed(false, 5 * 1024 * 1024, new byte[100]), false);
      assertEquals(code(Status.Code.RESOURCE_EXHAUSTED), ex.grpcStatus());
    }
  }

  @Test
  void resetInTheMiddleOfAMessageCancelsTheHandler() throws Exception {
    try (RawHttp2Client raw = new RawHttp2Client(server.port())) {
      RawHttp2Client.Exchange ex = raw.open("/test.Bad/Collect", RawHttp2Client.grpcFields(), false);
      ex.send(RawHttp2Client.framed(false, 2, "a".getBytes()), false); // a whole message
      ex.send(RawHttp2Client.framed(false, 1000, new byte[10]), false); // half of the next
      Waits.until("the handler started", started::get, n -> n > 0, WAIT);
      ex.reset(ErrorCode.CANCEL_STREAM_ERROR.code);
      assertTrue(cancelled.await(WAIT.toMillis(), TimeUnit.MILLISECONDS), "the handler never saw the reset");
    }
  }

  @Test
  void vanishingClientCancelsItsHandlers() throws Exception {
    cancelled = new CountDownLatch(3);
    RawHttp2Client raw = new RawHttp2Client(server.port());
    try {
      for (int i = 0; i < 3; i++) {
        RawHttp2Client.Exchange ex = raw.open("/test.Bad/Collect", RawHttp2Client.grpcFields(), false);
        ex.send(RawHttp2Client.framed(false, 1, "x".getBytes()), false);
      }
      Waits.until("3 handlers running", running::get, n -> n >= 3, WAIT);
      assertEquals(3, running.get());
      raw.vanish();
      assertTrue(cancelled.await(WAIT.toMillis(), TimeUnit.MILLISECONDS),
          "handlers not cancelled when the connection dropped");
    } finally {
      raw.close();
    }
  }

  @Test
  void getIsRejectedWith405() throws Exception {
    try (RawHttp2Client raw = new RawHttp2Client(server.port())) {
      RawHttp2Client.Exchange ex = raw.open("GET", "/test.Bad/Echo", RawHttp2Client.grpcFields(), true);
      assertEquals(405, ex.httpStatus());
      assertEquals(code(Status.Code.INTERNAL), ex.grpcStatus());
    }
  }

  @Test
  void unaryCallWithoutARequestMessageIsInternal() throws Exception {
    try (RawHttp2Client raw = new RawHttp2Client(server.port())) {
      RawHttp2Client.Exchange ex = raw.open("/test.Bad/Echo", RawHttp2Client.grpcFields(), true);
      assertEquals(code(Status.Code.INTERNAL), ex.grpcStatus());
    }
  }

  @Test
  void messageSplitIntoOneByteFramesIsReassembled() throws Exception {
    try (RawHttp2Client raw = new RawHttp2Client(server.port())) {
      RawHttp2Client.Exchange ex = raw.open("/test.Bad/Echo", RawHttp2Client.grpcFields(), false);
      byte[] wire = RawHttp2Client.framed(false, 5, "split".getBytes());
      for (int i = 0; i < wire.length; i++) {
        ex.send(new byte[] {wire[i]}, i == wire.length - 1);
      }
      assertEquals(code(Status.Code.OK), ex.grpcStatus());
      byte[] body = ex.body.toByteArray();
      assertEquals("split", new String(body, 5, body.length - 5));
    }
  }
}
