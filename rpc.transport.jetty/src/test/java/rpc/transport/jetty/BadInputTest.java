package rpc.transport.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http2.ErrorCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import rpc.api.Channel;
import rpc.api.ClientStream;
import rpc.api.MethodDescriptor;
import rpc.api.Server;
import rpc.api.ServiceDefinition;
import rpc.api.Status;
import rpc.transport.jetty.internal.JettyServerTransport;

/**
 * Requests that break the gRPC protocol, sent as raw HTTP/2 frames: each gets a clear status or
 * HTTP error, a well-behaved call on another connection still succeeds, and afterwards no call,
 * stream or handler is left behind.
 */
@Timeout(60)
class BadInputTest {
  private static final MethodDescriptor<String, String> COLLECT = MethodDescriptor.of(
      "test.Bad/Collect", MethodDescriptor.Kind.CLIENT_STREAMING, Fixtures.STRING, Fixtures.STRING);
  private static final MethodDescriptor<String, String> ECHO = MethodDescriptor.of(
      "test.Bad/Echo", MethodDescriptor.Kind.UNARY, Fixtures.STRING, Fixtures.STRING);

  private final AtomicInteger running = new AtomicInteger();
  private final AtomicInteger started = new AtomicInteger();
  private CountDownLatch cancelled = new CountDownLatch(1);
  private Server server;
  private Channel channel;
  private int liveBefore;
  private ClientStream<String, String> concurrent;

  @BeforeEach
  void start() throws Exception {
    liveBefore = JettyServerTransport.liveCallsInAllServers();
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
    server = Server.newBuilder().listen("127.0.0.1:0").addService(bad).addService(Fixtures.echoService())
        .build().start();
    channel = Channel.open("127.0.0.1:" + server.port());
    concurrent = channel.newStream(Fixtures.BIDI);
    concurrent.send("before");
    assertEquals("re:before", concurrent.receive());
  }

  @AfterEach
  void stop() throws Exception {
    concurrent.send("after");
    assertEquals("re:after", concurrent.receive(), "a call in flight on another connection");
    concurrent.halfClose();
    assertNull(concurrent.receive());
    assertEquals("echo:fine", channel.call(Fixtures.UNARY, "fine"), "a new call on another connection");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while ((JettyServerTransport.liveCallsInAllServers() != liveBefore || running.get() != 0)
        && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(liveBefore, JettyServerTransport.liveCallsInAllServers(), "server calls left open");
    assertEquals(0, running.get(), "handlers still running");
    channel.shutdownNow();
    server.shutdownNow();
    assertTrue(server.awaitTermination(Duration.ofSeconds(10)));
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
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (started.get() == 0 && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      ex.reset(ErrorCode.CANCEL_STREAM_ERROR.code);
      assertTrue(cancelled.await(10, TimeUnit.SECONDS), "the handler never saw the reset");
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
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (running.get() < 3 && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertEquals(3, running.get());
      raw.vanish();
      assertTrue(cancelled.await(10, TimeUnit.SECONDS), "handlers not cancelled when the connection dropped");
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
