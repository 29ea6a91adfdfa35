package rpc.opentelemetry.internal;

import io.opentelemetry.api.trace.Span;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One call's messages each way: the wire bytes the size instruments record at its end, and (if
 * asked) a span event per message. Thread-safe: the two directions are reported from different
 * threads.
 */
final class MessageTally {
  private final Span span;
  private final boolean events;
  private final AtomicLong sentBytes = new AtomicLong();
  private final AtomicLong receivedBytes = new AtomicLong();
  private final AtomicLong sentCount = new AtomicLong();
  private final AtomicLong receivedCount = new AtomicLong();

  MessageTally(Span span, boolean events) {
    this.span = span;
    this.events = events;
  }

  void sent(long wireSize, long uncompressedSize) {
    sentBytes.addAndGet(Math.max(0, wireSize));
    long id = sentCount.incrementAndGet();
    if (events) {
      Instruments.messageEvent(span, true, id, wireSize, uncompressedSize);
    }
  }

  void received(long wireSize, long uncompressedSize) {
    receivedBytes.addAndGet(Math.max(0, wireSize));
    long id = receivedCount.incrementAndGet();
    if (events) {
      Instruments.messageEvent(span, false, id, wireSize, uncompressedSize);
    }
  }

  long sentBytes() {
    return sentBytes.get();
  }

  long receivedBytes() {
    return receivedBytes.get();
  }
}
