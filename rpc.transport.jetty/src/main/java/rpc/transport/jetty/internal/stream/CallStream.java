package rpc.transport.jetty.internal.stream;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.ReentrantLock;
import org.eclipse.jetty.http2.api.Stream;
import org.eclipse.jetty.http2.frames.DataFrame;
import org.eclipse.jetty.http2.frames.HeadersFrame;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import rpc.api.CallTracer;
import rpc.api.Codec;
import rpc.api.Status;
import rpc.api.spi.SerialExecutor;
import rpc.api.wire.MessageCompression;
import rpc.api.wire.MessageFraming;

/**
 * What client and server calls share: the outbound write chain and the inbound message pump of one
 * HTTP/2 stream.
 *
 * <p>Outbound: messages are framed and encoded straight into {@link Chunk}s; exactly one Jetty
 * write is pending at a time (Jetty allows no more per stream), and each completed write starts the
 * next, so headers, data and trailers leave in order. A message sent on an idle stream is written
 * at once, on the sending thread; a message sent right after another (a stream in full flow) is
 * left for a write started on the transport's executor, so the messages the sender adds meanwhile
 * leave with it in one DATA frame and the sender spends its time encoding, not in system calls.
 * On a server with several calls open, an idle stream's write joins its connection's
 * {@link WriteGather} instead. {@link #outboundReady()} turns false while more than
 * {@link #READY_THRESHOLD} bytes wait, and {@link #notifyReady()} fires when they drain below it.
 *
 * <p>Inbound: see {@link InboundReader}.
 *
 * <p>Thread-safe as the SPI requires: outbound state under {@link #lock}; inbound state confined to
 * {@link #serial}.
 */
public abstract class CallStream implements Stream.Listener {
  /**
   * Outbound bytes queued (in flight included) beyond which {@link #outboundReady()} is false: two
   * {@link Chunk#FLOW_CAPACITY flow chunks}, so one fills while the other is written.
   */
  static final int READY_THRESHOLD = 2 * Chunk.FLOW_CAPACITY;
  /**
   * A send that comes sooner than this after the previous send returned is part of a burst: its
   * write is started on the executor, not by the sender (see the class comment).
   */
  static final long BURST_GAP_NANOS = 20_000;

  protected final ReentrantLock lock = new ReentrantLock();
  protected final SerialExecutor serial = new SerialExecutor();
  final ByteBufferPool pool;
  /** Where writes of bursts start (the transport's Jetty thread pool). */
  private final Executor executor;
  private final Runnable scheduledFlush = this::runScheduledFlush;
  private final Runnable gatheredFlush = this::flushGathered;

  protected volatile Stream stream;

  // ---- outbound, guarded by lock ----
  private final ArrayDeque<Chunk> queue = new ArrayDeque<>(2);
  private Chunk inFlight;
  private int inFlightBytes;
  private boolean writing;
  private boolean writeEnds;
  /** A flush is queued on the executor and has not run yet. */
  private boolean flushScheduled;
  /** The stream waits in its connection's {@link WriteGather}: flushes wait for it. */
  private boolean gathered;
  /** The connection's gather (server), or null: idle streams then write at once. */
  private volatile WriteGather gather;
  /** When the last send returned ({@link System#nanoTime}); written by the sending thread. */
  private long lastSendNanos;
  private volatile long queuedBytes;
  /** Response headers not yet written (server). */
  protected HeadersFrame pendingHeaders;
  /** Trailers not yet written (server). */
  protected HeadersFrame pendingTrailers;
  /** END_STREAM goes on the last DATA frame (client half-close). */
  protected boolean endWithData;
  /** No more messages are accepted (half-closed or closed). */
  protected boolean sendClosed;
  /** The stream's outbound side has ended or failed: nothing more is written. */
  protected boolean outboundFinished;
  protected volatile String outboundEncoding;
  /** Whether messages sent from now on use {@link #outboundEncoding}; set by the sending thread. */
  private volatile boolean messageCompression = true;
  /**
   * The wire flag of the message in delivery: written by {@link #deliverInbound} just before it
   * delivers, read by the listener inside that delivery (the same thread, serialized).
   */
  private boolean inboundCompressed;
  /** Told each message's wire facts; null when the call is not traced. Set before the call starts. */
  private volatile CallTracer tracer;

  /** Reads, decodes and delivers the peer's messages. */
  protected final InboundReader inbound;

  private final Callback writeDone = new Callback() {
    @Override
    public void succeeded() {
      onWriteSucceeded();
    }

    @Override
    public void failed(Throwable x) {
      onWriteFailed(x);
    }

    @Override
    public InvocationType getInvocationType() {
      return InvocationType.NON_BLOCKING;
    }
  };

