package rpc.api.internal.balancer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import rpc.api.CallOptions;
import rpc.api.CallTracer;
import rpc.api.Metadata;
import rpc.api.MethodDescriptor;
import rpc.api.Status;
import rpc.api.spi.ClientCall;
import rpc.api.spi.ClientTransport;
import rpc.api.spi.LoadBalancer;
import rpc.api.spi.SerialExecutor;

/**
 * A call the balancer could not place when it was created: it records what the application does
 * (start, request, send, half-close) until a picker names a subchannel, then creates the real call
 * on that subchannel's transport and replays the record in order; from then on every method goes
 * straight through. It holds at most one request message: {@link #isReady()} is false once one is
 * recorded, and the sender is woken with {@code onReady} when the real call takes over. A call
 * that is cancelled (its deadline, say), or that the picker fails while it does not wait for ready,
 * ends without ever reaching a transport.
 *
 * <p>Thread-safe as {@link ClientCall} requires. The listener's callbacks pass through one
 * {@link SerialExecutor}, so the wake-up and the end this class adds never run concurrently with
 * the real call's callbacks.
 */
final class PendingCall<Req, Resp> implements ClientCall<Req, Resp> {
  private final LoadBalancedTransport owner;
  private final MethodDescriptor<Req, Resp> method;
  private final CallOptions options;
  private final ReentrantLock lock = new ReentrantLock();
  /** What to replay on the real call, in order; null once the real call has taken over. Under the lock. */
  private List<Runnable> record = new ArrayList<>();
  private volatile boolean passThrough;
  /** The real call, once placed. */
  private volatile ClientCall<Req, Resp> real;
  /** Why the call ended before it was placed; under the lock. */
  private Status ended;
  private boolean started;
  private boolean halfClosed;
  private int recordedMessages;
  private CallTracer tracer;
  private Callbacks<Resp> callbacks;
  /** Why the last picker could not place this waiting call, or null. */
  private volatile Status waitingFor;

  PendingCall(LoadBalancedTransport owner, MethodDescriptor<Req, Resp> method, CallOptions options) {
    this.owner = owner;
    this.method = method;
    this.options = options;
  }

  @Override
  public void trace(CallTracer tracer) {
    this.tracer = tracer;
  }

  @Override
  public void start(Listener<Resp> listener, Metadata headers) {
    Callbacks<Resp> cb = new Callbacks<>(listener);
    Status endNow;
    lock.lock();
    try {
      started = true;
      callbacks = cb;
      endNow = ended;
      if (endNow == null) {
        record.add(0, () -> real.start(cb, headers)); // first, before any request() made earlier
      }
    } finally {
      lock.unlock();
    }
    if (endNow != null) {
      cb.close(endNow); // cancelled before it started
      return;
    }
    LoadBalancer.Picker picker = owner.hold(this);
    if (picker == null) {
      end(Status.UNAVAILABLE.withDescription("channel is shut down"));
      return;
    }
    retry(picker);
  }

  /** Asks {@code picker} again (a new one was published); places or fails the call if it says so. */
  void retry(LoadBalancer.Picker picker) {
    if (real != null || isEnded()) {
      return;
    }
    LoadBalancer.Pick pick = LoadBalancedTransport.pick(picker, method, options);
    ClientTransport transport = owner.transportOf(pick);
    if (transport != null) {
      place(transport);
    } else if (pick != null && pick.error() != null) {
      if (options.waitForReady()) {
        waitingFor = pick.error(); // said if the call ends while it waits
      } else {
        end(pick.error());
      }
    }
  }

  private boolean isEnded() {
    lock.lock();
    try {
      return ended != null;
    } finally {
      lock.unlock();
    }
  }

  private void place(ClientTransport transport) {
    ClientCall<Req, Resp> call = transport.newCall(method, options);
    lock.lock();
    try {
      if (ended != null || real != null) {
        return; // cancelled meanwhile (a call never started holds nothing), or placed by another picker
      }
      real = call;
    } finally {
      lock.unlock();
    }
    owner.release(this);
    if (tracer != null) {
      call.trace(tracer);
    }
    boolean wake;
    while (true) {
      List<Runnable> batch;
      lock.lock();
      try {
        if (record.isEmpty()) {
          record = null;
          passThrough = true;
          wake = recordedMessages > 0 && !halfClosed;
          break;
        }
        batch = record;
        record = new ArrayList<>();
      } finally {
        lock.unlock();
      }
      for (Runnable op : batch) {
        op.run();
      }
    }
    if (wake) {
      callbacks.ready(); // a sender waiting for isReady() may go on, on the real call
    }
  }

