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
