package rpc.api.internal.server;

import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import rpc.api.CallTracer;
import rpc.api.Deadline;
import rpc.api.Metadata;
import rpc.api.ServerCallHandler;
import rpc.api.ServerContext;
import rpc.api.ServerStream;
import rpc.api.Status;
import rpc.api.internal.Deadlines;
import rpc.api.internal.Scheduler;
import rpc.api.internal.stream.BlockingStream;
import rpc.api.spi.ServerCall;

/**
 * The server end of a call: the shared {@link BlockingStream} engine over a transport
 * {@link ServerCall}, whose listener it is, and the call's life from accept to end — when the
 * handler starts, the server's deadline, and the two ways a call ends: {@link #finish} when the
 * handler is done, {@link #cancelled} otherwise (client cancel, deadline, connection loss,
 * shutdown, the application). Thread-safe as {@link ServerStream} says.
 */
final class BlockingServerStream<Req, Resp> extends BlockingStream<Resp, Req>
    implements ServerStream<Resp, Req>, ServerCall.Listener<Req> {
  private final ServerCore core;
  private final ServerCall<Req, Resp> call;
  private final CallContext context;
  private final Executor launcher;
  private final Runnable run;
  /** Unary and server-streaming handlers start once their one request has arrived. */
  private final boolean singleRequest;
  private final AtomicBoolean launched = new AtomicBoolean();
  private final AtomicBoolean headersSent = new AtomicBoolean();
  private volatile ScheduledFuture<?> deadlineTimer;
  private final long startNanos = System.nanoTime();
  /** The call's tracers as one, or null. */
  private final CallTracer tracer;

  BlockingServerStream(ServerCore core, ServerCall<Req, Resp> call, Metadata requestHeaders,
      ServerCallHandler<Req, Resp> handler, Executor launcher, CallTracer tracer) {
    super(call.method().fullName(), call.method().requestCodec(), true);
    this.core = core;
    this.call = call;
    this.context = new CallContext(call, requestHeaders, this);
    this.launcher = launcher;
    this.tracer = tracer;
    this.run = new HandlerRun<>(this, handler);
    this.singleRequest = !call.method().kind().clientStreams();
  }

  /** Arms the deadline, asks for the first requests, and starts the handler if it need not wait. */
  void begin() {
    Deadline deadline = call.deadline();
    if (deadline != null) {
      deadlineTimer = Scheduler.schedule(() -> cancelled(Deadlines.exceeded(startNanos), true),
          deadline.remainingNanos());
    }
    // A single-request call asks for two, so a second request is seen (and refused) by the handler.
    requestFirst(singleRequest ? 2 : 1);
    if (!singleRequest) {
      launch();
    }
  }

  private void launch() {
    if (!launched.compareAndSet(false, true)) {
      return;
    }
    try {
      launcher.execute(run);
    } catch (RuntimeException refused) {
      cancelled(Status.UNAVAILABLE.withDescription("server could not start a handler: " + refused), true);
      core.callEnded(this);
    }
  }

  CallContext callContext() {
    return context;
  }

  /** The call's tracer (all of them as one), or null. */
  CallTracer tracer() {
    return tracer;
  }

  /** The call no longer has a handler running or to run (for the server's drain accounting). */
  void callEnded() {
    core.callEnded(this);
  }

  void reportFailure(Throwable t) {
    core.reportHandlerFailure(name(), t);
  }

  /** The handler is done: ends the call with its outcome, unless it was cancelled first. */
  void finish(Status status, Metadata trailers) {
    if (!end(status, trailers, true)) {
      return; // cancelled: the client knows already
    }
    stopDeadline();
    call.close(status, trailers);
    if (tracer != null) {
      tracer.callEnded(status, trailers);
    }
  }

  /**
   * Ends the call other than by its handler finishing: every waiting thread wakes, the handler is
   * interrupted and its context reports {@code status}; {@code tellPeer} closes the call on the
   * wire with it (not needed when the transport reported the end).
   */
  void cancelled(Status status, boolean tellPeer) {
    if (!end(status, new Metadata(), true, () -> context.cancelled(status))) {
      return;
    }
    stopDeadline();
    if (tellPeer) {
      call.close(status, new Metadata());
    }
    if (tracer != null) {
      tracer.callEnded(status, new Metadata());
    }
    if (launched.compareAndSet(false, true)) {
      core.callEnded(this); // the handler never started and never will
    }
  }

  private void stopDeadline() {
    ScheduledFuture<?> t = deadlineTimer;
    if (t != null) {
      t.cancel(false);
    }
  }

  // ---- transport events ----

  @Override
  public void onMessage(Req message) {
    messageArrived(message, call.inboundMessageCompressed());
  }

  @Override
  public void onHalfClose() {
    inboundFinished();
    if (singleRequest) {
      launch();
    }
  }

  @Override
  public void onCancel(Status status) {
    // A reset that arrives before our deadline, which starts when the request arrives, stays
    // CANCELLED: HTTP/2's CANCEL does not say why.
    cancelled(Deadlines.pastDeadline(status, call.deadline(), startNanos), false);
  }

  @Override
  public void onReady() {
    readyChanged();
  }

  // ---- engine hooks ----

  @Override
  protected void transportRequest(int n) {
    call.request(n);
  }

  @Override
  protected boolean transportReady() {
    return call.isReady();
  }

  @Override
  protected void transportSend(Resp message) {
    if (!headersSent.get() && headersSent.compareAndSet(false, true) && tracer != null) {
      tracer.outboundHeaders(new Metadata()); // the transport sends empty headers before the first message
    }
    call.send(message);
  }

  @Override
  protected void transportSetMessageCompression(boolean enabled) {
    call.setMessageCompression(enabled);
  }

  @Override
  protected void abandon(Status status) {
    cancelled(status, true);
  }

  // ---- ServerStream ----

  @Override
  public void cancel() {
    abandon(Status.CANCELLED.withDescription("cancelled by the server"));
  }

  @Override
  public void sendHeaders(Metadata headers) {
    Objects.requireNonNull(headers, "headers");
    if (!headersSent.compareAndSet(false, true)) {
      throw new IllegalStateException("stream " + name() + ": headers already sent");
    }
    Status s = endStatus();
    if (s != null) {
      throw s.isOk() ? Status.CANCELLED.withDescription("stream " + name() + ": the call has already ended")
          .asException() : s.asException();
    }
    Metadata sent = headers.copy();
    call.sendHeaders(sent);
    if (tracer != null) {
      tracer.outboundHeaders(sent);
    }
  }

  @Override
  public ServerContext context() {
    return context;
  }
}
