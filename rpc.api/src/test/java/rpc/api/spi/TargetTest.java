package rpc.api.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TargetTest {
  @Test
  void parsesEveryForm() {
    check("inprocess:orders", "inprocess", "orders");
    check("localhost:50051", "dns", "localhost:50051");
    check("127.0.0.1:8080", "dns", "127.0.0.1:8080");
    check("dns:///example.test:443", "dns", "example.test:443");
    check("http://127.0.0.1:8080", "http", "127.0.0.1:8080");
    check("https://host.test:8443/", "https", "host.test:8443");
    check("[::1]:9000", "dns", "[::1]:9000");
    Target v6 = Target.parse("[::1]:9000");
    assertEquals("::1", v6.host());
    assertEquals(9000, v6.port(0));
    assertEquals(443, Target.parse("https://host.test").port(443));
    assertEquals("host.test", Target.parse("https://host.test").host());
  }

  @Test
  void rejectsMalformed() {
    assertThrows(IllegalArgumentException.class, () -> Target.parse(" "));
    assertThrows(IllegalArgumentException.class, () -> Target.parse("inprocess:"));
    assertThrows(IllegalArgumentException.class, () -> Target.parse("host:99999").port(0));
  }

  @Test
  void dnsServerAuthorityIsRefusedNotUsedAsTheAddress() {
    // dns://8.8.8.8/name once connected to the DNS server itself.
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Target.parse("dns://8.8.8.8/example.com:443"));
    assertTrue(e.getMessage().contains("8.8.8.8") && e.getMessage().contains("dns:///example.com:443"),
        e.getMessage());
  }

  @Test
  void unixTargetsNameTheirSocketPath() {
    check("unix:///tmp/app.sock", "unix", "/tmp/app.sock");
    check("unix:relative.sock", "unix", "relative.sock");
    assertThrows(IllegalArgumentException.class, () -> Target.parse("unix:"));
  }

  @Test
  void badPortIsReportedAsAPort() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Target.parse("dns:///localhost:abc").port(80));
    assertTrue(e.getMessage().contains("'abc'") && e.getMessage().contains("localhost:abc"), e.getMessage());
  }

  private static void check(String text, String scheme, String authority) {
    Target t = Target.parse(text);
    assertEquals(scheme, t.scheme(), text);
    assertEquals(authority, t.authority(), text);
  }
}
