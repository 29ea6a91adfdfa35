package rpc.transport.jetty.internal.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import rpc.transport.jetty.JettyTransportOptions;

class TransportSettingsTest {

  @Test
  void defaults() {
    TransportSettings s = TransportSettings.from(Map.of(), null, Duration.ofMinutes(30));
    assertEquals(8 * 1024 * 1024, s.sessionReceiveWindow());
    assertEquals(1024 * 1024, s.streamReceiveWindow());
    assertEquals(16 * 1024, s.maxHeaderListSize());
    assertEquals(10_000, s.resetRateLimit());
    assertEquals(Duration.ofSeconds(1), s.initialBackoff());
    assertEquals(Duration.ofMinutes(2), s.maxBackoff());
    assertEquals(Duration.ofSeconds(20), s.connectTimeout());
    assertEquals(Duration.ofMinutes(30), s.idleTimeout());
  }

  @Test
  void optionsOverrideDefaults() {
    TransportSettings s = TransportSettings.from(Map.of(JettyTransportOptions.STREAM_RECEIVE_WINDOW, "2_097_152",
        JettyTransportOptions.INITIAL_BACKOFF, "100"), Duration.ofSeconds(5), Duration.ofMinutes(30));
    assertEquals(2 * 1024 * 1024, s.streamReceiveWindow());
    assertEquals(Duration.ofMillis(100), s.initialBackoff());
    assertEquals(Duration.ofSeconds(5), s.idleTimeout());
  }

  @Test
  void badValuesAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> TransportSettings.from(
        Map.of(JettyTransportOptions.SESSION_RECEIVE_WINDOW, "lots"), null, Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> TransportSettings.from(
        Map.of(JettyTransportOptions.STREAM_RECEIVE_WINDOW, "100"), null, Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> TransportSettings.from(
        Map.of(JettyTransportOptions.CONNECT_TIMEOUT, "-1"), null, Duration.ZERO));
  }
}
