package rpc.transport.jetty.internal.server;

import rpc.transport.jetty.internal.stream.WriteGather;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.eclipse.jetty.http2.ErrorCode;
import org.eclipse.jetty.http2.api.Session;
import org.eclipse.jetty.http2.frames.PingFrame;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;
import rpc.api.Status;
import rpc.transport.jetty.internal.stream.JettyGaps;

/**
 * One accepted connection of the server, with the policies that end it (see {@link ConnectionPolicy}):
 * it closes a client that PINGs too often (gRFC A8), and drains a connection that grew too old or
 * carried no call for too long (gRFC A9).
 *
 * <p>Draining takes two GOAWAY frames, as in grpc: the first names the largest stream id, so that
 * requests the client sent before reading it are still served, and is followed by a PING; once the
 * client has answered it has read the GOAWAY and opens no more streams here. The final GOAWAY
 * (with the real last stream id, refusing any later stream) goes out once no call is left, and
 * after a further {@link #DRAIN_QUIET}: a client need not write its requests in the order it
 * decided on them. A Jetty client, for one, writes a PING's answer ahead of frames it has queued,
 * and may take a stream id before it reads the GOAWAY but queue the request only after answering
 * the PING. A stream refused by the final GOAWAY was never seen by the server, so a client may
 * retry it, but not every client does. Calls in flight finish; after the age limit's grace they end
 * {@code UNAVAILABLE}. A drained connection the client does not close within
 * {@link #CLOSE_LINGER} of the final GOAWAY is closed by the server.
 *
 * <p>Thread-safe: events come from the connection's frame parser, from the threads that end calls,
 * and from the server's scheduler, which runs the timers.
 */
final class ServerConnection {
  /** How long the client has to answer the PING after the first GOAWAY; then the drain goes on anyway. */
  static final Duration GOAWAY_PING_TIMEOUT = Duration.ofSeconds(10);

  /** How long a draining connection stays without calls before the final GOAWAY goes. */
  static final Duration DRAIN_QUIET = Duration.ofSeconds(1);

  /** How long after the final GOAWAY a connection without calls waits for its client to close it. */
  static final Duration CLOSE_LINGER = Duration.ofSeconds(1);

  /** The payload of the PING that follows the first GOAWAY ("goaway!!" in ASCII). */
  static final long GOAWAY_PING = 0x676f_6177_6179_2121L;

  private enum Phase {
    /** Serving. */
    OPEN,
    /** The first GOAWAY and its PING are out; the PING's answer is awaited. */
    GOING_AWAY,
    /** The client knows: the final GOAWAY goes once no call is left, and none came for a while. */
    DRAINING,
    /** The final GOAWAY is out: the client closes the connection once its calls are done. */
    CLOSING,
    /** Closed, or the server is shutting down and closes it itself. */
    CLOSED
  }

  private final Session session;
  private final String peer;
  private final ConnectionPolicy policy;
  private final Scheduler scheduler;
  private final PingStrikes pings;
  private final Set<JettyServerCall<?, ?>> calls = ConcurrentHashMap.newKeySet();
  /** Gathers the writes of this connection's calls (see WriteGather). */
  private final WriteGather writes = new WriteGather(calls::size);
  private final AtomicReference<Phase> phase = new AtomicReference<>(Phase.OPEN);
  private final AtomicBoolean idleCheckPending = new AtomicBoolean();
  /** A {@link #drainTick} is scheduled. */
  private final AtomicBoolean drainTickPending = new AtomicBoolean();
  private final AtomicBoolean pingAbuse = new AtomicBoolean();
  /** The grace period is over: calls were failed, and the connection closes whether calls remain or not. */
  private volatile boolean forced;
  /** When the last call ended (or the connection opened, or began draining): no call since. */
  private volatile long idleSinceNanos;
  private volatile String goAwayReason = "close";
  private volatile Scheduler.Task ageTask;
  private volatile Scheduler.Task graceTask;
  private volatile Scheduler.Task idleTask;
  private volatile Scheduler.Task pingTimeoutTask;
  private volatile Scheduler.Task drainTask;

  ServerConnection(Session session, String peer, ConnectionPolicy policy, Scheduler scheduler) {
    this.session = session;
    this.peer = peer;
    this.policy = policy;
    this.scheduler = scheduler;
    long now = System.nanoTime();
    this.pings = new PingStrikes(policy.permitKeepAliveTime(), policy.permitKeepAliveWithoutCalls(), now);
    this.idleSinceNanos = now;
  }

