package rpc.transport.jetty.internal;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http2.ErrorCode;
import org.eclipse.jetty.http2.api.Session;
import org.eclipse.jetty.http2.frames.GoAwayFrame;
import org.eclipse.jetty.http2.frames.PingFrame;
import org.eclipse.jetty.http2.frames.SettingsFrame;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * One HTTP/2 connection of a channel and the events of its session. Its stream slots are counted by
 * the {@link JettyClientTransport} (under the transport's lock), so calls beyond the server's
 * MAX_CONCURRENT_STREAMS wait in the transport's queue instead of failing.
 *
 * <p>Thread-safe.
 */
final class ClientConnection implements Session.Listener {
  private final JettyClientTransport transport;
  private volatile Session session;
  /** Streams opened and not yet closed; guarded by the transport's lock. */
  int active;
  /** GOAWAY received or the session closed: no new streams; guarded by the transport's lock. */
  boolean draining;
  private volatile boolean closed;
  private volatile boolean settingsReceived;
  /** Whether the connection has become ready, or failed before that: decided once. */
  private final java.util.concurrent.atomic.AtomicBoolean settled = new java.util.concurrent.atomic.AtomicBoolean();
  private volatile boolean goAwayReceived;
  private volatile long pingSentNanos;
  private volatile long lastPingAckNanos;
  private volatile Scheduler.Task keepAliveTask;

  private final boolean tls;

  /** A connection of {@code transport}; {@code tls} says whether it speaks TLS (for error hints). */
  ClientConnection(JettyClientTransport transport, boolean tls) {
    this.transport = transport;
    this.tls = tls;
  }

  Session session() {
    return session;
  }

  void attach(Session s, Duration idleTimeout) {
    this.session = s;
    if (idleTimeout != null) {
      JettyGaps.setIdleTimeout(s, idleTimeout.toMillis());
    }
  }

  /** Whether one more stream may be opened now. Under the transport's lock. */
  boolean hasSlot() {
    Session s = session;
    if (draining || closed || s == null || s.isClosed()) {
      return false;
    }
    int max = JettyGaps.maxLocalStreams(s);
    return max < 0 || active < max;
  }

  boolean isClosed() {
    return closed;
  }

  /** Whether the session is closing or closed without having told us yet. Under the transport's lock. */
  boolean isGoingAway() {
    Session s = session;
    return closed || (s != null && s.isClosed());
  }

  /** Closes the connection (GOAWAY NO_ERROR, then the socket). */
  void close(String reason) {
    Session s = session;
    stopKeepAlive();
    if (s != null) {
      s.close(ErrorCode.NO_ERROR.code, reason, Callback.NOOP);
    }
  }

  // ---- keepalive ----

  void startKeepAlive(Scheduler scheduler, Duration every, Duration timeout) {
    if (every == null || every.isZero() || every.isNegative()) {
      return;
    }
    long periodNanos = every.toNanos();
    Runnable[] tick = new Runnable[1];
    tick[0] = () -> {
      Session s = session;
      if (closed || s == null) {
        return;
      }
      long sent = pingSentNanos;
      if (sent != 0 && lastPingAckNanos - sent < 0 && System.nanoTime() - sent >= timeout.toNanos()) {
        s.close(ErrorCode.NO_ERROR.code, "keepalive ping not answered", Callback.NOOP);
        return;
      }
      // Like grpc's default, ping only while calls are open: idle pings make servers send GOAWAY.
      if (!s.getStreams().isEmpty() && (sent == 0 || lastPingAckNanos - sent >= 0)) {
        pingSentNanos = System.nanoTime();
        s.ping(new PingFrame(pingSentNanos, false), Callback.NOOP);
      }
      long next = Math.min(periodNanos, timeout.toNanos());
      keepAliveTask = scheduler.schedule(tick[0], next, TimeUnit.NANOSECONDS);
    };
    keepAliveTask = scheduler.schedule(tick[0], periodNanos, TimeUnit.NANOSECONDS);
  }

  private void stopKeepAlive() {
    Scheduler.Task t = keepAliveTask;
    if (t != null) {
      t.cancel();
    }
  }

  // ---- Session.Listener ----

  /**
   * Why a stream of this connection failed, in words a user can act on: Jetty reports a connection
   * the server closed as a bare {@code input_shutdown}, whether the server was shutting down or
   * was never speaking HTTP/2 (a TLS server reached in cleartext).
   */
  String describeFailure(String reason) {
    boolean closed = reason == null || reason.equals("input_shutdown") || reason.equalsIgnoreCase("no_error");
    String what = closed ? "the server closed the connection" : "the connection failed: " + reason;
    if (goAwayReceived) {
      return what + " after sending GOAWAY (it is shutting down)";
    }
    if (reason != null && reason.contains("invalid_continuation_stream")) {
      // Jetty ends the connection with this reason when a header block (often trailers carrying
      // a large grpc-message or grpc-status-details-bin) outgrows the client's header limit.
      return what + " (a header block from the server, such as trailers with large error details, may exceed"
          + " this channel's limit: raise the jetty.maxHeaderListSize option, 16384 bytes by default)";
    }
    if (!settingsReceived) {
      return what + " before completing the HTTP/2 handshake (it may be shutting down; " + (tls
          ? "or it refused this client's TLS handshake: a server that requires client certificates needs one in"
              + " the channel's sslContext)"
          : "if it serves TLS, use an https:// target or set an sslContext on the channel)");
    }
    return what;
  }

  /** Whether the server's first SETTINGS frame has arrived: it speaks HTTP/2 and takes streams. */
  boolean settingsReceived() {
    return settingsReceived;
  }

  /** Marks the connection's outcome (ready, or failed before) as decided; true the first time only. */
  boolean settle() {
    return settled.compareAndSet(false, true);
  }

  @Override
  public void onSettings(Session s, SettingsFrame frame) {
    if (!settingsReceived) {
      settingsReceived = true;
      transport.maybeReady(this);
    } else if (frame.getSettings().containsKey(SettingsFrame.MAX_CONCURRENT_STREAMS)) {
      transport.drainWaiting();
    }
  }

  @Override
  public void onPing(Session s, PingFrame frame) {
    if (frame.isReply()) {
      lastPingAckNanos = System.nanoTime();
    }
  }

  @Override
  public void onGoAway(Session s, GoAwayFrame frame) {
    goAwayReceived = true;
    ErrorCode code = ErrorCode.from(frame.getError());
    JettyClientTransport.LOG.log(code == ErrorCode.NO_ERROR ? System.Logger.Level.DEBUG : System.Logger.Level.WARNING,
        () -> "GOAWAY from " + transport.authority() + ": " + (code == null ? frame.getError() : code)
            + (frame.tryConvertPayload() == null ? "" : " '" + frame.tryConvertPayload() + "'")
            + ", last stream " + frame.getLastStreamId());
    transport.onGoAway(this);
  }

  @Override
  public void onClose(Session s, GoAwayFrame frame, Callback callback) {
    JettyClientTransport.LOG.log(System.Logger.Level.DEBUG, () -> "connection to " + transport.authority()
        + " closed" + (frame == null || frame.tryConvertPayload() == null ? "" : ": " + frame.tryConvertPayload()));
    markClosed();
    callback.succeeded();
  }

  @Override
  public void onFailure(Session s, Throwable failure, Callback callback) {
    JettyClientTransport.LOG.log(System.Logger.Level.DEBUG, "connection to " + transport.authority() + " failed",
        failure);
    markClosed();
    callback.succeeded();
  }

  @Override
  public boolean onIdleTimeout(Session s) {
    // Close only a connection without calls; quiet calls keep theirs open.
    return s.getStreams().isEmpty();
  }

  private void markClosed() {
    if (!closed) {
      closed = true;
      stopKeepAlive();
      transport.onConnectionClosed(this);
    }
  }
}
