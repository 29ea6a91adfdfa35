package rpc.api.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import rpc.api.Status;
import rpc.api.StatusException;

class MessageDeframerTest {

  private static byte[] framed(List<byte[]> messages, boolean compressed) {
    int total = messages.stream().mapToInt(m -> m.length + MessageFraming.HEADER_LENGTH).sum();
    ByteBuffer out = ByteBuffer.allocate(total);
    for (byte[] m : messages) {
      MessageFraming.writeHeader(out, compressed, m.length);
      out.put(m);
    }
    return out.array();
  }

  private static List<byte[]> deframeInChunks(byte[] wire, int[] cuts, MessageDeframer d) {
    List<byte[]> out = new ArrayList<>();
    int start = 0;
    for (int i = 0; i <= cuts.length; i++) {
      int end = i < cuts.length ? cuts[i] : wire.length;
      ByteBuffer chunk = ByteBuffer.wrap(wire, start, end - start).slice();
      MessageDeframer.Frame f;
      while ((f = d.next(chunk)) != null) {
        byte[] b = new byte[f.payload().remaining()];
        f.payload().get(b);
        out.add(b);
      }
      assertFalse(chunk.hasRemaining(), "chunk used up");
      start = end;
    }
    return out;
  }

  @Test
  void manyMessagesInOneChunkAreSlicesOfIt() {
    byte[] wire = framed(List.of(new byte[] {1, 2, 3}, new byte[0], new byte[] {9}), false);
    MessageDeframer d = new MessageDeframer(100);
    ByteBuffer chunk = ByteBuffer.wrap(wire);
    MessageDeframer.Frame a = d.next(chunk);
    assertFalse(a.compressed());
    assertEquals(3, a.payload().remaining());
    assertTrue(a.payload().hasArray() && a.payload().array() == wire, "no copy for a whole message");
    assertEquals(0, d.next(chunk).payload().remaining());
    assertEquals(9, d.next(chunk).payload().get());
    assertNull(d.next(chunk));
    assertTrue(d.isAtMessageBoundary());
  }

  @Test
  void oneByteChunksAndRandomCutsGiveTheSameMessages() {
    Random random = new Random(42);
    List<byte[]> messages = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      byte[] m = new byte[random.nextInt(3000)];
      random.nextBytes(m);
      messages.add(m);
    }
    byte[] wire = framed(messages, false);
    int[] everyByte = new int[wire.length - 1];
    for (int i = 0; i < everyByte.length; i++) {
      everyByte[i] = i + 1;
    }
    List<byte[]> got = deframeInChunks(wire, everyByte, new MessageDeframer(4096));
    assertEquals(messages.size(), got.size());
    for (int i = 0; i < messages.size(); i++) {
      assertArrayEquals(messages.get(i), got.get(i));
    }
    for (int round = 0; round < 20; round++) {
      int[] cuts = random.ints(random.nextInt(40), 1, wire.length).sorted().distinct().toArray();
      List<byte[]> again = deframeInChunks(wire, cuts, new MessageDeframer(4096));
      assertEquals(messages.size(), again.size());
      for (int i = 0; i < messages.size(); i++) {
        assertArrayEquals(messages.get(i), again.get(i));
      }
    }
  }

  @Test
  void compressedFlagIsReported() {
    byte[] wire = framed(List.of(new byte[] {7}), true);
    MessageDeframer.Frame f = new MessageDeframer(10).next(ByteBuffer.wrap(wire));
    assertTrue(f.compressed());
  }

  @Test
  void prefixSplitMidwayWaitsForTheRest() {
    byte[] wire = framed(List.of(new byte[] {1, 2}), false);
    MessageDeframer d = new MessageDeframer(10);
    assertNull(d.next(ByteBuffer.wrap(wire, 0, 3)));
    assertFalse(d.isAtMessageBoundary(), "half a prefix is not a boundary");
    MessageDeframer.Frame f = d.next(ByteBuffer.wrap(wire, 3, wire.length - 3));
    assertEquals(2, f.payload().remaining());
    assertTrue(d.isAtMessageBoundary());
  }

  @Test
  void tooLargeIsResourceExhausted() {
    ByteBuffer b = ByteBuffer.allocate(5);
    MessageFraming.writeHeader(b, false, 11);
    StatusException e = assertThrows(StatusException.class, () -> new MessageDeframer(10).next(b.flip()));
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.status().code());
    assertTrue(e.status().description().contains("10"));
  }

  @Test
  void lengthAboveTwoGigabytesIsResourceExhausted() {
    ByteBuffer b = ByteBuffer.wrap(new byte[] {0, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
    StatusException e = assertThrows(StatusException.class, () -> new MessageDeframer(Integer.MAX_VALUE).next(b));
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.status().code());
  }

  @Test
  void reservedFlagBitsAreInternal() {
    ByteBuffer b = ByteBuffer.wrap(new byte[] {2, 0, 0, 0, 0});
    StatusException e = assertThrows(StatusException.class, () -> new MessageDeframer(10).next(b));
    assertEquals(Status.Code.INTERNAL, e.status().code());
  }

  @Test
  void truncatedMessageIsNotAtBoundary() {
    byte[] wire = framed(List.of(new byte[] {1, 2, 3, 4}), false);
    MessageDeframer d = new MessageDeframer(10);
    assertNull(d.next(ByteBuffer.wrap(wire, 0, wire.length - 1)));
    assertFalse(d.isAtMessageBoundary());
    d.reset();
    assertTrue(d.isAtMessageBoundary());
  }

  @Test
  void writeHeaderRejectsNegativeLength() {
    assertThrows(IllegalArgumentException.class, () -> MessageFraming.writeHeader(ByteBuffer.allocate(5), false, -1));
  }
}