  /** Ends the call before it was placed. */
  private void end(Status status) {
    Callbacks<Resp> cb;
    lock.lock();
    try {
      if (ended != null || real != null) {
        return;
      }
      ended = status;
      record = null;
      cb = started ? callbacks : null;
    } finally {
      lock.unlock();
    }
    owner.release(this);
    if (cb != null) {
      cb.close(status);
    }
  }

  /** Runs {@code op} on the real call now, or records it; false if the call ended before it was placed. */
  private boolean passOrRecord(Runnable op) {
    if (passThrough) {
      op.run();
      return true;
    }
    lock.lock();
    try {
      if (record != null) {
        record.add(op);
        return true;
      }
      if (ended != null) {
        return false;
      }
    } finally {
      lock.unlock();
    }
    op.run(); // the real call took over while we waited for the lock
    return true;
  }

  @Override
  public void request(int n) {
    passOrRecord(() -> real.request(n));
  }

  @Override
  public void send(Req message) {
    if (passThrough) {
      real.send(message);
      return;
    }
    lock.lock();
    try {
      if (record != null) {
        recordedMessages++;
        record.add(() -> real.send(message));
        return;
      }
      if (ended != null) {
        return;
      }
    } finally {
      lock.unlock();
    }
    real.send(message);
  }

  @Override
  public boolean isReady() {
    if (passThrough) {
      return real.isReady();
    }
    lock.lock();
    try {
      if (record != null) {
        return recordedMessages == 0;
      }
      if (ended != null) {
        return false;
      }
    } finally {
      lock.unlock();
    }
    return real.isReady();
  }

  @Override
  public void halfClose() {
    lock.lock();
    try {
      halfClosed = true;
    } finally {
      lock.unlock();
    }
    passOrRecord(() -> real.halfClose());
  }

  @Override
  public void cancel(Status status) {
    if (passThrough) {
      real.cancel(status);
      return;
    }
    Callbacks<Resp> endHere = null;
    Status endStatus = status;
    lock.lock();
    try {
      if (ended != null) {
        return;
      }
      if (real == null) {
        // Not placed: it ends here, and a placement racing this one finds it ended.
        Status why = waitingFor;
        if (why != null && why.description() != null) {
          endStatus = status.withDescription((status.description() == null ? status.code().toString()
              : status.description()) + " (waiting for a connection: " + why.description() + ")");
        }
        ended = endStatus;
        record = null;
        endHere = started ? callbacks : null;
      } else if (record != null) {
        record.add(() -> real.cancel(status)); // being placed: cancel after the replay
        return;
      }
    } finally {
      lock.unlock();
    }
    if (real != null) {
      real.cancel(status); // placed, and the replay is over
      return;
    }
    owner.release(this);
    if (endHere != null) {
      endHere.close(endStatus);
    }
  }

  @Override
  public MethodDescriptor<Req, Resp> method() {
    return method;
  }

  @Override
  public void setMessageCompression(boolean enabled) {
    passOrRecord(() -> real.setMessageCompression(enabled));
  }

  @Override
  public boolean inboundMessageCompressed() {
    ClientCall<Req, Resp> r = real;
    return r != null && r.inboundMessageCompressed();
  }

  /** The application's listener behind one serial executor, ending at most once. */
  private static final class Callbacks<Resp> implements Listener<Resp> {
    private final Listener<Resp> app;
    private final SerialExecutor serial = new SerialExecutor();
    private boolean closed; // serial-confined

    Callbacks(Listener<Resp> app) {
      this.app = app;
    }

    @Override
    public void onHeaders(Metadata headers) {
      serial.execute(() -> {
        if (!closed) {
          app.onHeaders(headers);
        }
      });
    }

    @Override
    public void onMessage(Resp message) {
      serial.execute(() -> {
        if (!closed) {
          app.onMessage(message);
        }
      });
    }

    @Override
    public void onClose(Status status, Metadata trailers) {
      serial.execute(() -> {
        if (!closed) {
          closed = true;
          app.onClose(status, trailers);
        }
      });
    }

    @Override
    public void onReady() {
      ready();
    }

    void ready() {
      serial.execute(() -> {
        if (!closed) {
          app.onReady();
        }
      });
    }

    void close(Status status) {
      onClose(status, new Metadata());
    }
  }
}
