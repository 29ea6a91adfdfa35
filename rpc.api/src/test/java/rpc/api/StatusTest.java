package rpc.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StatusTest {
  @Test
  void seventeenCodesWithWireValues() {
    assertEquals(17, Status.Code.values().length);
    for (Status.Code c : Status.Code.values()) {
      assertSame(c, Status.Code.of(c.value()));
      assertSame(c, Status.of(c).code());
    }
    assertEquals(16, Status.Code.UNAUTHENTICATED.value());
    assertSame(Status.Code.UNKNOWN, Status.Code.of(17));
    assertSame(Status.Code.UNKNOWN, Status.Code.of(-1));
  }

  @Test
  void descriptionAndCauseAreCopies() {
    IllegalStateException cause = new IllegalStateException("boom");
    Status s = Status.NOT_FOUND.withDescription("no such thing").withCause(cause);
    assertEquals("NOT_FOUND: no such thing", s.toString());
    assertSame(cause, s.cause());
    assertEquals(null, Status.NOT_FOUND.description());
    assertEquals("a\nb", Status.INTERNAL.withDescription("a").augmentDescription("b").description());
  }

  @Test
  void exceptionsCarryStatusAndTrailers() {
    StatusException e = Status.ABORTED.withDescription("x").asException(new Metadata().put("k", "v"));
    assertEquals(Status.Code.ABORTED, e.status().code());
    assertEquals("v", e.trailers().get("k"));
    assertSame(e.status(), Status.fromThrowable(new RuntimeException(e)));
    assertTrue(Status.fromThrowable(new RuntimeException("x")).code() == Status.Code.UNKNOWN);
  }
}
