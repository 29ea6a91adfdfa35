package rpc.transport.jetty.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static rpc.transport.jetty.interop.InteropService.bytes;
import static rpc.transport.jetty.interop.InteropService.text;

import com.google.protobuf.ByteString;
import com.google.protobuf.BytesValue;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import rpc.api.CallOptions;
import rpc.api.Channel;
import rpc.api.ClientStream;
import rpc.api.Metadata;
import rpc.api.Status;
import rpc.api.StatusException;

/** Our Jetty client calling grpc-java 1.85's server (Netty). */
@Timeout(60)
class GrpcJavaServerTest {
  private final InteropService service = new InteropService();
  private io.grpc.Server server;
  private Channel channel;

  @BeforeEach
  void start() throws Exception {
    server = serverBuilder().addService(service.theirService()).maxInboundMessageSize(4 * 1024 * 1024).build().start();
    channel = Channel.newBuilder(targetFor(server)).maxInboundMessageSize(8 * 1024 * 1024).build();
  }

  /** grpc-java's server, before its common settings. */
  NettyServerBuilder serverBuilder() throws Exception {
    return NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0));
  }

  /** Our channel's target for grpc-java's started server. */
  String targetFor(io.grpc.Server server) {
    return "127.0.0.1:" + server.getPort();
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow();
    assertTrue(channel.awaitTermination(Duration.ofSeconds(10)));
    server.shutdownNow();
    server.awaitTermination(5, TimeUnit.SECONDS);
  }

  private static CallOptions opts() {
    return CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(20));
  }

  @Test
  void unary() {
    assertEquals("hello", text(channel.call(InteropService.ECHO, bytes("hello"), opts())));
    assertTrue(service.lastDeadlineSeconds >= 15 && service.lastDeadlineSeconds <= 20,
        "grpc-java saw our deadline: " + service.lastDeadlineSeconds + " s, grpc-timeout "
            + service.lastRequestHeaders.get(InteropService.GRPC_TIMEOUT));
    assertTrue(service.lastRequestHeaders.get(InteropService.USER_AGENT).contains("rpc-java/"),
        service.lastRequestHeaders.get(InteropService.USER_AGENT));
    channel.call(InteropService.ECHO, bytes("no deadline"));
    assertEquals(-1, service.lastDeadlineSeconds);
  }

  @Test
  void clientStreaming() {
    try (ClientStream<BytesValue, BytesValue> s = channel.newStream(InteropService.CONCAT, opts())) {
      for (String m : List.of("a", "b", "c")) {
        s.send(bytes(m));
      }
      s.halfClose();
      assertEquals("abc", text(s.receive()));
      assertNull(s.receive());
    }
  }

  @Test
  void serverStreaming() {
    try (ClientStream<BytesValue, BytesValue> s = channel.newStream(InteropService.COUNT, opts())) {
      s.sendAndClose(bytes("5"));
      List<String> got = new ArrayList<>();
      BytesValue m;
      while ((m = s.receive()) != null) {
        got.add(text(m));
      }
      assertEquals(List.of("0", "1", "2", "3", "4"), got);
    }
  }

  @Test
  void bidi() {
    try (ClientStream<BytesValue, BytesValue> s = channel.newStream(InteropService.CHAT, opts())) {
      for (int i = 0; i < 10; i++) {
        s.send(bytes("m" + i));
        assertEquals("m" + i, text(s.receive()));
      }
      s.halfClose();
      assertNull(s.receive());
      assertEquals(Status.Code.OK, s.status().code());
    }
  }

  @Test
  void metadataAndTrailers() {
    Metadata out = new Metadata().put("x-req", "from rpc").putBinary("x-req-bin", new byte[] {1, 2, (byte) 0xFF});
    try (ClientStream<BytesValue, BytesValue> s = channel.newStream(InteropService.META, opts().withHeaders(out))) {
      s.sendAndClose(bytes("m"));
      assertEquals("from rpc", s.headers().get("x-echo"));
      assertArrayEquals(new byte[] {1, 2, (byte) 0xFF}, s.headers().getBinary("x-echo-bin"));
      assertEquals("m", text(s.receive()));
      assertNull(s.receive());
      assertEquals("end", s.trailers().get("x-trailer"));
      assertArrayEquals(new byte[] {0, -1, 7}, s.trailers().getBinary("x-trailer-bin"));
    }
  }

  @Test
  void everyStatusCodeWithNonAsciiMessage() {
    for (Status.Code code : Status.Code.values()) {
      if (code == Status.Code.OK) {
        continue;
      }
      StatusException e = assertThrows(StatusException.class,
          () -> channel.call(InteropService.FAIL, bytes(code.name()), opts()));
      assertEquals(code, e.status().code());
      assertEquals(InteropService.FAIL_MESSAGE + code, e.status().description());
    }
  }

  @Test
  void deadlineExceededAndSeenByTheServer() throws Exception {
    StatusException e = assertThrows(StatusException.class, () -> channel.call(InteropService.SLEEP, bytes("z"),
        CallOptions.DEFAULT.withTimeout(Duration.ofMillis(300))));
    assertEquals(Status.Code.DEADLINE_EXCEEDED, e.status().code());
    assertTrue(service.cancelled.await(10, TimeUnit.SECONDS), "grpc-java's handler never saw the deadline");
  }

  @Test
  void clientCancellationSeenByTheServer() throws Exception {
    ClientStream<BytesValue, BytesValue> s = channel.newStream(InteropService.COUNT, opts());
    s.sendAndClose(bytes("forever"));
    for (int i = 0; i < 3; i++) {
      assertEquals(Integer.toString(i), text(s.receive()));
    }
    s.cancel();
    assertEquals(Status.Code.CANCELLED, assertThrows(StatusException.class, s::receive).status().code());
    assertTrue(service.cancelled.await(10, TimeUnit.SECONDS), "grpc-java's handler never saw the cancellation");
  }

  @Test
  void gzipBothWays() {
    byte[] big = new byte[200_000];
    Metadata h = new Metadata().put("x-compress", "gzip");
    BytesValue resp = channel.call(InteropService.ECHO, BytesValue.of(ByteString.copyFrom(big)),
        opts().withCompression("gzip").withHeaders(h));
    assertArrayEquals(big, resp.getValue().toByteArray());
    assertEquals("gzip", service.lastRequestHeaders.get(InteropService.GRPC_ENCODING), "we compressed the request");
    // grpc-java compressed its response only because we listed gzip in grpc-accept-encoding; had we
    // failed to decode it, the call would have failed.
  }

  @Test
  void fourMebibyteMessagesAndTheLimit() {
    byte[] big = new byte[4 * 1024 * 1024 - 16];
    for (int i = 0; i < big.length; i++) {
      big[i] = (byte) (i * 31);
    }
    BytesValue resp = channel.call(InteropService.ECHO, BytesValue.of(ByteString.copyFrom(big)), opts());
    assertArrayEquals(big, resp.getValue().toByteArray());
    StatusException e = assertThrows(StatusException.class, () -> channel.call(InteropService.ECHO,
        BytesValue.of(ByteString.copyFrom(new byte[4 * 1024 * 1024 + 10])), opts()));
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.status().code());
    Channel small = Channel.newBuilder(targetFor(server)).maxInboundMessageSize(1000).build();
    try {
      StatusException tooBig = assertThrows(StatusException.class, () -> small.call(InteropService.ECHO,
          BytesValue.of(ByteString.copyFrom(new byte[2000])), opts()));
      assertEquals(Status.Code.RESOURCE_EXHAUSTED, tooBig.status().code(), "our client enforces its own limit");
    } finally {
      small.shutdownNow();
    }
    assertEquals("still", text(channel.call(InteropService.ECHO, bytes("still"), opts())));
  }

  @Test
  void unknownMethodIsUnimplemented() {
    StatusException e = assertThrows(StatusException.class,
        () -> channel.call(InteropService.ours("Missing", rpc.api.MethodDescriptor.Kind.UNARY), bytes("x"), opts()));
    assertEquals(Status.Code.UNIMPLEMENTED, e.status().code());
  }
}
