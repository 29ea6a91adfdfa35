package rpc.api;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A point in time, measured on this JVM's monotonic clock ({@link System#nanoTime()}), after which a
 * call is abandoned with {@link Status.Code#DEADLINE_EXCEEDED}.
 * Immutable. Deadlines travel on the wire as a relative timeout ({@code grpc-timeout}) and are
 * re-anchored on the receiving side.
 */
public final class Deadline implements Comparable<Deadline> {
  private final long nanoTime;

  private Deadline(long nanoTime) {
    this.nanoTime = nanoTime;
  }

  /**
   * A deadline {@code timeout} from now; a negative or zero timeout is already expired.
   *
   * @param timeout the time from now
   * @return the deadline
   */
  public static Deadline after(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    return afterNanos(saturatedNanos(timeout));
  }

  /**
   * A deadline {@code amount unit}s from now.
   *
   * @param amount the time from now, in {@code unit}s
   * @param unit the unit of {@code amount}
   * @return the deadline
   */
  public static Deadline after(long amount, TimeUnit unit) {
    return afterNanos(unit.toNanos(amount));
  }

  private static Deadline afterNanos(long nanos) {
    // Saturate instead of overflowing: about 146 years either way still compares correctly with
    // System.nanoTime(), whose differences are only meaningful within 2^63 ns.
    long clamped = Math.max(-(Long.MAX_VALUE / 2), Math.min(Long.MAX_VALUE / 2, nanos));
    return new Deadline(System.nanoTime() + clamped);
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return d.isNegative() ? Long.MIN_VALUE / 2 : Long.MAX_VALUE / 2;
    }
  }

  /** {@return whether the deadline has passed} */
  public boolean isExpired() {
    return System.nanoTime() - nanoTime >= 0;
  }

  /**
   * Nanoseconds left (zero or negative once expired).
   *
   * @return the nanoseconds left
   */
  public long remainingNanos() {
    return nanoTime - System.nanoTime();
  }

  /**
   * Time left, never negative.
   *
   * @return the time left, or zero
   */
  public Duration remaining() {
    return Duration.ofNanos(Math.max(0, remainingNanos()));
  }

  /**
   * The earlier of this deadline and {@code other} (which may be null).
   *
   * @param other another deadline, or null
   * @return the earlier deadline; this one if {@code other} is null
   */
  public Deadline min(Deadline other) {
    return other == null || compareTo(other) <= 0 ? this : other;
  }

  @Override
  public int compareTo(Deadline o) {
    return Long.compare(nanoTime - o.nanoTime, 0);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Deadline d && d.nanoTime == nanoTime;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(nanoTime);
  }

  @Override
  public String toString() {
    long r = remainingNanos();
    return "Deadline[" + (r <= 0 ? "expired " + Duration.ofNanos(-r) + " ago" : "in " + Duration.ofNanos(r)) + "]";
  }
}
