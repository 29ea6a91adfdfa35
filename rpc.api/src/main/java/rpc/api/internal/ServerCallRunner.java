package rpc.api.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import rpc.api.Deadline;
import rpc.api.Metadata;
import rpc.api.MethodDescriptor;
import rpc.api.ServerCallHandler;
import rpc.api.ServerContext;
import rpc.api.ServerStream;
import rpc.api.Status;
import rpc.api.StatusException;
import rpc.api.spi.ServerCall;

/**
 * One server call: the blocking {@link ServerStream} and {@link ServerContext} the handler sees, the
 * listener the transport feeds, and the task that runs the handler on its own thread.
 */
final class ServerCallRunner<Req, Resp> implements ServerStream<Resp, Req>, ServerContext,
    ServerCall.Listener<Req>, Runnable {
  private static final AtomicLong IDS = new AtomicLong();

  private final ServerCore core;
  private final ServerCall<Req, Resp> call;
  private final ServerCallHandler<Req, Resp> handler;
  private final Metadata requestHeaders;
  private final long id;
  private final StreamGuard sendGuard = new StreamGuard("send");
  private final StreamGuard receiveGuard = new StreamGuard("receive");
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ArrayDeque<Req> inbox = new ArrayDeque<>();
  private final Metadata trailers = new Metadata();
  private boolean halfClosed;
  private volatile Status cancelStatus;
  private boolean closed;
  private boolean headersSent;
  private Thread handlerThread;
  private boolean handlerDone;
  private List<Runnable> cancelActions;
  private final InboundCredit credit;
  private ScheduledFuture<?> deadlineTimer;
  private final java.util.function.Consumer<Runnable> launcher;
  private final boolean launchOnHalfClose;
  private boolean launched;

  ServerCallRunner(ServerCore core, ServerCall<Req, Resp> call, ServerCallHandler<Req, Resp> handler,
      Metadata requestHeaders, java.util.function.Consumer<Runnable> launcher) {
    this.core = core;
    this.launcher = launcher;
    // Calls with one request start their handler once it has fully arrived, so the handler never
    // parks waiting for it: one thread start and no hand-off per unary call.
    this.launchOnHalfClose = !call.method().kind().clientStreams();
    this.call = call;
    this.handler = handler;
    this.requestHeaders = requestHeaders;
    this.credit = new InboundCredit(call.method().requestCodec());
    this.id = IDS.incrementAndGet();
  }

  /**
   * Requests the first messages, arms the deadline, and starts the handler (now, or for calls with a
   * single request when the client half-closes).
   */
  void begin() {
    Deadline deadline = call.deadline();
    if (deadline != null) {
      long start = System.nanoTime();
      ScheduledFuture<?> t = Scheduler.schedule(() -> cancel(OptionsCall.exceeded(deadline, start), true),
          deadline.remainingNanos());
      lock.lock();
      try {
        deadlineTimer = t;
      } finally {
        lock.unlock();
      }
    }
    int first;
    lock.lock();
    try {
      first = launchOnHalfClose ? 2 : credit.initial();
    } finally {
      lock.unlock();
    }
    call.request(first);
    if (!launchOnHalfClose) {
      launch();
    }
  }

  private void launch() {
    lock.lock();
    try {
      if (launched) {
        return;
      }
      launched = true;
    } finally {
      lock.unlock();
    }
    try {
      launcher.accept(this);
    } catch (RuntimeException e) {
      cancel(Status.UNAVAILABLE.withDescription("server could not start a handler: " + e), true);
      core.callEnded(this);
    }
  }

  @Override
  public void run() {
    lock.lock();
    try {
      if (cancelStatus != null) {
        handlerDone = true;
        core.callEnded(this);
        return;
      }
      handlerThread = Thread.currentThread();
    } finally {
      lock.unlock();
    }
    Status status = Status.OK;
    Metadata extra = null;
    try {
      handler.handle(this);
    } catch (StatusException e) {
      status = e.status();
      extra = e.trailers();
    } catch (Throwable t) {
      if (cancelStatus == null) {
        core.reportHandlerFailure(name(), t);
      }
      status = Status.UNKNOWN.withDescription("Application error processing RPC").withCause(t);
    } finally {
      lock.lock();
      try {
        handlerThread = null;
        handlerDone = true;
        Thread.interrupted(); // never leak a cancellation interrupt into a pooled thread
      } finally {
        lock.unlock();
      }
    }
    Metadata out = trailers;
    if (extra != null && !extra.isEmpty()) {
      out = trailers.copy().merge(extra);
    }
    finish(status, out);
    core.callEnded(this);
  }

  private void finish(Status status, Metadata out) {
    ScheduledFuture<?> timer;
    lock.lock();
    try {
      if (closed || cancelStatus != null) {
        return;
      }
      closed = true;
      timer = deadlineTimer;
    } finally {
      lock.unlock();
    }
    if (timer != null) {
      timer.cancel(false);
    }
    call.close(status, out);
  }

  /**
   * Cancels the call: records why, wakes and interrupts the handler, runs the cancel actions, and
   * (when {@code tellPeer}) ends the call on the wire with {@code status}.
   */
  void cancel(Status status, boolean tellPeer) {
    List<Runnable> actions;
    ScheduledFuture<?> timer;
    boolean closeCall;
    boolean neverLaunched;
    lock.lock();
    try {
      if (cancelStatus != null || closed) {
        return;
      }
      neverLaunched = !launched;
      launched = true;
      cancelStatus = status;
      closeCall = tellPeer;
      closed = true;
      inbox.clear();
      actions = cancelActions;
      cancelActions = null;
      timer = deadlineTimer;
      if (handlerThread != null) {
        handlerThread.interrupt();
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    if (timer != null) {
      timer.cancel(false);
    }
    if (closeCall) {
      call.close(status, new Metadata());
    }
    if (neverLaunched) {
      core.callEnded(this);
    }
    if (actions != null) {
      for (Runnable r : actions) {
        try {
          r.run();
        } catch (RuntimeException e) {
          core.reportHandlerFailure(name() + " onCancel action", e);
        }
      }
    }
  }

  // ---- transport listener ----

  @Override
  public void onMessage(Req message) {
    lock.lock();
    try {
      if (cancelStatus == null) {
        inbox.add(message);
        credit.delivered(message);
        changed.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void onHalfClose() {
    lock.lock();
    try {
      halfClosed = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    if (launchOnHalfClose) {
      launch();
    }
  }

  @Override
  public void onCancel(Status status) {
    cancel(status, false);
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

  // ---- ServerStream ----

  @Override
  public String name() {
    return call.method().fullName() + "#s" + id; // built only when needed, not per call
  }

  @Override
  public void send(Resp message) {
    java.util.Objects.requireNonNull(message, "message");
    sendGuard.enter(this);
    try {
      lock.lock();
      try {
        while (cancelStatus == null && !closed && !call.isReady()) {
          await("send");
        }
        if (cancelStatus != null) {
          throw new StatusException(cancelStatus);
        }
        if (closed) {
          throw new IllegalStateException("stream " + name() + ": send after the call ended");
        }
        headersSent = true;
      } finally {
        lock.unlock();
      }
      call.send(message);
    } finally {
      sendGuard.exit();
    }
  }

  @Override
  public Req receive() {
    receiveGuard.enter(this);
    try {
      int toRequest = 0;
      Req message;
      lock.lock();
      try {
        while (inbox.isEmpty() && !halfClosed && cancelStatus == null) {
          await("receive");
        }
        if (cancelStatus != null) {
          throw new StatusException(cancelStatus);
        }
        message = inbox.poll();
        if (message == null) {
          return null;
        }
        if (!launchOnHalfClose && !halfClosed) { // after half-close nothing more can come
          toRequest = credit.afterReceive(inbox.size());
        }
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

  private void await(String op) {
    try {
      changed.await();
    } catch (InterruptedException e) {
      Status s = cancelStatus;
      if (s == null) {
        // interrupted by the application itself: treat as a server-side cancel
        lock.unlock();
        try {
          cancel(Status.CANCELLED.withDescription("handler thread interrupted in " + op), true);
        } finally {
          lock.lock();
        }
        s = cancelStatus;
      }
      Thread.currentThread().interrupt();
      throw new StatusException(s);
    }
  }

  @Override
  public void cancel() {
    cancel(Status.CANCELLED.withDescription("cancelled by the server"), true);
  }

  @Override
  public void sendHeaders(Metadata headers) {
    java.util.Objects.requireNonNull(headers, "headers");
    lock.lock();
    try {
      if (headersSent) {
        throw new IllegalStateException("stream " + name() + ": headers already sent");
      }
      if (cancelStatus != null) {
        throw new StatusException(cancelStatus);
      }
      headersSent = true;
    } finally {
      lock.unlock();
    }
    call.sendHeaders(headers.copy());
  }

  @Override
  public ServerContext context() {
    return this;
  }

  // ---- ServerContext ----

  @Override
  public MethodDescriptor<?, ?> method() {
    return call.method();
  }

  @Override
  public Metadata requestHeaders() {
    return requestHeaders.copy();
  }

  @Override
  public Deadline deadline() {
    return call.deadline();
  }

  @Override
  public boolean isCancelled() {
    return cancelStatus != null;
  }

  @Override
  public Status cancellationStatus() {
    return cancelStatus;
  }

  @Override
  public String peer() {
    return call.peer();
  }

  @Override
  public String authority() {
    return call.authority();
  }

  @Override
  public Metadata responseTrailers() {
    return trailers;
  }

  @Override
  public void setResponseCompression(String encoding) {
    call.setCompression(encoding);
  }

  @Override
  public void onCancel(Runnable action) {
    java.util.Objects.requireNonNull(action, "action");
    lock.lock();
    try {
      if (cancelStatus == null) {
        if (cancelActions == null) {
          cancelActions = new ArrayList<>(2);
        }
        cancelActions.add(action);
        return;
      }
    } finally {
      lock.unlock();
    }
    action.run();
  }

  @Override
  public String toString() {
    return "ServerStream{" + name() + "}";
  }
}
