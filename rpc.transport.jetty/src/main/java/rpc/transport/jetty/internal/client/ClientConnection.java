package rpc.transport.jetty.internal.client;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http2.ErrorCode;
import org.eclipse.jetty.http2.api.Session;
import org.eclipse.jetty.http2.frames.GoAwayFrame;
import org.eclipse.jetty.http2.frames.PingFrame;
import org.eclipse.jetty.http2.frames.SettingsFrame;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;
import rpc.transport.jetty.internal.stream.JettyGaps;

/**
 * One HTTP/2 connection of a client transport, the events of its session, and its stream slots:
 * it counts the streams opened on it against the server's SETTINGS_MAX_CONCURRENT_STREAMS, so
 * calls beyond that limit wait in the {@link ConnectionPool}'s queue instead of being refused by
 * Jetty. Every freed slot and every SETTINGS frame that may raise the limit wakes the pool.
 *
 * <p>Our count of a stream starts before Jetty's (a slot is reserved before the stream is opened)
 * and ends after it (Jetty closes the stream before telling its listener), so it is never below
 * Jetty's: a slot we grant is one Jetty has too, except while a SETTINGS frame that lowers the limit
 * is being applied.
 *
 * <p>Thread-safe.
 */
final class ClientConnection implements Session.Listener {
  private final ConnectionPool pool;
  private final boolean tls;
  private volatile Session session;
  /** Streams reserved or open and not yet closed. */
  private final AtomicInteger streams = new AtomicInteger();
  /** The server's SETTINGS_MAX_CONCURRENT_STREAMS; negative for no limit (HTTP/2's initial value). */
  private volatile int streamLimit = -1;
  /**
   * The largest header block Jetty encodes for this connection, kept as Jetty keeps it: the
   * client's own limit, lowered by each SETTINGS_MAX_HEADER_LIST_SIZE; zero or less for none.
   */
  private volatile int headerListLimit;
  private volatile boolean closed;
  private volatile boolean settingsReceived;
  /** Whether the connection has become ready, or failed before that: decided once. */
  private final AtomicBoolean settled = new AtomicBoolean();
  private volatile boolean goAwayReceived;
  private volatile long pingSentNanos;
  private volatile long lastPingAckNanos;
  private volatile Scheduler.Task keepAliveTask;
  private volatile Scheduler.Task settingsTimeout;

  /**
   * A connection for {@code pool}; {@code tls} says whether it speaks TLS (for error hints), and
   * {@code headerListLimit} is the largest header block this client encodes (Jetty's own limit).
   */
  ClientConnection(ConnectionPool pool, boolean tls, int headerListLimit) {
    this.pool = pool;
    this.tls = tls;
    this.headerListLimit = headerListLimit;
  }

  Session session() {
    return session;
  }

  void attach(Session s, Duration idleTimeout, Scheduler.Task settingsTimeout) {
    this.settingsTimeout = settingsTimeout;
    this.session = s;
    if (idleTimeout != null) {
      JettyGaps.setIdleTimeout(s, idleTimeout.toMillis());
    }
  }

  // ---- stream slots ----

  /** Whether the connection may carry new streams at all (it may still have no free slot). */
  boolean takesStreams() {
    Session s = session;
    // After GOAWAY the streams under way finish and no new ones open.
    return !goAwayReceived && !closed && s != null && !s.isClosed();
  }

  /** Takes a stream slot; false if the connection takes no streams or all its slots are in use. */
  boolean tryReserveSlot() {
    while (takesStreams()) {
      int open = streams.get();
      int limit = streamLimit;
      if (limit >= 0 && open >= limit) {
        return false;
      }
      if (streams.compareAndSet(open, open + 1)) {
        return true;
      }
    }
    return false;
  }

  /** Gives back a slot (the stream closed, or never opened) and wakes the calls waiting for one. */
  void releaseSlot() {
    streams.decrementAndGet();
    pool.dispatch();
  }

  /** Streams reserved or open (for tests and diagnostics). */
  int streamsInUse() {
    return streams.get();
  }

  /**
   * The largest request header block this connection may send, or -1 for no limit: Jetty fails the
   * whole connection when asked to encode more, so calls check first.
   */
  int maxHeaderListSize() {
    int limit = headerListLimit;
    return limit > 0 ? limit : -1;
  }

  boolean isClosed() {
    return closed;
  }

  /** Closes the connection (GOAWAY NO_ERROR, then the socket). */
  void close(String reason) {
    Session s = session;
    stopTimers();
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

  private void stopTimers() {
    Scheduler.Task t = keepAliveTask;
    if (t != null) {
      t.cancel();
    }
    cancelSettingsTimeout();
  }

  private void cancelSettingsTimeout() {
    Scheduler.Task t = settingsTimeout;
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
    if (reason != null && (reason.contains("invalid_continuation_stream") || reason.contains("invalid_hpack_block"))) {
      // Jetty ends the connection with one of these reasons when a header block (often trailers
      // carrying a large grpc-message or grpc-status-details-bin) outgrows the client's header
      // limit: the first while the block still arrives in CONTINUATION frames, the second when it
      // has arrived whole and its decoder refuses it (which one depends on how reads split it).
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

  /**
   * Marks the connection's outcome (ready, or failed before that) as decided; true the first time
   * only.
   */
  boolean settle() {
    if (settled.compareAndSet(false, true)) {
      cancelSettingsTimeout();
      return true;
    }
    return false;
  }

  /** Whether the connection is up and the server's SETTINGS came, so it may become ready. */
  boolean canBecomeReady() {
    return session != null && settingsReceived;
  }

  @Override
  public void onSettings(Session s, SettingsFrame frame) {
    Integer limit = frame.getSettings().get(SettingsFrame.MAX_CONCURRENT_STREAMS);
    if (limit != null) {
      streamLimit = limit; // Jetty has applied it already: it tells its listener last
    }
    Integer headerList = frame.getSettings().get(SettingsFrame.MAX_HEADER_LIST_SIZE);
    if (headerList != null) {
      headerListLimit = Math.min(headerListLimit, headerList); // only the parsing thread writes it
    }
    if (!settingsReceived) {
      settingsReceived = true;
      pool.connectionUp(this);
    } else if (limit != null) {
      pool.dispatch();
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
        () -> "GOAWAY from " + pool.authority() + ": " + (code == null ? frame.getError() : code)
            + (frame.tryConvertPayload() == null ? "" : " '" + frame.tryConvertPayload() + "'")
            + ", last stream " + frame.getLastStreamId());
    if (code == ErrorCode.ENHANCE_YOUR_CALM_ERROR && "too_many_pings".equals(frame.tryConvertPayload())) {
      pool.pingedTooOften();
    }
    pool.onGoAway(this);
  }

  @Override
  public void onClose(Session s, GoAwayFrame frame, Callback callback) {
    JettyClientTransport.LOG.log(System.Logger.Level.DEBUG, () -> "connection to " + pool.authority()
        + " closed" + (frame == null || frame.tryConvertPayload() == null ? "" : ": " + frame.tryConvertPayload()));
    markClosed();
    callback.succeeded();
  }

  @Override
  public void onFailure(Session s, Throwable failure, Callback callback) {
    JettyClientTransport.LOG.log(System.Logger.Level.DEBUG, "connection to " + pool.authority() + " failed",
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
      stopTimers();
      pool.onConnectionClosed(this);
    }
  }
}
