package rpc.api.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import rpc.api.Codec;

class InboundCreditTest {
  /** Messages are their own size. */
  static final Codec<Integer> SIZED = new Codec<>() {
    @Override
    public int encodedSize(Integer m) {
      return m;
    }

    @Override
    public void encode(Integer m, ByteBuffer target) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Integer decode(ByteBuffer source) {
      throw new UnsupportedOperationException();
    }
  };

  /** Receives {@code count} messages of {@code size} as fast as credit allows; returns the most buffered ahead. */
  private static int maxAhead(int size, int count) {
    InboundCredit credit = new InboundCredit(SIZED);
    int outstanding = credit.initial();
    int buffered = 0;
    int most = 0;
    for (int i = 0; i < count; i++) {
      while (outstanding > 0) { // the transport delivers everything requested
        credit.delivered(size);
        outstanding--;
        buffered++;
      }
      most = Math.max(most, buffered);
      buffered--; // receive()
      outstanding += credit.afterReceive(buffered);
    }
    return most;
  }

  @Test
  void smallMessagesGetLargeBatches() {
    int ahead = maxAhead(64, 1000);
    assertEquals(InboundCredit.MAX, ahead);
  }

  @Test
  void largeMessagesStayWithinTheByteBudget() {
    int ahead = maxAhead(4 << 20, 100);
    assertTrue(ahead <= InboundCredit.INITIAL, "initial burst only, then " + InboundCredit.MIN);
    InboundCredit credit = new InboundCredit(SIZED);
    credit.initial();
    for (int i = 0; i < InboundCredit.INITIAL; i++) {
      credit.delivered(1 << 20);
    }
    // 1 MiB messages: the budget holds one, so the floor of MIN (2) messages applies
    assertEquals(0, credit.afterReceive(2), "two buffered is the target already");
    assertEquals(1, credit.afterReceive(1));
  }
}
