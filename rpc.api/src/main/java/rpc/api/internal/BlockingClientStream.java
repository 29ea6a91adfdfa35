package rpc.api.internal;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import rpc.api.ClientStream;
import rpc.api.Metadata;
import rpc.api.Status;
import rpc.api.StatusException;
import rpc.api.spi.ClientCall;

/**
 * The blocking client stream over a transport {@link ClientCall}. One sender and one receiver may act
 * at once; callbacks from the transport only take the lock briefly.
 */
final class BlockingClientStream<Req, Resp> implements ClientStream<Req, Resp>, ClientCall.Listener<Resp> {
  private static final AtomicLong IDS = new AtomicLong();

  private final ClientCall<Req, Resp> call;
  private final long id;
  private final StreamGuard sendGuard = new StreamGuard("send");
  private final StreamGuard receiveGuard = new StreamGuard("receive");
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ArrayDeque<Resp> inbox = new ArrayDeque<>();
  private Metadata headers;
  private volatile Status status;
  private volatile Metadata trailers;
  private boolean halfClosed;
  private boolean cancelledLocally;
  private final InboundCredit credit;

  BlockingClientStream(ClientCall<Req, Resp> call) {
    this.call = call;
    this.credit = new InboundCredit(call.method().responseCodec());
    this.id = IDS.incrementAndGet();
  }

  void start() {
    call.start(this, new Metadata());
    int first;
    lock.lock();
    try {
      first = credit.initial();
    } finally {
      lock.unlock();
    }
    call.request(first);
  }

  @Override
  public String name() {
    return call.method().fullName() + "#" + id; // built only when needed, not per call
  }

  // ---- listener (transport threads, serialized) ----

  @Override
  public void onHeaders(Metadata h) {
    lock.lock();
    try {
      headers = h;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void onMessage(Resp message) {
    lock.lock();
    try {
      if (!cancelledLocally) {
        inbox.add(message);
        credit.delivered(message);
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void onClose(Status s, Metadata t) {
    lock.lock();
    try {
      trailers = t;
      status = s;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void onReady() {
    lock.lock();
    try {
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  // ---- sending side ----

  @Override
  public void send(Req message) {
    java.util.Objects.requireNonNull(message, "message");
    sendGuard.enter(this);
    try {
      lock.lock();
      try {
        if (halfClosed) {
          throw new IllegalStateException("stream " + name() + ": send after halfClose");
        }
        while (status == null && !call.isReady()) {
          awaitOrCancel("send");
        }
        Status s = status;
        if (s != null) {
          if (s.isOk()) {
            return; // the server already finished: like grpc, late messages are dropped
          }
          throw new StatusException(s, trailers);
        }
      } finally {
        lock.unlock();
      }
      call.send(message);
    } finally {
      sendGuard.exit();
    }
  }

  @Override
  public void halfClose() {
    sendGuard.enter(this);
    try {
      lock.lock();
      try {
        if (halfClosed || status != null) {
          halfClosed = true;
          return;
        }
        halfClosed = true;
      } finally {
        lock.unlock();
      }
      call.halfClose();
    } finally {
      sendGuard.exit();
    }
  }

  // ---- receiving side ----

  @Override
  public Resp receive() {
    receiveGuard.enter(this);
    try {
      int toRequest = 0;
      Resp message;
      lock.lock();
      try {
        while (inbox.isEmpty() && status == null) {
          awaitOrCancel("receive");
        }
        message = inbox.poll();
        if (message == null) {
          Status s = status;
          if (s.isOk()) {
            return null;
          }
          throw new StatusException(s, trailers);
        }
        toRequest = credit.afterReceive(inbox.size());
      } finally {
        lock.unlock();
      }
      if (toRequest > 0) {
        call.request(toRequest);
      }
      return message;
    } finally {
      receiveGuard.exit();
    }
  }

  @Override
  public Metadata headers() {
    lock.lock();
    try {
      while (headers == null && status == null) {
        awaitOrCancel("headers");
      }
      return headers == null ? new Metadata() : headers.copy();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Metadata trailers() {
    Metadata t = trailers;
    return status == null || t == null ? null : t.copy();
  }

  @Override
  public Status status() {
    return status;
  }

  @Override
  public void cancel() {
    lock.lock();
    try {
      if (status != null) {
        return;
      }
      cancelledLocally = true;
      inbox.clear();
    } finally {
      lock.unlock();
    }
    call.cancel(Status.CANCELLED.withDescription("cancelled by the client"));
  }

  /** Waits for a change; on interrupt cancels the call and throws CANCELLED. Lock held. */
  private void awaitOrCancel(String op) {
    try {
      changed.await();
    } catch (InterruptedException e) {
      cancelledLocally = true;
      inbox.clear();
      lock.unlock();
      try {
        call.cancel(Status.CANCELLED.withDescription("thread interrupted in " + op).withCause(e));
      } finally {
        lock.lock();
      }
      Thread.currentThread().interrupt();
      throw Status.CANCELLED.withDescription("stream " + name() + ": interrupted in " + op).withCause(e).asException();
    }
  }

  @Override
  public String toString() {
    return "ClientStream{" + name() + ", status=" + status + "}";
  }
}