  /**
   * {@code readAtOnce}: servers read requests at once; clients wait for the response headers.
   * {@code tooLarge} words the status for an inbound message over the limit (see MessageLimit).
   */
  protected CallStream(ByteBufferPool pool, Executor executor, int maxInboundMessageSize,
      java.util.function.LongFunction<Status> tooLarge, boolean readAtOnce) {
    this.pool = pool;
    this.executor = executor;
    this.inbound = new InboundReader(this, maxInboundMessageSize, tooLarge, readAtOnce);
  }

  // =====================================================================================
  // hooks

  /** Decodes one inbound message. */
  protected abstract Object decode(ByteBuffer payload);

  /** Delivers one decoded message to the listener (serialized). */
  protected abstract void deliverMessage(Object message);

  /**
   * The inbound reader's delivery of one decoded message: records its wire flag for
   * {@link #inboundMessageCompressed}, then delivers it (the reader delivers one at a time).
   */
  final void deliverInbound(Object message, boolean compressed) {
    inboundCompressed = compressed;
    deliverMessage(message);
  }

  /**
   * {@code ClientCall}/{@code ServerCall.trace}: reports each message's wire facts to {@code t}.
   *
   * @param t the call's tracer
   */
  public final void trace(CallTracer t) {
    tracer = t;
  }

  /** The call's tracer, or null. */
  final CallTracer tracer() {
    return tracer;
  }

  /**
   * {@code ClientCall}/{@code ServerCall.setMessageCompression}: whether the next messages use
   * the call's encoding.
   *
   * @param enabled whether to compress the next messages
   */
  public final void setMessageCompression(boolean enabled) {
    messageCompression = enabled;
  }

  /**
   * {@code ClientCall}/{@code ServerCall.inboundMessageCompressed}: the wire flag of the message in
   * delivery.
   *
   * @return whether the message being delivered arrived compressed
   */
  public final boolean inboundMessageCompressed() {
    return inboundCompressed;
  }

  /** The peer ended its side cleanly after the last delivered message (serialized). */
  protected abstract void onInboundEnd();

  /** Reading failed with {@code status} (bad framing, decode failure, too large; serialized). */
  protected abstract void onInboundError(Status status);

  /** Tells the listener that {@link #outboundReady()} may have turned true. */
  protected abstract void notifyReady();

  /** The last outbound frame (END_STREAM) was written. Not under the lock. */
  protected abstract void onOutboundComplete();

  /** A write failed: the stream is reset or the connection is gone. Not under the lock. */
  protected abstract void onWriteFailure(Throwable failure);

  // =====================================================================================
  // outbound

  /** Whether a send now stays within the outbound buffer. */
  protected final boolean outboundReady() {
    return queuedBytes < READY_THRESHOLD;
  }

  /**
   * Frames, encodes and queues {@code message}, then writes if no write is pending.
   *
   * @return false if the outbound side is finished and the message was dropped
   * @throws RuntimeException what the codec threw, or IllegalStateException if it broke its contract
   */
  protected final <T> boolean queueMessage(Codec<T> codec, T message) {
    String encoding = outboundEncoding;
    if (encoding != null && messageCompression) {
      return queueCompressed(codec, message, encoding);
    }
    int size = codec.encodedSize(message);
    if (size < 0) {
      throw new IllegalStateException("codec " + codec + " reported a negative size " + size);
    }
    int framed = MessageFraming.HEADER_LENGTH + size;
    if (framed <= Chunk.SHARED_CAPACITY) {
      // Small: encode into the shared tail chunk under the lock (microseconds), so messages sent
      // while a write is pending coalesce into the next DATA frame.
      lock.lock();
      try {
        if (sendClosed || outboundFinished) {
          return false;
        }
        Chunk tail = queue.peekLast();
        boolean fresh = tail == null || !tail.hasRoom(framed);
        if (fresh) {
          tail = Chunk.allocate(pool, writing || !queue.isEmpty() ? Chunk.FLOW_CAPACITY : Chunk.SHARED_CAPACITY);
        }
        try {
          encodeFramed(codec, message, size, tail.fill());
        } catch (RuntimeException e) {
          if (fresh) {
            tail.release();
          }
          throw e;
        }
        if (fresh) {
          queue.add(tail);
        }
        queuedBytes += framed;
      } finally {
        lock.unlock();
      }
      traceOutbound(size, size, false);
    } else {
      Chunk own = Chunk.allocate(pool, framed);
      try {
        encodeFramed(codec, message, size, own.fill());
      } catch (RuntimeException e) {
        own.release();
        throw e;
      }
      own.seal();
      if (!append(own, framed)) {
        return false;
      }
      traceOutbound(size, size, false);
    }
    flushAfterSend();
    return true;
  }

