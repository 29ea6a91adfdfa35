package rpc.transport.jetty.internal.stream;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.locks.ReentrantLock;
import org.eclipse.jetty.http2.api.Stream;
import rpc.api.CallTracer;
import rpc.api.Status;
import rpc.api.StatusException;
import rpc.api.wire.MessageCompression;
import rpc.api.wire.MessageDeframer;

/**
 * The inbound half of a call: reads DATA from Jetty, splits it into messages, decompresses and
 * decodes them, and delivers them to the call's listener.
 *
 * <p>DATA is read from Jetty only while the application has demand, plus one frame of look-ahead
 * (so the end of the stream is seen without demand). Jetty returns flow-control credit when a frame
 * is read, so unread frames hold the peer back: a slow reader bounds what is buffered for it to
 * about one stream window. Messages are decoded and delivered on the thread that made them
 * deliverable: a Jetty thread when data arrives, the application's thread when it asks for more.
 *
 * <p>Not thread-safe by itself: everything runs inside the call's {@link SerialExecutor}, except
 * {@link #stashBeforeEnd}, which runs on Jetty's thread and shares only the stash, under its lock.
 */
public final class InboundReader {
  /** Inbound messages refused (too large, malformed, undecodable): DEBUG, per call. */
  private static final System.Logger LOG = System.getLogger("rpc.transport.jetty.stream");
  private final CallStream call;
  private final MessageDeframer deframer;
  private final int maxInboundMessageSize;
  private final java.util.function.LongFunction<Status> tooLarge;
  private final ReentrantLock readLock = new ReentrantLock();
  private final ArrayDeque<Stream.Data> stash = new ArrayDeque<>(0);
  private boolean endReceived; // under readLock
  private Stream.Data current;
  private ByteBuffer currentBuffer;
  private boolean inboundEof;
  private boolean inboundDone;
  private int requested;
  /** The peer's {@code grpc-encoding}, or null for identity. */
  private volatile String encoding;
  private final Runnable pumpTask = this::pump;
  /** Whether DATA may be read yet (clients wait for the response headers). */
  private volatile boolean open;
  private final boolean[] eofFlag = new boolean[1];

  InboundReader(CallStream call, int maxInboundMessageSize, java.util.function.LongFunction<Status> tooLarge,
      boolean open) {
    this.call = call;
    this.open = open;
    this.maxInboundMessageSize = maxInboundMessageSize;
    this.tooLarge = tooLarge;
    this.deframer = new MessageDeframer(maxInboundMessageSize, tooLarge);
  }

  /**
   * Sets the peer's {@code grpc-encoding} (null for identity), before its first message is read.
   *
   * @param encoding the encoding of compressed messages, or null
   */
  public void setEncoding(String encoding) {
    this.encoding = encoding;
  }

  /** Adds demand for {@code n} messages and delivers what is available. */
  public void demand(int n) {
    call.serial.execute(() -> {
      long r = (long) requested + n;
      requested = (int) Math.min(Integer.MAX_VALUE, r);
      pump();
    });
  }

  /**
   * Allows reading DATA. A client opens its reader once the response headers have been handled:
   * Jetty queues the end of a trailers-only response before it reports the headers, and reading
   * that end first would end the call without its status.
   */
  public void open() {
    open = true;
    schedule();
  }

  /** Runs the pump (Jetty has data, the stream opened, or the end came in early). */
  public void schedule() {
    call.serial.execute(pumpTask);
  }

  /**
   * Called from Jetty's onHeaders for an end-of-stream HEADERS frame (trailers), before Jetty could
   * see a following RST_STREAM: moves every DATA frame Jetty still holds into our own queue, because
   * a reset makes Jetty drop what it holds and the messages before the trailers must still be
   * delivered. Returns false, doing nothing, if an end-of-stream HEADERS came before: a second one
   * is a protocol error the caller answers.
   */
  public boolean stashBeforeEnd(Stream s) {
    readLock.lock();
    try {
      if (endReceived) {
        return false; // a second end-of-stream HEADERS
      }
      Stream.Data d;
      while ((d = s.readData()) != null) {
        if (d.frame().remaining() == 0 && d.frame().isEndStream()) {
          d.release();
          break;
        }
        stash.add(d);
        if (d.frame().isEndStream()) {
          break;
        }
      }
      endReceived = true;
      return true;
    } finally {
      readLock.unlock();
    }
  }

