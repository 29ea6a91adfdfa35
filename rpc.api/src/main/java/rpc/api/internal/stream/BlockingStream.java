package rpc.api.internal.stream;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import rpc.api.Codec;
import rpc.api.Metadata;
import rpc.api.Status;
import rpc.api.StatusException;
import rpc.api.Stream;
import rpc.api.internal.HandlerCall;

/**
 * The blocking engine both ends of a call share: {@code send} waits for the transport's credit,
 * {@code receive} waits for the next message, and the call ends in one place, {@link #end}, which
 * wakes every thread waiting on the stream. The client and the server stream extend it with what
 * differs: the transport call underneath ({@link #transportRequest}, {@link #transportReady},
 * {@link #transportSend}) and how the application abandons a call ({@link #abandon}).
 * Thread-safe: one sender and one receiver may act at once (a second of either gets
 * {@link IllegalStateException}); the transport's callbacks ({@link #messageArrived} and the other
 * {@code protected final} event methods) come serialized from any thread; {@link #cancel} from any
 * thread.
 *
 * <p>States: open; outbound closed (this end half-closed) and inbound finished (the peer
 * half-closed) are independent flags; ended (status set) is final. No transport method is called
 * while the lock is held, so a transport may call back inline.
 *
 * <p>Read-ahead is bounded in bytes: the engine asks the transport for one message at a time, and
 * asks again only while what it holds counts for less than {@link #READ_AHEAD_BYTES}. What a stream
 * holds beyond what the application has taken is therefore less than {@code READ_AHEAD_BYTES} plus
 * one message, whatever the mix of sizes; the transport's own buffer (an HTTP/2 stream window)
 * comes on top. A message counts for its encoded size plus {@link #MESSAGE_OVERHEAD}, so a stream
 * of empty messages is bounded too.
 *
 * <p>Receiving takes messages in batches: the receiver moves everything that has arrived into a
 * batch of its own under one lock acquisition and hands the batch out without the lock, so a stream
 * in full flow does not pay a lock hand-off with the transport per message. Held messages still
 * count until the application takes them (the receiver reports what its batch still holds when it
 * has handed out half of it).
 *
 * @param <Out> messages this end sends
 * @param <In> messages this end receives
 */
public abstract class BlockingStream<Out, In> implements Stream<Out, In> {
  /** Received bytes a stream may hold beyond what the application has taken, before it stops asking. */
  public static final int READ_AHEAD_BYTES = 64 * 1024;
  /** What a held message counts for on top of its encoded size. */
  static final int MESSAGE_OVERHEAD = 32;

  private static final AtomicLong IDS = new AtomicLong();

  private final String method;
  private final Codec<In> inCodec;
  private final boolean server;
  private final long id = IDS.incrementAndGet();
  private final StreamGuard sendGuard = new StreamGuard("send");
  private final StreamGuard receiveGuard = new StreamGuard("receive");
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition readable = lock.newCondition();
  private final Condition writable = lock.newCondition();
  /** Messages arrived and not yet moved to {@link #batch}; guarded by lock. */
  private Inbox<In> inbox = new Inbox<>();
  /**
   * Messages moved out of {@link #inbox} for the receiver: used only by the thread inside
   * {@code receive} (the receive guard orders successive receivers).
   */
  private Inbox<In> batch = Inbox.empty();
  /** What {@link #batch} held when the receiver last reported it; guarded by lock. */
  private long batchBytes;
  /** The receiver's own copy of what it last reported (used like {@link #batch}). */
  private long batchReported;
  /** The call ended dropping what was held: {@link #batch} must not be handed out. */
  private volatile boolean discarded;
  /** Written by the receiving thread under the lock; read by it or, racily, by others. */
  private volatile boolean lastReceivedCompressed;

  // guarded by lock
  private int outstanding;
  private boolean inboundFinished;
  private boolean outboundClosed;
  private Metadata headers;
  // written under lock, read without it
  private volatile Status endStatus;
  private volatile Metadata endTrailers;

  /**
   * A stream of {@code method} ({@code package.Service/Method}) that decodes nothing itself and uses
   * {@code inCodec} only to weigh received messages. On a {@code server} stream, an ended call makes
   * {@code send} and an unfinished {@code receive} throw; on a client stream, an OK end lets
   * {@code receive} return null and {@code send} drop its message, as grpc does.
   */
  protected BlockingStream(String method, Codec<In> inCodec, boolean server) {
    this.method = method;
    this.inCodec = inCodec;
    this.server = server;
  }

  // ---- what the two ends implement ----

  /** Asks the transport for {@code n} more messages. Never called with the lock held. */
  protected abstract void transportRequest(int n);

