package rpc.api.internal.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import rpc.api.Metadata;
import rpc.api.Status;

/**
 * What the calls a handler makes register on its call's cancellation is forgotten when they end, so
 * a handler that makes many calls keeps nothing of those that ended, and only the running ones are
 * cancelled with it.
 */
@Timeout(20)
class CallContextTest {
  @Test
  void endedCallsAreForgottenAndOnlyRunningOnesHearTheCancellation() throws Exception {
    CallContext context = new CallContext(null, new Metadata(), null);
    AtomicInteger stale = new AtomicInteger();
    List<Runnable> forgets = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      forgets.add(context.whenCancelled(s -> stale.incrementAndGet()));
    }
    forgets.forEach(Runnable::run);
    forgets.forEach(Runnable::run); // idempotent
    CompletableFuture<Status> running = new CompletableFuture<>();
    context.whenCancelled(running::complete);
    context.cancelled(Status.CANCELLED.withDescription("client went away"));
    assertEquals("client went away", running.get(10, TimeUnit.SECONDS).description());
    assertEquals(0, stale.get(), "a forgotten action ran");
    CompletableFuture<Status> late = new CompletableFuture<>();
    context.whenCancelled(late::complete); // already cancelled: at once, on this thread
    assertEquals(Status.Code.CANCELLED, late.getNow(null).code());
  }
}
