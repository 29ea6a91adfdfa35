package rpc.api;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DeadlineTest {
  @Test
  void extremeTimeoutsSaturateInsteadOfOverflowing() {
    // A huge negative timeout once overflowed into a deadline some 292 years away.
    assertTrue(Deadline.after(-1_000_000, TimeUnit.DAYS).isExpired());
    assertTrue(Deadline.after(Long.MIN_VALUE, TimeUnit.NANOSECONDS).isExpired());
    assertTrue(Deadline.after(Duration.ofDays(-365L * 1000)).isExpired());
    assertFalse(Deadline.after(Long.MAX_VALUE, TimeUnit.NANOSECONDS).isExpired());
    assertFalse(Deadline.after(Duration.ofDays(365L * 1000)).isExpired());
    assertTrue(Deadline.after(Long.MAX_VALUE, TimeUnit.DAYS).remainingNanos() > TimeUnit.DAYS.toNanos(365L * 100));
  }

  @Test
  void zeroOrNegativeIsExpired() {
    assertTrue(Deadline.after(Duration.ZERO).isExpired());
    assertTrue(Deadline.after(-1, TimeUnit.MILLISECONDS).isExpired());
  }
}
