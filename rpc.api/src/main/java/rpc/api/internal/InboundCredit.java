package rpc.api.internal;

import rpc.api.Codec;

/**
 * How many inbound messages a blocking stream asks its transport for ahead of {@code receive()}.
 *
 * <p>Not thread-safe: the owning stream calls it under its own lock.
 *
 * <p>The read-ahead is sized in bytes, not messages: it aims at {@link #BUDGET} bytes using a
 * running average of the message size (sampled from the codec), so a stream of small messages
 * returns credit in large batches (few transport round trips and wake-ups) while a stream of
 * large messages keeps only a couple in memory.
 */
final class InboundCredit {
  static final int INITIAL = 8;
  static final int MIN = 2;
  static final int MAX = 64;
  static final long BUDGET = 1 << 20;
  private static final int SAMPLE_EVERY = 16;

  @SuppressWarnings("rawtypes")
  private final Codec codec;
  private long averageSize = -1;
  private int outstanding; // requested from the transport, not yet delivered
  private int deliveries;

  InboundCredit(Codec<?> codec) {
    this.codec = codec;
  }

  /** The first request. */
  int initial() {
    outstanding = INITIAL;
    return INITIAL;
  }

  /** A message arrived from the transport. */
  @SuppressWarnings("unchecked")
  void delivered(Object message) {
    if (outstanding > 0) {
      outstanding--;
    }
    if (deliveries++ < INITIAL || deliveries % SAMPLE_EVERY == 0) {
      long size = Math.max(1, codec.encodedSize(message));
      averageSize = averageSize < 0 ? size : (averageSize * 3 + size) / 4;
    }
  }

  /**
   * After {@code receive()} took a message, with {@code buffered} messages still waiting: how many
   * more to request now (0 for none). Credit goes out once half the target is used up.
   */
  int afterReceive(int buffered) {
    int target = target();
    int ahead = buffered + outstanding;
    if (ahead > target / 2) {
      return 0;
    }
    int n = target - ahead;
    outstanding += n;
    return n;
  }

  private int target() {
    if (averageSize < 0) {
      return INITIAL;
    }
    return (int) Math.max(MIN, Math.min(MAX, BUDGET / averageSize));
  }
}