  private void traceOutbound(int wireSize, int uncompressedSize, boolean compressed) {
    CallTracer t = tracer;
    if (t != null) {
      t.outboundMessage(wireSize, uncompressedSize, compressed);
    }
  }

  private <T> boolean queueCompressed(Codec<T> codec, T message, String encoding) {
    int size = codec.encodedSize(message);
    ByteBuffer plain = ByteBuffer.allocate(size);
    codec.encode(message, plain);
    if (plain.position() != size) {
      throw new IllegalStateException("codec " + codec + " wrote " + plain.position() + " bytes, promised " + size);
    }
    byte[] compressed = MessageCompression.compress(encoding, plain.flip());
    int framed = MessageFraming.HEADER_LENGTH + compressed.length;
    Chunk own = Chunk.allocate(pool, framed);
    ByteBuffer b = own.fill();
    MessageFraming.writeHeader(b, true, compressed.length);
    b.put(compressed);
    own.seal();
    if (!append(own, framed)) {
      return false;
    }
    traceOutbound(compressed.length, size, true);
    flushAfterSend();
    return true;
  }

  private boolean append(Chunk chunk, int bytes) {
    lock.lock();
    try {
      if (!sendClosed && !outboundFinished) {
        queue.add(chunk);
        queuedBytes += bytes;
        return true;
      }
    } finally {
      lock.unlock();
    }
    chunk.release();
    return false;
  }

  private static <T> void encodeFramed(Codec<T> codec, T message, int size, ByteBuffer target) {
    int start = target.position();
    try {
      MessageFraming.writeHeader(target, false, size);
      codec.encode(message, target);
    } catch (RuntimeException e) {
      target.position(start);
      throw e;
    }
    int written = target.position() - start - MessageFraming.HEADER_LENGTH;
    if (written != size) {
      target.position(start);
      throw new IllegalStateException("codec " + codec + " wrote " + written + " bytes, promised " + size);
    }
  }

  /**
   * After a message was queued: writes at once if the stream was idle, else (a burst) leaves the
   * write to the executor unless one is pending or queued already; the messages sent before it runs
   * go out with it.
   */
  private void flushAfterSend() {
    long last = lastSendNanos;
    long now = System.nanoTime();
    if (last == 0 || now - last > BURST_GAP_NANOS) {
      WriteGather g = gather;
      if (g != null && g.worthGathering()) {
        joinGather(g);
      } else {
        flush();
      }
      lastSendNanos = System.nanoTime();
      return;
    }
    lastSendNanos = now;
    lock.lock();
    try {
      if (writing || flushScheduled || outboundFinished || stream == null) {
        return; // the pending write's completion (or the stream's opening) writes what was queued
      }
      flushScheduled = true;
    } finally {
      lock.unlock();
    }
    try {
      executor.execute(scheduledFlush);
    } catch (RejectedExecutionException e) {
      runScheduledFlush(); // the transport is stopping: write here, as for an idle stream
    }
  }

  /**
   * Sets the connection's {@link WriteGather}, before the call sends anything; a completed write
   * of this stream then also starts the writes gathered meanwhile.
   *
   * @param g the gather of the stream's connection
   */
  public final void gatherWith(WriteGather g) {
    gather = g;
  }

  private void joinGather(WriteGather g) {
    lock.lock();
    try {
      if (writing || gathered || flushScheduled || outboundFinished || stream == null) {
        return; // a pending write (or the opening) takes what was queued
      }
      gathered = true;
    } finally {
      lock.unlock();
    }
    g.add(gatheredFlush);
  }

  /** The gather's turn for this stream: starts its write. */
  private void flushGathered() {
    lock.lock();
    try {
      gathered = false;
    } finally {
      lock.unlock();
    }
    flush();
  }

  private void runScheduledFlush() {
    lock.lock();
    try {
      flushScheduled = false;
    } finally {
      lock.unlock();
    }
    flush();
  }

