package rpc.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class CallOptionsTest {

  @Test
  void aTimeoutIsKeptRelativeUntilACallStarts() {
    CallOptions options = CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(5));
    assertEquals(Duration.ofSeconds(5), options.timeout());
    assertNull(options.deadline(), "withTimeout fixes no deadline when it is called");
    CallOptions started = options.startingNow();
    assertNull(started.timeout());
    assertNotNull(started.deadline());
    long left = started.deadline().remainingNanos();
    assertTrue(left <= Duration.ofSeconds(5).toNanos() && left > Duration.ofSeconds(4).toNanos(),
        () -> "the call's deadline is " + Duration.ofNanos(left) + " away");
  }

  @Test
  void theEarlierOfDeadlineAndTimeoutIsTheCallsDeadline() {
    Deadline soon = Deadline.after(Duration.ofSeconds(1));
    CallOptions both = CallOptions.DEFAULT.withDeadline(soon).withTimeout(Duration.ofHours(1));
    assertSame(soon, both.deadlineFromNow());
    assertSame(soon, both.startingNow().deadline());
    CallOptions timeoutFirst = CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(1))
        .withDeadline(Deadline.after(Duration.ofHours(1)));
    assertTrue(timeoutFirst.deadlineFromNow().remainingNanos() <= Duration.ofSeconds(1).toNanos());
  }

  @Test
  void withoutATimeoutNothingChanges() {
    assertSame(CallOptions.DEFAULT, CallOptions.DEFAULT.startingNow());
    assertNull(CallOptions.DEFAULT.deadlineFromNow());
    CallOptions removed = CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(1)).withTimeout(null);
    assertNull(removed.timeout());
    assertNull(removed.deadlineFromNow());
  }

  @Test
  void otherSettingsKeepTheTimeout() {
    CallOptions options = CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(3)).withWaitForReady(true)
        .withCompression("gzip").withHeaders(new Metadata()).withMaxInboundMessageSize(10);
    assertEquals(Duration.ofSeconds(3), options.timeout());
    CallOptions started = options.startingNow();
    assertTrue(started.waitForReady());
    assertEquals("gzip", started.compression());
    assertEquals(10, started.maxInboundMessageSize());
  }
}
