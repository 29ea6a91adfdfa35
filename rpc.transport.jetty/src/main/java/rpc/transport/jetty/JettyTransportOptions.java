package rpc.transport.jetty;

import java.util.Set;

/**
 * The option keys the Jetty transport reads from {@code Channel.Builder.option(key, value)} and
 * {@code Server.Builder.option(key, value)}, with their defaults. Sizes are bytes, durations
 * milliseconds, both as decimal text.
 * Immutable (constants only).
 */
public final class JettyTransportOptions {

  /**
   * HTTP/2 connection-level receive window (default 8 MiB). The sum of unread data of all calls on
   * one connection never exceeds it.
   */
  public static final String SESSION_RECEIVE_WINDOW = "jetty.sessionReceiveWindow";

  /**
   * HTTP/2 stream-level receive window (default 1 MiB): how much a peer may send a call ahead of
   * what its reader has consumed.
   */
  public static final String STREAM_RECEIVE_WINDOW = "jetty.streamReceiveWindow";

  /** Largest header block (request headers, response headers or trailers) accepted (default 16 KiB). */
  public static final String MAX_HEADER_LIST_SIZE = "jetty.maxHeaderListSize";

  /**
   * Server: how many rate-limited frames (RST_STREAM, PING, SETTINGS, PRIORITY, empty DATA and
   * headers that fail to decode) one connection may send per second before it is closed with
   * GOAWAY {@code ENHANCE_YOUR_CALM} (default 10000; Jetty's own default of 128 is tripped by
   * ordinary bursts of cancellations).
   */
  public static final String RESET_RATE_LIMIT = "jetty.resetRateLimit";

  /** Client: how long a connection attempt may take (default 20000). */
  public static final String CONNECT_TIMEOUT = "jetty.connectTimeout";

  /**
   * Client: the delay before the first reconnect after a failed connection attempt (default 1000);
   * later delays grow by 1.6× with ±20% jitter.
   */
  public static final String INITIAL_BACKOFF = "jetty.initialBackoff";

  /** Client: the longest reconnect delay (default 120000). */
  public static final String MAX_BACKOFF = "jetty.maxBackoff";

  /**
   * Client: with a keepalive time set on the channel, how long to wait for the PING's answer
   * before the connection is considered dead and closed (default 20000).
   */
  public static final String KEEPALIVE_TIMEOUT = "jetty.keepAliveTimeout";

  /**
   * Server: the shortest interval at which a client may send keepalive PINGs while it has calls
   * open (default 300000, five minutes, as grpc). A PING sooner than that after the last permitted
   * one is a strike; the third strike closes the connection with GOAWAY {@code ENHANCE_YOUR_CALM}
   * and debug data {@code too_many_pings}, which grpc clients answer by pinging less often. The
   * strikes are forgiven whenever the server sends response headers or data. {@code 0} permits any
   * rate while calls are open.
   */
  public static final String PERMIT_KEEPALIVE_TIME = "jetty.permitKeepAliveTime";

  /**
   * Server: whether clients may send keepalive PINGs at the {@link #PERMIT_KEEPALIVE_TIME} rate
   * while they have no call open (default {@code false}: without calls, only one PING in two hours
   * is permitted, as in grpc). {@code true} or {@code false}.
   */
  public static final String PERMIT_KEEPALIVE_WITHOUT_CALLS = "jetty.permitKeepAliveWithoutCalls";

  /**
   * Server: the age (±10% jitter, so that connections made together do not all end together) at
   * which a connection is drained (default: none). The client is told with GOAWAY to open a new
   * connection for new calls; calls in flight finish on the old one, for at most
   * {@link #MAX_CONNECTION_AGE_GRACE}. Helps spread clients over servers added behind a load
   * balancer. Must be positive.
   */
  public static final String MAX_CONNECTION_AGE = "jetty.maxConnectionAge";

  /**
   * Server: how long calls in flight may still run on a connection drained for its
   * {@link #MAX_CONNECTION_AGE} (default: as long as they take). Calls still running then end with
   * {@code UNAVAILABLE} and the connection is closed.
   */
  public static final String MAX_CONNECTION_AGE_GRACE = "jetty.maxConnectionAgeGrace";

  /**
   * Server: how long a connection may carry no call before it is drained with GOAWAY (default:
   * none). Unlike the server's {@code idleTimeout}, PINGs do not count as use, and the close is
   * graceful: a call that races it is still served. Must be positive.
   */
  public static final String MAX_CONNECTION_IDLE = "jetty.maxConnectionIdle";

  /** The keys a channel may set: any other key fails {@code Channel.Builder.build()}. */
  public static final Set<String> CLIENT_KEYS = Set.of(SESSION_RECEIVE_WINDOW, STREAM_RECEIVE_WINDOW,
      MAX_HEADER_LIST_SIZE, CONNECT_TIMEOUT, INITIAL_BACKOFF, MAX_BACKOFF, KEEPALIVE_TIMEOUT);

  /** The keys a server may set: any other key fails {@code Server.Builder.build()}. */
  public static final Set<String> SERVER_KEYS = Set.of(SESSION_RECEIVE_WINDOW, STREAM_RECEIVE_WINDOW,
      MAX_HEADER_LIST_SIZE, RESET_RATE_LIMIT, PERMIT_KEEPALIVE_TIME, PERMIT_KEEPALIVE_WITHOUT_CALLS, MAX_CONNECTION_AGE,
      MAX_CONNECTION_AGE_GRACE, MAX_CONNECTION_IDLE);

  private JettyTransportOptions() {}
}