  /** Whether the transport takes a message now without exceeding its buffer. Must not call back. */
  protected abstract boolean transportReady();

  /** Hands one message to the transport. Never called with the lock held. */
  protected abstract void transportSend(Out message);

  /** Asks the transport to compress the next messages or not (see {@code setMessageCompression}). */
  protected abstract void transportSetMessageCompression(boolean enabled);

  /**
   * The application abandons the call ({@link #cancel}, or a thread interrupted while waiting):
   * end it with {@code status} through {@link #end} and tell the peer. Never called with the lock held.
   */
  protected abstract void abandon(Status status);

  // ---- events from the transport (serialized) and from the owning end ----

  /** Asks the transport for the first {@code n} messages, unless the call has already ended. */
  protected final void requestFirst(int n) {
    lock.lock();
    try {
      if (endStatus != null) {
        return;
      }
      outstanding += n;
    } finally {
      lock.unlock();
    }
    transportRequest(n);
  }

  /** A requested message arrived; dropped once the call has ended. */
  protected final void messageArrived(In message, boolean compressed) {
    int size = weigh(message);
    boolean more;
    lock.lock();
    try {
      if (outstanding > 0) {
        outstanding--;
      }
      if (endStatus != null) {
        return;
      }
      inbox.add(message, size, compressed);
      more = wantMore();
      readable.signal();
    } finally {
      lock.unlock();
    }
    if (more) {
      transportRequest(1);
    }
  }

