package rpc.transport.jetty.internal.server;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Decides whether a client PINGs a server connection more often than the server permits (gRFC A8,
 * as grpc-java's and grpc-go's servers do). A PING that comes sooner than permitted after the last
 * permitted one is a strike; the strike past {@link #MAX_STRIKES} means the client is misbehaving
 * and the connection should be closed with GOAWAY {@code ENHANCE_YOUR_CALM}.
 *
 * <p>How soon is too soon depends on whether the client has calls open: with calls, once per
 * {@code permitTime}; without, once per {@link #WITHOUT_CALLS_INTERVAL} unless the server permits
 * PINGs without calls. Clients may answer what the server sends with PINGs (grpc's flow control
 * measures bandwidth so), so when the server sends response headers or data the strikes are
 * {@linkplain #forgive() forgiven} and the next PING is permitted whenever it comes.
 *
 * <p>Thread-safe, on one condition: {@link #tooMany} is called by one thread at a time (the
 * connection's frame parser). {@link #forgive} may be called from any thread.
 */
final class PingStrikes {
  /** Strikes tolerated; one more closes the connection (grpc's number). */
  static final int MAX_STRIKES = 2;

  /** Without calls and without permission, a PING is due no more than once in this long (as grpc). */
  static final Duration WITHOUT_CALLS_INTERVAL = Duration.ofHours(2);

  private final long withCallsNanos;
  private final long withoutCallsNanos;
  /** Set by {@link #forgive}, taken by {@link #tooMany}: the only state two threads share. */
  private final AtomicBoolean forgiven = new AtomicBoolean();
  // Owned by the thread calling tooMany.
  private long lastPermittedNanos;
  private int strikes;

  /**
   * @param permitTime the shortest interval between PINGs while calls are open
   * @param permitWithoutCalls whether that interval applies without calls too
   * @param startNanos when the connection opened ({@link System#nanoTime()}): the first PING is
   *     measured from then
   */
  PingStrikes(Duration permitTime, boolean permitWithoutCalls, long startNanos) {
    long limit = WITHOUT_CALLS_INTERVAL.toNanos();
    // Longer than the interval without calls would make an open call a reason to ping less.
    this.withCallsNanos = permitTime.compareTo(WITHOUT_CALLS_INTERVAL) >= 0 ? limit : permitTime.toNanos();
    this.withoutCallsNanos = permitWithoutCalls ? withCallsNanos : limit;
    this.lastPermittedNanos = startNanos;
  }

  /**
   * Counts a PING (not a PING's answer) received at {@code nowNanos}.
   *
   * @param nowNanos {@link System#nanoTime()} when it arrived
   * @param callsOpen whether the connection has calls open
   * @return true if this PING is one strike too many: close the connection
   */
  boolean tooMany(long nowNanos, boolean callsOpen) {
    if (forgiven.getAndSet(false)) {
      strikes = 0;
      lastPermittedNanos = nowNanos;
      return false;
    }
    long interval = callsOpen ? withCallsNanos : withoutCallsNanos;
    if (nowNanos - lastPermittedNanos >= interval) {
      lastPermittedNanos = nowNanos;
      return false;
    }
    return ++strikes > MAX_STRIKES;
  }

  /** The server sent response headers or data: the client may answer them with a PING. */
  void forgive() {
    if (!forgiven.get()) { // a read, not a write, for every frame after the first
      forgiven.set(true);
    }
  }

  /** Strikes counted since the last forgiveness, for messages. */
  int strikes() {
    return strikes;
  }
}
