package rpc.transport.jetty.internal.stream;

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
public record TransportSettings(int sessionReceiveWindow, int streamReceiveWindow, int maxHeaderListSize,
    int resetRateLimit, Duration connectTimeout, Duration initialBackoff, Duration maxBackoff,
    Duration keepAliveTimeout, Duration idleTimeout) {

  static final int DEFAULT_SESSION_WINDOW = 8 * 1024 * 1024;
  static final int DEFAULT_STREAM_WINDOW = 1024 * 1024;
  static final int DEFAULT_MAX_HEADER_LIST = 16 * 1024;
  static final int DEFAULT_RESET_RATE = 10_000;

  /**
   * The longest Unix domain socket path the JDK binds or connects to on Linux: the kernel's 108-byte
   * {@code sun_path} less its terminating NUL, and one more byte the JDK keeps (Jetty's own limit,
   * 107, fails in the JDK with a bare "path too long").
   */
  public static final int MAX_UNIX_PATH_BYTES = 106;

  /** Settings from {@code options}, defaults for keys not given. */
  public static TransportSettings from(Map<String, String> options, Duration configuredIdle, Duration defaultIdle) {
    return new TransportSettings(
        intOption(options, JettyTransportOptions.SESSION_RECEIVE_WINDOW, DEFAULT_SESSION_WINDOW, 65_535),
        intOption(options, JettyTransportOptions.STREAM_RECEIVE_WINDOW, DEFAULT_STREAM_WINDOW, 65_535),
        intOption(options, JettyTransportOptions.MAX_HEADER_LIST_SIZE, DEFAULT_MAX_HEADER_LIST, 1024),
        intOption(options, JettyTransportOptions.RESET_RATE_LIMIT, DEFAULT_RESET_RATE, 1),
        positive(durationOption(options, JettyTransportOptions.CONNECT_TIMEOUT, Duration.ofSeconds(20)),
            JettyTransportOptions.CONNECT_TIMEOUT),
        durationOption(options, JettyTransportOptions.INITIAL_BACKOFF, Duration.ofSeconds(1)),
        durationOption(options, JettyTransportOptions.MAX_BACKOFF, Duration.ofMinutes(2)),
        durationOption(options, JettyTransportOptions.KEEPALIVE_TIMEOUT, Duration.ofSeconds(20)),
        configuredIdle != null ? configuredIdle : defaultIdle);
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

  private static Duration positive(Duration d, String key) {
    if (d.isZero()) {
      throw new IllegalArgumentException("option " + key + " must be at least 1 millisecond: 0");
    }
    return d;
  }

  /**
   * The duration in milliseconds at {@code key}, or {@code def} when the key is absent.
   *
   * @throws IllegalArgumentException if the value is not a number of milliseconds, or is negative
   */
  public static Duration durationOption(Map<String, String> options, String key, Duration def) {
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
}
