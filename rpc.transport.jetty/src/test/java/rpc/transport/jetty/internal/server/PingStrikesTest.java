package rpc.transport.jetty.internal.server;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The strike rule on its own, with time given rather than measured. */
class PingStrikesTest {
  private static final long START = 1_000_000_000L; // any nanoTime origin; overflow-safe arithmetic is used
  private static final long SECOND = 1_000_000_000L;

  @Test
  void theThirdStrikeIsTooMany() {
    PingStrikes strikes = new PingStrikes(Duration.ofSeconds(10), false, START);
    assertFalse(strikes.tooMany(START + SECOND, true));
    assertFalse(strikes.tooMany(START + 2 * SECOND, true));
    assertTrue(strikes.tooMany(START + 3 * SECOND, true), "strike 3, more than the 2 tolerated");
  }

  @Test
  void pingsAtThePermittedIntervalAreNoStrikes() {
    PingStrikes strikes = new PingStrikes(Duration.ofSeconds(10), false, START);
    for (int i = 1; i <= 100; i++) {
      assertFalse(strikes.tooMany(START + i * 10 * SECOND, true), "ping " + i);
    }
  }

  @Test
  void aPermittedPingRestartsTheIntervalButKeepsTheStrikes() {
    PingStrikes strikes = new PingStrikes(Duration.ofSeconds(10), false, START);
    assertFalse(strikes.tooMany(START + SECOND, true)); // strike 1
    assertFalse(strikes.tooMany(START + 11 * SECOND, true)); // permitted
    assertFalse(strikes.tooMany(START + 12 * SECOND, true)); // strike 2
    assertTrue(strikes.tooMany(START + 13 * SECOND, true)); // strike 3
  }

  @Test
  void withoutCallsThePermittedIntervalIsTwoHoursUnlessPermitted() {
    long hour = 3600 * SECOND;
    PingStrikes strict = new PingStrikes(Duration.ZERO, false, START);
    assertFalse(strict.tooMany(START + hour, false));
    assertFalse(strict.tooMany(START + hour + 1, false));
    assertTrue(strict.tooMany(START + hour + 2, false));
    PingStrikes longAgo = new PingStrikes(Duration.ZERO, false, START);
    assertFalse(longAgo.tooMany(START + 2 * hour, false));
    assertFalse(longAgo.tooMany(START + 4 * hour, false));
    assertFalse(longAgo.tooMany(START + 6 * hour, false));
    PingStrikes lenient = new PingStrikes(Duration.ZERO, true, START);
    for (int i = 0; i < 100; i++) {
      assertFalse(lenient.tooMany(START + i, false));
    }
  }

  @Test
  void aPermitTimeBeyondTwoHoursIsTwoHoursWithCallsToo() {
    PingStrikes strikes = new PingStrikes(Duration.ofDays(1), false, START);
    for (int i = 1; i <= 5; i++) {
      assertFalse(strikes.tooMany(START + i * 7200 * SECOND, true));
    }
  }

  @Test
  void responsesForgiveStrikesAndPermitTheNextPing() {
    PingStrikes strikes = new PingStrikes(Duration.ofMinutes(5), false, START);
    for (int i = 1; i <= 100; i++) {
      strikes.forgive();
      assertFalse(strikes.tooMany(START + i, true), "ping " + i + " after a response");
    }
    assertFalse(strikes.tooMany(START + 101, true)); // strike 1
    assertFalse(strikes.tooMany(START + 102, true)); // strike 2
    strikes.forgive();
    assertFalse(strikes.tooMany(START + 103, true));
    assertFalse(strikes.tooMany(START + 104, true)); // strike 1 again
    assertFalse(strikes.tooMany(START + 105, true)); // strike 2
    assertTrue(strikes.tooMany(START + 106, true));
  }

  @Test
  void timeIsComparedAcrossTheNanoTimeWrap() {
    long nearWrap = Long.MAX_VALUE - SECOND;
    PingStrikes strikes = new PingStrikes(Duration.ofSeconds(10), false, nearWrap);
    for (int i = 1; i <= 5; i++) {
      assertFalse(strikes.tooMany(nearWrap + i * 10 * SECOND, true), "ping " + i);
    }
  }
}
