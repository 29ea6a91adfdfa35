package rpc.testkit.http2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import rpc.api.Channel;
import rpc.api.ClientStream;
import rpc.api.MethodDescriptor;
import rpc.api.Server;
import rpc.api.ServiceDefinition;
import rpc.testkit.AbstractTransportTest;
import rpc.testkit.BytesCodec;

/**
 * Regression: responses larger than one 16 KiB DATA frame must end with their trailers after all
 * their data. Jetty lets a HEADERS frame overtake DATA that waits for flow-control credit when both
 * are handed over together.
 */
abstract class LargeResponseConformance extends AbstractTransportTest {
  private static final MethodDescriptor<byte[], byte[]> MANY = MethodDescriptor.of(
      "test.Large/Many", MethodDescriptor.Kind.SERVER_STREAMING, BytesCodec.INSTANCE, BytesCodec.INSTANCE);

  private Server server;
  private Channel channel;

  LargeResponseConformance(Http2WireConformanceTest suite) {
    super(suite.transport());
  }

  @BeforeEach
  void start() throws Exception {
    ServiceDefinition many = ServiceDefinition.newBuilder("test.Large")
        .serverStreaming(MANY, (req, stream) -> {
          for (int i = 0; i < 20; i++) {
            stream.send(EchoService.blob(40_000 + i));
          }
          stream.context().responseTrailers().put("x-last", "yes");
        })
        .build();
    server = startServer(EchoService.definition(), many);
    channel = openChannel(server);
  }

  @Test
  void trailersFollowAllDataOnTheWire() throws Exception {
    for (int size : new int[] {16 * 1024 + 1, 100_000, 1_000_000}) {
      try (RawHttp2Client raw = new RawHttp2Client(server.port())) {
        RawHttp2Client.Exchange ex = raw.open("/test.Echo/Blob", RawHttp2Client.grpcFields(), false);
        ex.send(RawHttp2Client.framed(false, 4, EchoService.sizeRequest(size)), true);
        assertEquals("0", ex.grpcStatus(), "size " + size);
        assertEquals(5 + size, ex.bodyAtTrailers, "all DATA arrived before the trailers, size " + size);
      }
    }
  }

  @Test
  void ourClientGetsLargeUnaryResponses() {
    for (int size : new int[] {16 * 1024 - 5, 16 * 1024 + 1, 65_536, 3_000_000}) {
      assertArrayEquals(EchoService.blob(size), channel.call(EchoService.BLOB, EchoService.sizeRequest(size)),
          "size " + size);
    }
  }

  @Test
  void manyLargeStreamedMessagesThenTrailers() {
    try (ClientStream<byte[], byte[]> s = channel.newStream(MANY)) {
      s.sendAndClose(new byte[0]);
      for (int i = 0; i < 20; i++) {
        assertArrayEquals(EchoService.blob(40_000 + i), s.receive());
      }
      assertNull(s.receive());
      assertEquals("yes", s.trailers().get("x-last"));
    }
  }
}
