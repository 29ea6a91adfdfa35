package rpc.opentelemetry.internal;

import io.opentelemetry.api.trace.Span;
import java.util.concurrent.atomic.AtomicLong;
import rpc.api.CallTracer;

/**
 * The tracer of one call (or attempt), as far as its messages go: the wire bytes each way that the
 * size instruments record at its end, and (if asked) a span event per message. The client's attempt
 * and the server's call add what they do with the rest. Thread-safe: the two directions are
 * reported from different threads.
 */
abstract class MessageTally implements CallTracer {
  /** The call's span. */
  final Span span;
  private final boolean events;
  private final AtomicLong sentBytes = new AtomicLong();
  private final AtomicLong receivedBytes = new AtomicLong();
  private final AtomicLong sentCount = new AtomicLong();
  private final AtomicLong receivedCount = new AtomicLong();

  MessageTally(Span span, boolean events) {
    this.span = span;
    this.events = events;
  }

  @Override
  public final void outboundMessage(long wireSize, long uncompressedSize, boolean compressed) {
    sentBytes.addAndGet(Math.max(0, wireSize));
    long id = sentCount.incrementAndGet();
    if (events) {
      Instruments.messageEvent(span, true, id, wireSize, uncompressedSize);
    }
  }

  @Override
  public final void inboundMessage(long wireSize, long uncompressedSize, boolean compressed) {
    receivedBytes.addAndGet(Math.max(0, wireSize));
    long id = receivedCount.incrementAndGet();
    if (events) {
      Instruments.messageEvent(span, false, id, wireSize, uncompressedSize);
    }
  }

  final long sentBytes() {
    return sentBytes.get();
  }

  final long receivedBytes() {
    return receivedBytes.get();
  }
}
