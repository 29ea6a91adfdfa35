package rpc.testkit.http2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import rpc.api.CallOptions;
import rpc.api.Channel;
import rpc.api.MethodDescriptor;
import rpc.api.Server;
import rpc.api.ServiceDefinition;
import rpc.api.Status;
import rpc.api.StatusException;
import rpc.api.wire.MessageCompression;
import rpc.testkit.AbstractTransportTest;
import rpc.testkit.BytesCodec;

/** gzip in both directions, and the negotiation that decides whether a response is compressed. */
abstract class CompressionConformance extends AbstractTransportTest {
  private static final MethodDescriptor<byte[], byte[]> SQUEEZE = MethodDescriptor.of(
      "test.Zip/Squeeze", MethodDescriptor.Kind.UNARY, BytesCodec.INSTANCE, BytesCodec.INSTANCE);

  private Server server;
  private Channel channel;

  CompressionConformance(Http2WireConformanceTest suite) {
    super(suite.transport());
  }

  @BeforeEach
  void start() throws Exception {
    ServiceDefinition zip = ServiceDefinition.newBuilder("test.Zip")
        .unary(SQUEEZE, (req, ctx) -> {
          ctx.setResponseCompression("gzip");
          return req;
        })
        .build();
    server = startServer(zip);
    channel = openChannel(server);
  }

  private static byte[] compressible(int size) {
    byte[] b = new byte[size];
    for (int i = 0; i < size; i++) {
      b[i] = (byte) ('a' + i % 7);
    }
    return b;
  }

  @Test
  void ourClientAndServerCompressBothWays() {
    for (int size : new int[] {0, 10, 100_000, 3_000_000}) {
      byte[] payload = compressible(size);
      assertArrayEquals(payload, channel.call(SQUEEZE, payload, CallOptions.DEFAULT.withCompression("gzip")));
      assertArrayEquals(payload, channel.call(SQUEEZE, payload));
    }
  }

  @Test
  void responseIsCompressedOnlyWhenTheClientAcceptsGzip() throws Exception {
    byte[] payload = compressible(1000);
    try (RawHttp2Client raw = new RawHttp2Client(server.port())) {
      RawHttp2Client.Exchange plain = raw.open("/test.Zip/Squeeze", RawHttp2Client.grpcFields(), false);
      plain.send(RawHttp2Client.framed(false, payload.length, payload), true);
      assertEquals("0", plain.grpcStatus());
      assertNull(plain.response.get().getHttpFields().get("grpc-encoding"));
      assertEquals(0, plain.body.toByteArray()[0], "uncompressed flag");

      RawHttp2Client.Exchange gz = raw.open("/test.Zip/Squeeze",
          RawHttp2Client.grpcFields().add("grpc-accept-encoding", "deflate, gzip"), false);
      gz.send(RawHttp2Client.framed(false, payload.length, payload), true);
      assertEquals("0", gz.grpcStatus());
      assertEquals("gzip", gz.response.get().getHttpFields().get("grpc-encoding"));
      assertEquals(1, gz.body.toByteArray()[0], "compressed flag");
    }
  }

  @Test
  void gzipRequestWithItsEncodingIsDecodedAndTheResponseCompressed() throws Exception {
    byte[] payload = compressible(5000);
    try (RawHttp2Client raw = new RawHttp2Client(server.port())) {
      RawHttp2Client.Exchange gz = raw.open("/test.Zip/Squeeze", RawHttp2Client.grpcFields()
          .add("grpc-encoding", "gzip").add("grpc-accept-encoding", "gzip"), false);
      byte[] compressed = MessageCompression.compress("gzip", ByteBuffer.wrap(payload));
      gz.send(RawHttp2Client.framed(true, compressed.length, compressed), true);
      assertEquals("0", gz.grpcStatus());
      assertEquals("gzip", gz.response.get().getHttpFields().get("grpc-encoding"));
      byte[] body = gz.body.toByteArray();
      assertEquals(1, body[0], "compressed flag");
      ByteBuffer message = ByteBuffer.wrap(body, 5, body.length - 5);
      ByteBuffer back = MessageCompression.decompress("gzip", message, 1 << 20);
      byte[] got = new byte[back.remaining()];
      back.get(got);
      assertArrayEquals(payload, got);
    }
  }

  @Test
  void compressedRequestWithoutEncodingIsInternal() throws Exception {
    try (RawHttp2Client raw = new RawHttp2Client(server.port())) {
      byte[] compressed = MessageCompression.compress("gzip", ByteBuffer.wrap(compressible(10)));
      RawHttp2Client.Exchange ex = raw.open("/test.Zip/Squeeze", RawHttp2Client.grpcFields(), false);
      ex.send(RawHttp2Client.framed(true, compressed.length, compressed), true);
      assertEquals(Integer.toString(Status.Code.INTERNAL.value()), ex.grpcStatus());
    }
  }

  @Test
  void decompressedSizeIsLimitedToo() {
    Channel small = openChannel(server, b -> b.maxInboundMessageSize(10_000));
    // 1 MB of pattern compresses to a few KB: the compressed frame passes the limit, the result must not.
    StatusException e = assertThrows(StatusException.class, () -> small.call(SQUEEZE, compressible(1_000_000)));
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.status().code(), e.toString());
  }

  @Test
  void unsupportedRequestCompressionFailsAtOnce() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> CallOptions.DEFAULT.withCompression("snappy"));
    assertTrue(e.getMessage().contains("snappy") && e.getMessage().contains("gzip"), e.getMessage());
  }
}
