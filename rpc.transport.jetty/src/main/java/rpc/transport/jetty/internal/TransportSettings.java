package rpc.transport.jetty.internal;

import java.time.Duration;
import java.util.Map;
import rpc.transport.jetty.JettyTransportOptions;

/**
 * The tuning of the Jetty transport, from defaults and the options map of a channel or server (see
 * {@link JettyTransportOptions} for the keys).
 *
 * <p>Immutable.
 *
 * @param sessionReceiveWindow HTTP/2 connection receive window, bytes
 * @param streamReceiveWindow HTTP/2 stream receive window, bytes
 * @param maxHeaderListSize largest header block accepted, bytes
 * @param resetRateLimit frames per second a connection may send of the kinds Jetty rate-limits
 *     (RST_STREAM, PING, SETTINGS, empty DATA...) before it is closed with ENHANCE_YOUR_CALM
 * @param connectTimeout how long a connection attempt may take
 * @param initialBackoff first reconnect delay after a failed connection attempt
 * @param maxBackoff longest reconnect delay
 * @param keepAliveTimeout how long to wait for a keepalive PING's answer before closing
 * @param idleTimeout default idle timeout of connections (no calls for this long closes them)
 */
record TransportSettings(int sessionReceiveWindow, int streamReceiveWindow, int maxHeaderListSize,
    int resetRateLimit, Duration connectTimeout, Duration initialBackoff, Duration maxBackoff,
    Duration keepAliveTimeout, Duration idleTimeout) {

  static final int DEFAULT_SESSION_WINDOW = 8 * 1024 * 1024;
  static final int DEFAULT_STREAM_WINDOW = 1024 * 1024;
  static final int DEFAULT_MAX_HEADER_LIST = 16 * 1024;
  static final int DEFAULT_RESET_RATE = 10_000;

  /** Settings from {@code options}, defaults for keys not given. */
  static TransportSettings from(Map<String, String> options, Duration configuredIdle, Duration defaultIdle) {
    return new TransportSettings(
        intOption(options, JettyTransportOptions.SESSION_RECEIVE_WINDOW, DEFAULT_SESSION_WINDOW, 65_535),
        intOption(options, JettyTransportOptions.STREAM_RECEIVE_WINDOW, DEFAULT_STREAM_WINDOW, 65_535),
        intOption(options, JettyTransportOptions.MAX_HEADER_LIST_SIZE, DEFAULT_MAX_HEADER_LIST, 1024),
        intOption(options, JettyTransportOptions.RESET_RATE_LIMIT, DEFAULT_RESET_RATE, 1),
        durationOption(options, JettyTransportOptions.CONNECT_TIMEOUT, Duration.ofSeconds(20)),
        durationOption(options, JettyTransportOptions.INITIAL_BACKOFF, Duration.ofSeconds(1)),
        durationOption(options, JettyTransportOptions.MAX_BACKOFF, Duration.ofMinutes(2)),
        durationOption(options, JettyTransportOptions.KEEPALIVE_TIMEOUT, Duration.ofSeconds(20)),
        configuredIdle != null ? configuredIdle : defaultIdle);
  }

  /**
   * How a server polices and retires its connections: keepalive enforcement (gRFC A8) and maximum
   * connection age and idleness (gRFC A9). A null duration means no limit.
   *
   * <p>Immutable.
   *
   * @param permitKeepAliveTime the shortest interval at which a client may PING while it has calls
   *     open (more often is a strike; more than {@link PingStrikes#MAX_STRIKES} strikes close the
   *     connection with GOAWAY {@code ENHANCE_YOUR_CALM})
   * @param permitKeepAliveWithoutCalls whether the client may PING at that rate without calls open
   * @param maxConnectionAge how old a connection may grow before it is drained with GOAWAY, or null
   * @param maxConnectionAgeGrace how long calls may still run once it is, or null for as long as they take
   * @param maxConnectionIdle how long a connection may carry no call before it is drained, or null
   */
  record ConnectionPolicy(Duration permitKeepAliveTime, boolean permitKeepAliveWithoutCalls,
      Duration maxConnectionAge, Duration maxConnectionAgeGrace, Duration maxConnectionIdle) {

    /** grpc's default: PINGs at most every 5 minutes, only while calls are open; no age or idle limit. */
    static final ConnectionPolicy DEFAULT = new ConnectionPolicy(Duration.ofMinutes(5), false, null, null, null);
  }

  /** A server's connection policy from {@code options}, {@link ConnectionPolicy#DEFAULT} for keys not given. */
  static ConnectionPolicy connectionPolicy(Map<String, String> options) {
    ConnectionPolicy d = ConnectionPolicy.DEFAULT;
    return new ConnectionPolicy(
        durationOption(options, JettyTransportOptions.PERMIT_KEEPALIVE_TIME, d.permitKeepAliveTime()),
        booleanOption(options, JettyTransportOptions.PERMIT_KEEPALIVE_WITHOUT_CALLS, d.permitKeepAliveWithoutCalls()),
        positiveDurationOption(options, JettyTransportOptions.MAX_CONNECTION_AGE),
        durationOption(options, JettyTransportOptions.MAX_CONNECTION_AGE_GRACE, d.maxConnectionAgeGrace()),
        positiveDurationOption(options, JettyTransportOptions.MAX_CONNECTION_IDLE));
  }

  private static int intOption(Map<String, String> options, String key, int def, int min) {
    String v = options.get(key);
    if (v == null) {
      return def;
    }
    try {
      int n = Integer.parseInt(v.strip().replace("_", ""));
      if (n < min) {
        throw new IllegalArgumentException("option " + key + " must be at least " + min + ": " + v);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("option " + key + " is not a number: " + v, e);
    }
  }

  private static Duration durationOption(Map<String, String> options, String key, Duration def) {
    String v = options.get(key);
    if (v == null) {
      return def;
    }
    try {
      long ms = Long.parseLong(v.strip().replace("_", ""));
      if (ms < 0) {
        throw new IllegalArgumentException("option " + key + " must not be negative: " + v);
      }
      return Duration.ofMillis(ms);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("option " + key + " is not a number of milliseconds: " + v, e);
    }
  }

  /** A limit that is either absent (null: none) or a positive number of milliseconds. */
  private static Duration positiveDurationOption(Map<String, String> options, String key) {
    Duration d = durationOption(options, key, null);
    if (d != null && d.isZero()) {
      throw new IllegalArgumentException("option " + key + " must be positive (leave it out for no limit): "
          + options.get(key));
    }
    return d;
  }

  private static boolean booleanOption(Map<String, String> options, String key, boolean def) {
    String v = options.get(key);
    if (v == null) {
      return def;
    }
    return switch (v.strip().toLowerCase(java.util.Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException("option " + key + " must be true or false: " + v);
    };
  }
}