  /** The next DATA from the stash or from Jetty; null with {@code eof[0]} set at the end. */
  private Stream.Data nextData(Stream s, boolean[] eof) {
    readLock.lock();
    try {
      Stream.Data d = stash.poll();
      if (d != null) {
        return d;
      }
      if (endReceived) {
        eof[0] = true;
        return null;
      }
      return s.readData();
    } finally {
      readLock.unlock();
    }
  }

  private void pump() {
    Stream s = call.stream;
    if (inboundDone) {
      discardInbound(s);
      return;
    }
    if (s == null || !open) {
      return; // the client's response has not started: the pump runs again when it does
    }
    boolean[] eof = eofFlag;
    eof[0] = false;
    while (true) {
      if (currentBuffer == null || !currentBuffer.hasRemaining()) {
        releaseCurrent();
        if (inboundEof) {
          endOfInbound();
          return;
        }
        if (requested == 0 && !deframer.isAtMessageBoundary()) {
          return; // a message is half read: read on when there is demand
        }
        Stream.Data d = nextData(s, eof);
        if (d == null) {
          if (eof[0]) {
            inboundEof = true;
            continue;
          }
          s.demand();
          return;
        }
        current = d;
        currentBuffer = d.frame().getByteBuffer();
        if (d.frame().isEndStream()) {
          inboundEof = true;
        }
        continue;
      }
      if (requested == 0) {
        return; // holding one frame of look-ahead; its credit returns when read on
      }
      MessageDeframer.Frame frame;
      Object message;
      try {
        frame = deframer.next(currentBuffer);
        if (frame == null) {
          continue;
        }
        message = decodeFrame(frame);
      } catch (StatusException e) {
        failInbound(e.status());
        return;
      } catch (RuntimeException e) {
        failInbound(Status.INTERNAL.withDescription("could not decode message: " + e).withCause(e));
        return;
      }
      requested--;
      call.deliverInbound(message, frame.compressed());
      if (inboundDone) {
        discardInbound(s);
        return;
      }
    }
  }

  private Object decodeFrame(MessageDeframer.Frame frame) {
    ByteBuffer payload = frame.payload();
    int wireSize = payload.remaining();
    if (frame.compressed()) {
      String encoding = this.encoding;
      if (encoding == null) {
        throw Status.INTERNAL.withDescription("compressed message received without grpc-encoding").asException();
      }
      try {
        payload = MessageCompression.decompress(encoding, payload, maxInboundMessageSize);
      } catch (StatusException e) {
        if (e.status().code() == Status.Code.RESOURCE_EXHAUSTED) {
          throw tooLarge.apply(-1).asException(); // says whose limit, as for an uncompressed message
        }
        throw e;
      }
    }
    int size = payload.remaining();
    Object message = call.decode(payload);
    CallTracer t = call.tracer();
    if (t != null) {
      t.inboundMessage(wireSize, size, frame.compressed());
    }
    return message;
  }

  private void endOfInbound() {
    if (!deframer.isAtMessageBoundary()) {
      failInbound(Status.INTERNAL.withDescription("stream ended in the middle of a message"));
      return;
    }
    inboundDone = true;
    call.onInboundEnd();
  }

  private void failInbound(Status status) {
    LOG.log(System.Logger.Level.DEBUG, () -> "refusing what the peer sent on stream " + call.stream.getId() + ": " + status);
    inboundDone = true;
    discardInbound(call.stream);
    call.onInboundError(status);
  }

  private void releaseCurrent() {
    if (current != null) {
      current.release();
      current = null;
      currentBuffer = null;
    }
  }

  /**
   * Ends delivery: nothing more reaches the listener, buffered frames are released, and what still
   * arrives is read and dropped. Runs serialized (inside the call's {@link SerialExecutor}).
   */
  public void stop() {
    inboundDone = true;
    discardInbound(call.stream);
  }

  /** Releases every buffered frame and keeps reading and dropping what arrives. Serialized. */
  private void discardInbound(Stream s) {
    releaseCurrent();
    deframer.reset();
    boolean more = false;
    readLock.lock();
    try {
      Stream.Data d;
      while ((d = stash.poll()) != null) {
        d.release();
      }
      if (s != null && !endReceived && !inboundEof) {
        while ((d = s.readData()) != null) {
          d.release();
          if (d.frame().isEndStream()) {
            endReceived = true;
            break;
          }
        }
        more = !endReceived;
      }
    } finally {
      readLock.unlock();
    }
    if (more && !s.isReset()) {
      s.demand(); // keep returning credit so a finished call never stalls its connection
    }
  }
}
