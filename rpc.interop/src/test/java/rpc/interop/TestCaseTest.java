package rpc.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TestCaseTest {
  @Test
  void idsAreTheInteropNames() {
    assertEquals("empty_unary", TestCase.EMPTY_UNARY.id());
    assertEquals(TestCase.TIMEOUT_ON_SLEEPING_SERVER, TestCase.of("timeout_on_sleeping_server"));
  }

  @Test
  void listsKeepOrderDropRepeatsAndExpandAll() {
    assertEquals(List.of(TestCase.PING_PONG, TestCase.EMPTY_UNARY),
        TestCase.parseList("ping_pong, empty_unary,ping_pong"));
    assertEquals(List.of(TestCase.values()), TestCase.parseList("all"));
    assertEquals(19, TestCase.values().length);
  }

  @Test
  void unknownOrEmptyListsAreRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TestCase.parseList("empty_unray"));
    assertTrue(e.getMessage().contains("empty_unray") && e.getMessage().contains("empty_unary"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> TestCase.parseList(" , "));
  }
}
