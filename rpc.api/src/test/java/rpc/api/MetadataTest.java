package rpc.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class MetadataTest {
  @Test
  void asciiAndBinaryEntries() {
    Metadata m = new Metadata().put("X-Trace", "abc").put("x-trace", "def").putBinary("blob-bin", new byte[] {0, -1, 7});
    assertEquals("def", m.get("x-trace"));
    assertEquals(List.of("abc", "def"), m.getAll("X-TRACE"));
    assertArrayEquals(new byte[] {0, -1, 7}, m.getBinary("blob-bin"));
    assertEquals(3, m.size());
    assertTrue(m.keys().containsAll(List.of("x-trace", "blob-bin")));
    assertTrue(m.removeAll("x-trace"));
    assertNull(m.get("x-trace"));
  }

  @Test
  void copiesAreDeep() {
    byte[] v = {1, 2};
    Metadata m = new Metadata().putBinary("k-bin", v);
    v[0] = 9;
    Metadata copy = m.copy();
    copy.getBinary("k-bin")[0] = 7;
    assertArrayEquals(new byte[] {1, 2}, copy.getBinary("k-bin"));
    assertArrayEquals(new byte[] {1, 2}, m.getBinary("k-bin"));
  }

  @Test
  void rejectsInvalidKeysAndValues() {
    Metadata m = new Metadata();
    assertThrows(IllegalArgumentException.class, () -> m.put("", "v"));
    assertThrows(IllegalArgumentException.class, () -> m.put("bad key", "v"));
    assertThrows(IllegalArgumentException.class, () -> m.put(":path", "v"));
    assertThrows(IllegalArgumentException.class, () -> m.put("k", "line\nbreak"));
    assertThrows(IllegalArgumentException.class, () -> m.put("k", "é"));
    assertThrows(IllegalArgumentException.class, () -> m.put("k-bin", "text"));
    assertThrows(IllegalArgumentException.class, () -> m.putBinary("k", new byte[1]));
    assertThrows(NullPointerException.class, () -> m.put("k", null));
  }
}