  /** Starts the age and idle clocks; once, when the connection has been accepted. */
  void start() {
    Duration age = policy.maxConnectionAge();
    if (age != null) {
      // ±10%, so that connections opened together (a fleet of clients restarting) do not all end together.
      double jitter = 0.9 + 0.2 * ThreadLocalRandom.current().nextDouble();
      long nanos = nanos(age);
      ageTask = schedule(this::ageReached, nanos >= Long.MAX_VALUE / 2 ? nanos : (long) (nanos * jitter));
    }
    if (policy.maxConnectionIdle() != null) {
      armIdleCheck(nanos(policy.maxConnectionIdle()));
    }
  }

  /** The client's address, as logs show it. */
  String peer() {
    return peer;
  }

  // ---- calls ----

  void callStarted(JettyServerCall<?, ?> call) {
    calls.add(call);
  }

  /** The gather the connection's calls write through. */
  WriteGather writes() {
    return writes;
  }

  void callEnded(JettyServerCall<?, ?> call) {
    if (!calls.remove(call) || !calls.isEmpty()) {
      return;
    }
    idleSinceNanos = System.nanoTime();
    Phase p = phase.get();
    if (p == Phase.OPEN && policy.maxConnectionIdle() != null) {
      armIdleCheck(nanos(policy.maxConnectionIdle()));
    } else if (p == Phase.DRAINING) {
      armDrainTick(nanos(DRAIN_QUIET));
    } else if (p == Phase.CLOSING) {
      armDrainTick(nanos(CLOSE_LINGER));
    }
  }

  // ---- frames ----

  /** A PING (not an answer) arrived; on the connection's parser thread. */
  void onPing() {
    if (!pings.tooMany(System.nanoTime(), !calls.isEmpty()) || !pingAbuse.compareAndSet(false, true)) {
      return;
    }
    JettyServerTransport.LOG.log(System.Logger.Level.INFO, () -> "connection from " + peer + " sent more than "
        + PingStrikes.MAX_STRIKES + " PINGs sooner than permitted (" + policy.permitKeepAliveTime().toMillis()
        + " ms apart with calls open, " + (policy.permitKeepAliveWithoutCalls() ? "the same" : "2 h") + " without):"
        + " closed with GOAWAY ENHANCE_YOUR_CALM too_many_pings");
    phase.set(Phase.CLOSED);
    // Not from the parser's frame listener, where Jetty forbids acting on the session.
    schedule(() -> JettyGaps.abort(session, ErrorCode.ENHANCE_YOUR_CALM_ERROR, "too_many_pings"), 0);
  }

  /** The server sends response headers or data: the client may answer them with a PING. */
  void onResponseFrame() {
    pings.forgive();
  }

  /** An answer to one of the server's PINGs arrived; on the connection's parser thread. */
  void onPingAnswered(long payload) {
    if (payload == GOAWAY_PING) {
      drain();
    }
  }

  // ---- draining ----

  private void ageReached() {
    if (goAway("max_age", () -> "reached its maximum age (" + policy.maxConnectionAge().toMillis() + " ms ±10%)")) {
      Duration grace = policy.maxConnectionAgeGrace();
      if (grace != null) {
        graceTask = schedule(this::graceExpired, nanos(grace));
      }
    }
  }

  private void armIdleCheck(long delayNanos) {
    if (idleCheckPending.compareAndSet(false, true)) {
      idleTask = schedule(this::idleCheck, delayNanos);
    }
  }

  private void idleCheck() {
    idleCheckPending.set(false); // first: a call ending from now on arms the next check itself
    if (phase.get() != Phase.OPEN || !calls.isEmpty()) {
      return;
    }
    long max = nanos(policy.maxConnectionIdle());
    long idle = System.nanoTime() - idleSinceNanos;
    if (idle < max) {
      armIdleCheck(max - idle); // calls came and went since this check was armed
      return;
    }
    goAway("max_idle", () -> "carried no call for " + policy.maxConnectionIdle().toMillis() + " ms");
  }

  /** Sends the first GOAWAY and its PING; false if the connection was already going away. */
  private boolean goAway(String reason, Supplier<String> why) {
    if (session.isClosed() || !phase.compareAndSet(Phase.OPEN, Phase.GOING_AWAY)) {
      return false;
    }
    cancel(idleTask);
    goAwayReason = reason;
    JettyServerTransport.LOG.log(System.Logger.Level.DEBUG, () -> "connection from " + peer + " " + why.get()
        + ": GOAWAY, " + calls.size() + " calls in flight");
    JettyGaps.sendFirstGoAway(session, reason, Callback.from(() -> {
      // After the GOAWAY is written: an answer to a PING sent with it could overtake it.
      pingTimeoutTask = schedule(this::drain, nanos(GOAWAY_PING_TIMEOUT));
      session.ping(new PingFrame(GOAWAY_PING, false), Callback.NOOP);
    }, x -> { })); // the connection failed: Jetty closes it
    return true;
  }

