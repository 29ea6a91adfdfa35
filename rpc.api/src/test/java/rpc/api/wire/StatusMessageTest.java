package rpc.api.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class StatusMessageTest {

  @Test
  void printableAsciiIsUnchanged() {
    String s = "Hello, world! (code 5) ~ok";
    assertSame(s, StatusMessage.encode(s));
  }

  @Test
  void percentAndNonAsciiAreEscaped() {
    assertEquals("50%25", StatusMessage.encode("50%"));
    assertEquals("%C3%A9t%C3%A9", StatusMessage.encode("été"));
    assertEquals("a%0Ab", StatusMessage.encode("a\nb"));
    assertEquals("%F0%9F%98%80", StatusMessage.encode("\uD83D\uDE00"));
  }

  @Test
  void edgeSpacesAreEscapedForHttp2() {
    assertEquals("%20padded%20", StatusMessage.encode(" padded "));
    assertEquals("%20", StatusMessage.encode(" "));
    assertEquals("in the middle", StatusMessage.encode("in the middle"));
    assertEquals(" padded ", StatusMessage.decode(StatusMessage.encode(" padded ")));
  }

  @Test
  void roundTrips() {
    for (String s : new String[] {"", "plain", "ünïcödé ✓ \uD83D\uDE00", "100% sure\r\n\t", " edge ", "%%%", "日本語"}) {
      assertEquals(s, StatusMessage.decode(StatusMessage.encode(s)));
    }
  }

  @Test
  void decodingIsLenient() {
    assertEquals("%", StatusMessage.decode("%"));
    assertEquals("%G1", StatusMessage.decode("%G1"));
    assertEquals("ab%4", StatusMessage.decode("ab%4"));
    assertEquals("%zz é", StatusMessage.decode("%zz %c3%a9"));
    assertEquals("\uFFFD", StatusMessage.decode("%FF"));
  }
}
