package rpc.api.wire;

import java.util.concurrent.TimeUnit;

/**
 * The {@code grpc-timeout} header: at most 8 ASCII digits followed by a unit ({@code H} hours,
 * {@code M} minutes, {@code S} seconds, {@code m} milliseconds, {@code u} microseconds,
 * {@code n} nanoseconds).
 * Thread-safe (stateless).
 */
public final class GrpcTimeout {
  private static final long MAX = 99_999_999L;

  private GrpcTimeout() {}

  /**
   * Encodes a timeout, choosing the finest unit whose value fits in 8 digits. A zero or negative
   * timeout encodes as {@code 1n}, so the peer still sees an (expired) deadline.
   *
   * @param nanos the timeout in nanoseconds
   * @return the {@code grpc-timeout} value
   */
  public static String encode(long nanos) {
    if (nanos <= 0) {
      return "1n";
    }
    if (nanos <= MAX) {
      return nanos + "n";
    }
    long[] per = {1_000L, 1_000_000L, 1_000_000_000L, 60_000_000_000L, 3_600_000_000_000L};
    char[] units = {'u', 'm', 'S', 'M', 'H'};
    for (int i = 0; i < per.length; i++) {
      long v = Math.ceilDiv(nanos, per[i]); // round up: never shorten the deadline (and never overflow)
      if (v <= MAX) {
        return v + String.valueOf(units[i]);
      }
    }
    return MAX + "H";
  }

  /**
   * Parses a header value into nanoseconds.
   *
   * @param value the {@code grpc-timeout} value
   * @return the timeout in nanoseconds
   * @throws IllegalArgumentException if the value is not 1–8 digits and a valid unit
   */
  public static long parseNanos(String value) {
    if (value == null || value.length() < 2 || value.length() > 9) {
      throw new IllegalArgumentException("invalid grpc-timeout: '" + value + "'");
    }
    long amount = 0;
    for (int i = 0; i < value.length() - 1; i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        throw new IllegalArgumentException("invalid grpc-timeout: '" + value + "'");
      }
      amount = amount * 10 + (c - '0');
    }
    TimeUnit unit = switch (value.charAt(value.length() - 1)) {
      case 'H' -> TimeUnit.HOURS;
      case 'M' -> TimeUnit.MINUTES;
      case 'S' -> TimeUnit.SECONDS;
      case 'm' -> TimeUnit.MILLISECONDS;
      case 'u' -> TimeUnit.MICROSECONDS;
      case 'n' -> TimeUnit.NANOSECONDS;
      default -> throw new IllegalArgumentException("invalid grpc-timeout unit: '" + value + "'");
    };
    return unit.toNanos(amount);
  }
}