  /** The client has read the first GOAWAY (or did not answer its PING in time). */
  private void drain() {
    if (!phase.compareAndSet(Phase.GOING_AWAY, Phase.DRAINING)) {
      return;
    }
    cancel(pingTimeoutTask);
    idleSinceNanos = System.nanoTime(); // the quiet period counts from now at the earliest
    armDrainTick(nanos(DRAIN_QUIET));
  }

  /** Sends the final GOAWAY: streams the client opens from now on are refused. */
  private void finish() {
    if (!phase.compareAndSet(Phase.DRAINING, Phase.CLOSING)) {
      return;
    }
    JettyServerTransport.LOG.log(System.Logger.Level.DEBUG, () -> "connection from " + peer + " drained: final GOAWAY");
    session.close(ErrorCode.NO_ERROR.code, goAwayReason, Callback.NOOP);
    armDrainTick(nanos(CLOSE_LINGER));
  }

  private void graceExpired() {
    Phase p = phase.get();
    if (p == Phase.CLOSED) {
      return;
    }
    forced = true;
    Status status = Status.UNAVAILABLE.withDescription("the server closed the connection: the grace period of "
        + policy.maxConnectionAgeGrace().toMillis() + " ms after its maximum age ended");
    List<JettyServerCall<?, ?>> open = List.copyOf(calls);
    JettyServerTransport.LOG.log(System.Logger.Level.DEBUG, () -> "connection from " + peer + ": grace period over, "
        + open.size() + " calls end UNAVAILABLE");
    for (JettyServerCall<?, ?> call : open) {
      call.fail(status); // the client hears why before the connection closes
    }
    if (p == Phase.GOING_AWAY) {
      drain(); // the PING's answer may still be awaited
    }
    finish();
    armDrainTick(nanos(CLOSE_LINGER));
  }

  private void armDrainTick(long delayNanos) {
    if (drainTickPending.compareAndSet(false, true)) {
      drainTask = schedule(this::drainTick, delayNanos);
    }
  }

  /** The timer of the last steps: the quiet period before the final GOAWAY, then the wait for the client to close. */
  private void drainTick() {
    drainTickPending.set(false); // first: a call ending from now on arms the next tick itself
    Phase p = phase.get();
    if ((p != Phase.DRAINING && p != Phase.CLOSING) || (!forced && !calls.isEmpty())) {
      return; // a call that raced the first GOAWAY runs; its end arms the next tick
    }
    if (p == Phase.DRAINING) {
      long quiet = System.nanoTime() - idleSinceNanos;
      long needed = nanos(DRAIN_QUIET);
      if (quiet < needed && !forced) {
        armDrainTick(needed - quiet);
      } else {
        finish();
      }
      return;
    }
    JettyServerTransport.LOG.log(System.Logger.Level.DEBUG, () -> "connection from " + peer
        + " drained but not closed by the client: closing it");
    JettyGaps.abort(session, ErrorCode.NO_ERROR, goAwayReason);
  }

  // ---- the end ----

  /** The connection closed, or the server is shutting down and closes it itself: stop every timer. */
  void closed() {
    phase.set(Phase.CLOSED);
    for (Scheduler.Task t : new Scheduler.Task[] {ageTask, graceTask, idleTask, pingTimeoutTask, drainTask}) {
      cancel(t);
    }
  }

  private static void cancel(Scheduler.Task task) {
    if (task != null) {
      task.cancel();
    }
  }

  private Scheduler.Task schedule(Runnable task, long delayNanos) {
    try {
      return scheduler.schedule(() -> {
        try {
          task.run();
        } catch (RuntimeException e) {
          JettyServerTransport.LOG.log(System.Logger.Level.WARNING, "connection from " + peer + ": " + e, e);
        }
      }, delayNanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      return null; // the server is stopping, and closes every connection itself
    }
  }

  /** The duration in nanoseconds, or Long.MAX_VALUE for one too long to count so (292 years). */
  private static long nanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  @Override
  public String toString() {
    return "ServerConnection{" + peer + ", " + phase.get() + ", " + calls.size() + " calls}";
  }
}
