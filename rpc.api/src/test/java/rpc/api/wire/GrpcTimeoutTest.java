package rpc.api.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class GrpcTimeoutTest {
  @Test
  void roundTripsWithoutShortening() {
    long[] samples = {1, 999, 99_999_999L, 100_000_000L, TimeUnit.SECONDS.toNanos(30), TimeUnit.HOURS.toNanos(50),
        TimeUnit.DAYS.toNanos(3000)};
    for (long n : samples) {
      String v = GrpcTimeout.encode(n);
      assertTrue(v.length() <= 9, v);
      assertTrue(GrpcTimeout.parseNanos(v) >= n, v + " shortened " + n);
    }
    assertEquals("1n", GrpcTimeout.encode(-5));
  }

  @Test
  void longestTimeoutsEncodeWithoutOverflow() {
    // Rounding up used to overflow to a negative number, which the peer refused as malformed.
    for (long n : new long[] {Long.MAX_VALUE, Long.MAX_VALUE - 1, Long.MAX_VALUE / 2}) {
      String v = GrpcTimeout.encode(n);
      assertTrue(v.length() <= 9 && Character.isDigit(v.charAt(0)), v);
      long back = GrpcTimeout.parseNanos(v);
      assertTrue(back > 0, () -> v + " parses to " + back);
    }
  }

  @Test
  void parsesUnitsAndRejectsGarbage() {
    assertEquals(TimeUnit.HOURS.toNanos(2), GrpcTimeout.parseNanos("2H"));
    assertEquals(TimeUnit.MINUTES.toNanos(3), GrpcTimeout.parseNanos("3M"));
    assertEquals(TimeUnit.SECONDS.toNanos(4), GrpcTimeout.parseNanos("4S"));
    assertEquals(TimeUnit.MILLISECONDS.toNanos(5), GrpcTimeout.parseNanos("5m"));
    assertEquals(6_000, GrpcTimeout.parseNanos("6u"));
    assertEquals(7, GrpcTimeout.parseNanos("7n"));
    for (String bad : new String[] {"", "S", "123456789S", "1x", "-1S", "1.5S", "abc"}) {
      assertThrows(IllegalArgumentException.class, () -> GrpcTimeout.parseNanos(bad), bad);
    }
  }
}
