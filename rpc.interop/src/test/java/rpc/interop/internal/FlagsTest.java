package rpc.interop.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

class FlagsTest {
  private static final Set<String> KNOWN = Set.of("port", "use_tls", "host");
  private static final Set<String> BOOLEANS = Set.of("use_tls");

  @Test
  void acceptsEqualsSpaceAndBareBooleans() {
    Flags f = Flags.parse(new String[] {"--port=10000", "--host", "::1", "--use_tls"}, KNOWN, BOOLEANS);
    assertEquals(10000, f.integer("port", 0));
    assertEquals("::1", f.string("host", null));
    assertTrue(f.bool("use_tls", false));
  }

  @Test
  void aBooleanMayTakeTrueOrFalseAsTheNextArgument() {
    assertFalse(Flags.parse(new String[] {"--use_tls", "false", "--port", "1"}, KNOWN, BOOLEANS).bool("use_tls", true));
    assertTrue(Flags.parse(new String[] {"--use_tls=true"}, KNOWN, BOOLEANS).bool("use_tls", false));
  }

  @Test
  void defaultsApplyToFlagsNotGiven() {
    Flags f = Flags.parse(new String[0], KNOWN, BOOLEANS);
    assertEquals(7, f.integer("port", 7));
    assertEquals("127.0.0.1", f.string("host", "127.0.0.1"));
    assertFalse(f.bool("use_tls", false));
  }

  @Test
  void badInputIsNamed() {
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> Flags.parse(new String[] {"--nope=1"}, KNOWN, BOOLEANS)).getMessage().contains("--nope"));
    assertThrows(IllegalArgumentException.class, () -> Flags.parse(new String[] {"port=1"}, KNOWN, BOOLEANS));
    assertThrows(IllegalArgumentException.class, () -> Flags.parse(new String[] {"--port"}, KNOWN, BOOLEANS));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> Flags.parse(new String[] {"--port=ten"}, KNOWN, BOOLEANS).integer("port", 0)).getMessage().contains("ten"));
    assertThrows(IllegalArgumentException.class,
        () -> Flags.parse(new String[] {"--use_tls=maybe"}, KNOWN, BOOLEANS).bool("use_tls", false));
  }
}
