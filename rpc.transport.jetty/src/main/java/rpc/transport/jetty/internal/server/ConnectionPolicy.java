package rpc.transport.jetty.internal.server;

import java.time.Duration;
import java.util.Map;
import rpc.transport.jetty.JettyTransportOptions;
import rpc.transport.jetty.internal.stream.TransportSettings;

/**
 * How a server polices and retires its connections: keepalive enforcement (gRFC A8) and maximum
 * connection age and idleness (gRFC A9), from defaults and a server's options map (see
 * {@link JettyTransportOptions} for the keys). A null duration means no limit.
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

  /** A server's connection policy from {@code options}, {@link #DEFAULT} for keys not given. */
  static ConnectionPolicy from(Map<String, String> options) {
    ConnectionPolicy d = DEFAULT;
    return new ConnectionPolicy(
        TransportSettings.durationOption(options, JettyTransportOptions.PERMIT_KEEPALIVE_TIME, d.permitKeepAliveTime()),
        booleanOption(options, JettyTransportOptions.PERMIT_KEEPALIVE_WITHOUT_CALLS, d.permitKeepAliveWithoutCalls()),
        positiveDurationOption(options, JettyTransportOptions.MAX_CONNECTION_AGE),
        TransportSettings.durationOption(options, JettyTransportOptions.MAX_CONNECTION_AGE_GRACE,
            d.maxConnectionAgeGrace()),
        positiveDurationOption(options, JettyTransportOptions.MAX_CONNECTION_IDLE));
  }

  /** A limit that is either absent (null: none) or a positive number of milliseconds. */
  private static Duration positiveDurationOption(Map<String, String> options, String key) {
    Duration d = TransportSettings.durationOption(options, key, null);
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
