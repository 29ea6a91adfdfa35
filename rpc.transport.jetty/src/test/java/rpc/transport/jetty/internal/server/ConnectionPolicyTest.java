package rpc.transport.jetty.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import rpc.transport.jetty.JettyTransportOptions;

class ConnectionPolicyTest {

  @Test
  void defaultsAreGrpcs() {
    ConnectionPolicy p = ConnectionPolicy.from(Map.of());
    assertEquals(Duration.ofMinutes(5), p.permitKeepAliveTime());
    assertEquals(false, p.permitKeepAliveWithoutCalls());
    assertEquals(null, p.maxConnectionAge());
    assertEquals(null, p.maxConnectionAgeGrace());
    assertEquals(null, p.maxConnectionIdle());
  }

  @Test
  void fromOptions() {
    ConnectionPolicy p = ConnectionPolicy.from(Map.of(
        JettyTransportOptions.PERMIT_KEEPALIVE_TIME, "0", JettyTransportOptions.PERMIT_KEEPALIVE_WITHOUT_CALLS, " TRUE",
        JettyTransportOptions.MAX_CONNECTION_AGE, "60_000", JettyTransportOptions.MAX_CONNECTION_AGE_GRACE, "0",
        JettyTransportOptions.MAX_CONNECTION_IDLE, "1000"));
    assertEquals(Duration.ZERO, p.permitKeepAliveTime());
    assertEquals(true, p.permitKeepAliveWithoutCalls());
    assertEquals(Duration.ofMinutes(1), p.maxConnectionAge());
    assertEquals(Duration.ZERO, p.maxConnectionAgeGrace());
    assertEquals(Duration.ofSeconds(1), p.maxConnectionIdle());
  }

  @Test
  void badValuesSayWhatIsWrong() {
    IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
        () -> ConnectionPolicy.from(Map.of(JettyTransportOptions.MAX_CONNECTION_AGE, "0")));
    assertEquals("option jetty.maxConnectionAge must be positive (leave it out for no limit): 0", zero.getMessage());
    IllegalArgumentException yes = assertThrows(IllegalArgumentException.class,
        () -> ConnectionPolicy.from(Map.of(JettyTransportOptions.PERMIT_KEEPALIVE_WITHOUT_CALLS, "yes")));
    assertEquals("option jetty.permitKeepAliveWithoutCalls must be true or false: yes", yes.getMessage());
    IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
        () -> ConnectionPolicy.from(Map.of(JettyTransportOptions.PERMIT_KEEPALIVE_TIME, "-1")));
    assertEquals("option jetty.permitKeepAliveTime must not be negative: -1", negative.getMessage());
  }
}
