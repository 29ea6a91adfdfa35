package rpc.transport.jetty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.ByteBuffer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import rpc.api.Channel;
import rpc.api.ClientStream;
import rpc.api.MethodDescriptor;
import rpc.api.Server;
import rpc.api.ServiceDefinition;

/**
 * Regression: responses larger than one 16 KiB DATA frame must end with their trailers after all
 * their data. Jetty lets a HEADERS frame overtake DATA that waits for flow-control credit when both
 * are handed over together.
 */
@Timeout(60)
class LargeResponseTest {
  private static final MethodDescriptor<byte[], byte[]> MANY = MethodDescriptor.of(
      "test.Large/Many", MethodDescriptor.Kind.SERVER_STREAMING, Fixtures.BYTES, Fixtures.BYTES);

  private Server server;
  private Channel channel;

  @BeforeEach
  void start() throws Exception {
    ServiceDefinition many = ServiceDefinition.newBuilder("test.Large")
        .serverStreaming(MANY, (req, stream) -> {
          for (int i = 0; i < 20; i++) {
            stream.send(blob(40_000 + i));
          }
          stream.context().responseTrailers().put("x-last", "yes");
        })
        .build();
    server = Server.newBuilder().listen("127.0.0.1:0").addService(Fixtures.echoService()).addService(many)
        .build().start();
    channel = Channel.open("127.0.0.1:" + server.port());
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow();
    server.shutdownNow();
    server.awaitTermination(Duration.ofSeconds(10));
  }

  private static byte[] blob(int size) {
    byte[] b = new byte[size];
    for (int i = 0; i < size; i++) {
      b[i] = (byte) i;
    }
    return b;
  }

  private static byte[] sizeRequest(int size) {
    return ByteBuffer.allocate(4).putInt(size).array();
  }

  @Test
  void trailersFollowAllDataOnTheWire() throws Exception {
    for (int size : new int[] {16 * 1024 + 1, 100_000, 1_000_000}) {
      try (RawHttp2Client raw = new RawHttp2Client(server.port())) {
        RawHttp2Client.Exchange ex = raw.open("/test.Echo/Blob", RawHttp2Client.grpcFields(), false);
        ex.send(RawHttp2Client.framed(false, 4, sizeRequest(size)), true);
        assertEquals("0", ex.grpcStatus(), "size " + size);
        assertEquals(5 + size, ex.bodyAtTrailers, "all DATA arrived before the trailers, size " + size);
      }
    }
  }

  @Test
  void ourClientGetsLargeUnaryResponses() {
    for (int size : new int[] {16 * 1024 - 5, 16 * 1024 + 1, 65_536, 3_000_000}) {
      assertArrayEquals(blob(size), channel.call(Fixtures.BLOB, sizeRequest(size)), "size " + size);
    }
  }

  @Test
  void manyLargeStreamedMessagesThenTrailers() {
    try (ClientStream<byte[], byte[]> s = channel.newStream(MANY)) {
      s.sendAndClose(new byte[0]);
      for (int i = 0; i < 20; i++) {
        assertArrayEquals(blob(40_000 + i), s.receive());
      }
      assertNull(s.receive());
      assertEquals("yes", s.trailers().get("x-last"));
    }
  }
}