  /** Starts the next write if none is pending and there is something to write. */
  protected final void flush() {
    Stream s;
    HeadersFrame headers;
    HeadersFrame trailers = null;
    Chunk chunk;
    boolean endData;
    lock.lock();
    try {
      s = stream;
      if (writing || gathered || s == null || outboundFinished) {
        return;
      }
      headers = pendingHeaders;
      chunk = queue.poll();
      if (chunk == null) {
        // Trailers never share a write with DATA: Jetty lets a HEADERS frame overtake DATA that
        // waits for flow-control credit. After HEADERS alone (no DATA between) they may.
        trailers = pendingTrailers;
        if (headers == null && trailers == null && !endWithData) {
          return;
        }
        pendingTrailers = null;
        inFlightBytes = 0;
        endData = trailers == null && endWithData;
      } else {
        inFlightBytes = chunk.size();
        chunk.seal();
        endData = endWithData && queue.isEmpty();
      }
      pendingHeaders = null;
      inFlight = chunk;
      writing = true;
      writeEnds = trailers != null || endData;
    } finally {
      lock.unlock();
    }
    int id = s.getId();
    DataFrame data = chunk != null ? new DataFrame(id, chunk.seal(), endData)
        : (endData ? new DataFrame(id, BufferUtil.EMPTY_BUFFER, true) : null);
    if (headers != null && (data != null || trailers != null)) {
      JettyGaps.send(s, headers, data, trailers, writeDone);
    } else if (headers != null) {
      s.headers(headers, writeDone);
    } else if (data != null) {
      s.data(data, writeDone);
    } else {
      s.headers(trailers, writeDone);
    }
  }

  /**
   * For the client's opening write: marks a write as pending and hands over the bytes of the first
   * chunk (or null) that go out with the request headers; {@link #openingWriteEnds()} tells whether
   * that write ends the stream.
   */
  protected final ByteBuffer takeOpeningData() {
    lock.lock();
    try {
      Chunk chunk = queue.poll();
      if (chunk != null) {
        inFlightBytes = chunk.size();
        chunk.seal();
        writeEnds = endWithData && queue.isEmpty();
      } else {
        inFlightBytes = 0;
        writeEnds = endWithData;
      }
      inFlight = chunk;
      writing = true;
      return chunk == null ? null : chunk.seal();
    } finally {
      lock.unlock();
    }
  }

  /** Whether the write begun by {@link #takeOpeningData()} ends the stream (END_STREAM). */
  protected final boolean openingWriteEnds() {
    lock.lock();
    try {
      return writeEnds;
    } finally {
      lock.unlock();
    }
  }

  /** Completes the pending write (Jetty's callback, or the client's stream promise). */
  protected final void onWriteSucceeded() {
    Chunk done;
    boolean ready;
    boolean ended;
    lock.lock();
    try {
      done = inFlight;
      inFlight = null;
      writing = false;
      long before = queuedBytes;
      long after = before - inFlightBytes;
      queuedBytes = after;
      inFlightBytes = 0;
      ready = before >= READY_THRESHOLD && after < READY_THRESHOLD && !outboundFinished;
      ended = writeEnds;
      if (ended) {
        outboundFinished = true;
      }
    } finally {
      lock.unlock();
    }
    if (done != null) {
      done.release();
    }
    if (ready) {
      notifyReady();
    }
    if (ended) {
      onOutboundComplete();
    } else {
      flush();
    }
    WriteGather g = gather;
    if (g != null) {
      // Jetty is completing a write: what other calls queue now leaves with its next one.
      g.drain();
    }
  }

  protected final void onWriteFailed(Throwable failure) {
    Chunk flying;
    lock.lock();
    try {
      flying = inFlight;
      inFlight = null;
      inFlightBytes = 0;
      writing = false;
    } finally {
      lock.unlock();
    }
    if (flying != null) {
      flying.release();
    }
    abandonOutbound();
    onWriteFailure(failure);
  }

  /**
   * Drops everything not yet handed to Jetty; later sends are refused. A chunk Jetty is writing is
   * freed by its write callback, which Jetty always completes.
   */
  protected final void abandonOutbound() {
    ArrayDeque<Chunk> dropped;
    lock.lock();
    try {
      outboundFinished = true;
      sendClosed = true;
      if (queue.isEmpty()) {
        dropped = null;
      } else {
        dropped = new ArrayDeque<>(queue);
        queue.clear();
      }
      queuedBytes = inFlightBytes;
      pendingHeaders = null;
      pendingTrailers = null;
    } finally {
      lock.unlock();
    }
    if (dropped != null) {
      dropped.forEach(Chunk::release);
    }
  }

  /** Puts the chunk of a failed opening write back at the head of the queue (the call is retried). */
  protected final void restoreOpeningChunk() {
    lock.lock();
    try {
      if (inFlight != null) {
        queue.addFirst(inFlight);
      }
      inFlight = null;
      inFlightBytes = 0;
      writing = false;
      writeEnds = false;
    } finally {
      lock.unlock();
    }
  }

  // =====================================================================================
  // inbound

  @Override
  public void onDataAvailable(Stream s) {
    inbound.schedule();
  }
}
