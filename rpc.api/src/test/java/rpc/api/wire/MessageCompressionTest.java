package rpc.api.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;
import rpc.api.Status;
import rpc.api.StatusException;

class MessageCompressionTest {

  @Test
  void gzipRoundTripsHeapAndDirectBuffers() {
    byte[] data = new byte[100_000];
    new Random(1).nextBytes(data);
    for (int i = 0; i < data.length; i += 3) {
      data[i] = 'a';
    }
    byte[] gz = MessageCompression.compress("gzip", ByteBuffer.wrap(data));
    assertEquals(0x1f, gz[0] & 0xFF);
    ByteBuffer back = MessageCompression.decompress("gzip", ByteBuffer.wrap(gz), data.length);
    byte[] got = new byte[back.remaining()];
    back.get(got);
    assertArrayEquals(data, got);

    ByteBuffer direct = ByteBuffer.allocateDirect(data.length).put(data).flip();
    byte[] gz2 = MessageCompression.compress("GZIP", direct);
    assertFalse(direct.hasRemaining());
    ByteBuffer back2 = MessageCompression.decompress("gzip", ByteBuffer.wrap(gz2), data.length);
    assertEquals(data.length, back2.remaining());
  }

  @Test
  void emptyMessage() {
    byte[] gz = MessageCompression.compress("gzip", ByteBuffer.allocate(0));
    assertEquals(0, MessageCompression.decompress("gzip", ByteBuffer.wrap(gz), 0).remaining());
  }

  @Test
  void decompressedSizeIsLimited() {
    byte[] zeros = new byte[10_000];
    byte[] gz = MessageCompression.compress("gzip", ByteBuffer.wrap(zeros));
    StatusException e = assertThrows(StatusException.class,
        () -> MessageCompression.decompress("gzip", ByteBuffer.wrap(gz), 9_999));
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.status().code());
    assertEquals(10_000, MessageCompression.decompress("gzip", ByteBuffer.wrap(gz), 10_000).remaining());
  }

  @Test
  void corruptDataIsInternal() {
    StatusException e = assertThrows(StatusException.class,
        () -> MessageCompression.decompress("gzip", ByteBuffer.wrap(new byte[] {1, 2, 3, 4}), 100));
    assertEquals(Status.Code.INTERNAL, e.status().code());
    byte[] gz = MessageCompression.compress("gzip", ByteBuffer.wrap(new byte[500]));
    StatusException truncated = assertThrows(StatusException.class,
        () -> MessageCompression.decompress("gzip", ByteBuffer.wrap(gz, 0, gz.length - 4), 1000));
    assertEquals(Status.Code.INTERNAL, truncated.status().code());
  }

  @Test
  void unknownEncodingIsUnimplemented() {
    StatusException e = assertThrows(StatusException.class,
        () -> MessageCompression.decompress("snappy", ByteBuffer.allocate(1), 100));
    assertEquals(Status.Code.UNIMPLEMENTED, e.status().code());
    assertThrows(IllegalArgumentException.class, () -> MessageCompression.compress("br", ByteBuffer.allocate(1)));
  }

  @Test
  void negotiation() {
    assertTrue(MessageCompression.isSupported("gzip"));
    assertTrue(MessageCompression.isSupported("identity"));
    assertFalse(MessageCompression.isSupported("deflate"));
    assertTrue(MessageCompression.accepts("deflate, gzip", "gzip"));
    assertTrue(MessageCompression.accepts(null, "identity"));
    assertFalse(MessageCompression.accepts(null, "gzip"));
    assertFalse(MessageCompression.accepts("deflate", "gzip"));
  }
}