  /** The peer sent its last message (a client's half-close, seen by the server). */
  protected final void inboundFinished() {
    lock.lock();
    try {
      inboundFinished = true;
      readable.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** The transport may take a message again. */
  protected final void readyChanged() {
    lock.lock();
    try {
      writable.signal();
    } finally {
      lock.unlock();
    }
  }

  /** The response headers arrived (client). */
  protected final void headersArrived(Metadata h) {
    lock.lock();
    try {
      headers = h;
      readable.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Ends the call with {@code status} unless it has already ended, and wakes every thread waiting
   * on the stream: they return or throw as the status says. {@code discardInbox} drops the messages
   * not yet taken (a cancelled call); otherwise they are still handed out before the end.
   *
   * @return whether this call ended the stream (false if it had already ended)
   */
  protected final boolean end(Status status, Metadata trailers, boolean discardInbox) {
    return end(status, trailers, discardInbox, null);
  }

  /**
   * As {@link #end(Status, Metadata, boolean)}, running {@code beforeWaking} (if this call ends the
   * stream) before any waiting thread can see the end: what a woken thread reads next (a context's
   * cancellation status, say) is already set. It runs under the lock and must not call the transport.
   */
  protected final boolean end(Status status, Metadata trailers, boolean discardInbox, Runnable beforeWaking) {
    lock.lock();
    try {
      if (endStatus != null) {
        return false;
      }
      endTrailers = trailers;
      endStatus = Objects.requireNonNull(status, "status");
      if (discardInbox) {
        inbox.clear();
        batchBytes = 0;
        discarded = true;
      }
      if (beforeWaking != null) {
        beforeWaking.run();
      }
      readable.signalAll();
      writable.signalAll();
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Closes this end's sending side (misuse-checked like {@code send}: it is part of sending) and, if
   * it was open and the call has not ended, runs {@code transportHalfClose}. Idempotent.
   */
  protected final void closeOutbound(Runnable transportHalfClose) {
    sendGuard.enter(this);
    try {
      lock.lock();
      try {
        if (outboundClosed) {
          return;
        }
        outboundClosed = true;
        if (endStatus != null) {
          return;
        }
      } finally {
        lock.unlock();
      }
      transportHalfClose.run();
    } finally {
      sendGuard.exit();
    }
  }

  /** The status the call ended with, or null while it runs. */
  protected final Status endStatus() {
    return endStatus;
  }

  /** The trailers the call ended with (may be null), once {@link #endStatus} is set. */
  protected final Metadata endTrailers() {
    return endTrailers;
  }

  /** Waits for the response headers or the end; an empty metadata if the call ended without them. */
  protected final Metadata awaitHeaders() {
    lock.lock();
    try {
      while (headers == null && endStatus == null) {
        await(readable, "headers");
      }
      return headers == null ? new Metadata() : headers.copy();
    } finally {
      lock.unlock();
    }
  }

  // ---- the application's side ----

  @Override
  public final void send(Out message) {
    Objects.requireNonNull(message, "message");
    sendGuard.enter(this);
    try {
      lock.lock();
      try {
        while (true) {
          if (outboundClosed) {
            throw new IllegalStateException("stream " + name() + ": send after halfClose");
          }
          Status s = endStatus;
          if (s != null) {
            if (!server && s.isOk()) {
              return; // the server already finished: late requests are dropped, as in grpc
            }
            throw endedException(s);
          }
          if (transportReady()) {
            break;
          }
          await(writable, "send");
        }
      } finally {
        lock.unlock();
      }
      transportSend(message);
    } finally {
      sendGuard.exit();
    }
  }

  @Override
  public final In receive() {
    receiveGuard.enter(this);
    try {
      Inbox<In> b = batch;
      if (!b.isEmpty() && !discarded) {
        In message = b.poll();
        lastReceivedCompressed = b.lastCompressed();
        if (b.bytes() <= batchReported / 2) {
          reportBatch();
        }
        return message;
      }
      In message;
      boolean more;
      lock.lock();
      try {
        if (discarded && !batch.isShared()) {
          batch.clear();
        }
        while (inbox.isEmpty()) {
          Status s = endStatus;
          if (s != null && !s.isOk()) {
            throw endedException(s);
          }
          if (inboundFinished || (s != null && !server)) {
            return null;
          }
          if (s != null) {
            throw endedException(s);
          }
          await(readable, "receive");
        }
        if (inbox.size() == 1) {
          // One message (a unary call, a slow stream): no batch to hand out.
          message = inbox.poll();
          lastReceivedCompressed = inbox.lastCompressed();
        } else {
          // Take everything that has arrived: the batch is handed out without the lock.
          Inbox<In> empty = batch.isShared() ? new Inbox<>() : batch;
          batch = inbox;
          inbox = empty;
          message = batch.poll();
          lastReceivedCompressed = batch.lastCompressed();
          noteBatch();
        }
        more = wantMore();
      } finally {
        lock.unlock();
      }
      if (more) {
        transportRequest(1);
      }
      return message;
    } finally {
      receiveGuard.exit();
    }
  }

  /** Under the lock, by the receiver: records what its batch holds now (what {@link #wantMore} counts). */
  private void noteBatch() {
    batchBytes = batch.bytes();
    batchReported = batchBytes;
  }

  /** Tells the engine what the receiver's batch still holds, and asks for more if that leaves room. */
  private void reportBatch() {
    boolean more;
    lock.lock();
    try {
      if (discarded) {
        return;
      }
      noteBatch();
      more = wantMore();
    } finally {
      lock.unlock();
    }
    if (more) {
      transportRequest(1);
    }
  }

  @Override
  public final boolean lastReceivedCompressed() {
    return lastReceivedCompressed;
  }

  @Override
  public final void setMessageCompression(boolean enabled) {
    transportSetMessageCompression(enabled);
  }

  @Override
  public String name() {
    return method + (server ? "#s" : "#") + id; // built only when needed, not per call
  }

  // ---- internals ----

  /** Under the lock: whether to ask the transport for one more message now. */
  private boolean wantMore() {
    if (outstanding > 0 || inboundFinished || endStatus != null || inbox.bytes() + batchBytes >= READ_AHEAD_BYTES) {
      return false;
    }
    outstanding = 1;
    return true;
  }

  private int weigh(In message) {
    try {
      return Math.max(0, inCodec.encodedSize(message)) + MESSAGE_OVERHEAD;
    } catch (RuntimeException e) {
      return READ_AHEAD_BYTES; // a codec that cannot size its message: hold no more than it
    }
  }

  /** The exception for an operation on a call that has ended with {@code s}. */
  private StatusException endedException(Status s) {
    if (s.isOk()) {
      return Status.CANCELLED.withDescription("stream " + name() + ": the call has already ended").asException();
    }
    return new StatusException(s, endTrailers);
  }

  /**
   * Waits on {@code c} (lock held). An interrupt abandons the call with {@code CANCELLED}, unless it
   * has already ended; the thread's interrupt status is kept.
   */
  private void await(Condition c, String op) {
    try {
      c.await();
    } catch (InterruptedException e) {
      if (endStatus == null) {
        lock.unlock();
        try {
          abandon(HandlerCall.interrupted("stream " + name() + ": thread interrupted in " + op, e));
        } finally {
          lock.lock();
        }
      }
      Thread.currentThread().interrupt();
      Status s = endStatus;
      if (s == null || s.isOk()) {
        s = HandlerCall.interrupted("stream " + name() + ": thread interrupted in " + op, e);
      }
      throw new StatusException(s, endTrailers);
    }
  }

  @Override
  public String toString() {
    Status s = endStatus;
    return (server ? "ServerStream{" : "ClientStream{") + name() + (s == null ? "" : ", status=" + s) + "}";
  }
}
