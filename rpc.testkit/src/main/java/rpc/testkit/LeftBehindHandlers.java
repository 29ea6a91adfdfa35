package rpc.testkit;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import rpc.api.ServerContext;
import rpc.api.ServerStream;
import rpc.api.StatusException;

/**
 * The {@link FakeService} handlers that leave a thread waiting on their stream — one that outlives
 * the handler, or one the handler interrupts — and report how that thread's wait ended. Thread-safe:
 * each call uses only its own threads and the service's concurrent recordings.
 */
final class LeftBehindHandlers {
  private static final Duration QUIET = Duration.ofMillis(100);

  private final FakeService service;

  LeftBehindHandlers(FakeService service) {
    this.service = service;
  }

  /** See {@link FakeService#LEAK_RECEIVER}. */
  void leakReceiver(ServerStream<String, String> stream) throws InterruptedException {
    service.entered("");
    Thread left = Thread.ofPlatform().name("left-behind-receiver").start(
        () -> report(stream, "LeakReceiver", () -> "receive returned " + stream.receive()));
    if (!Waits.awaitParked(() -> left, QUIET, FakeService.MAX_WAIT)) {
      report(stream, "LeakReceiver", () -> "the receiver never waited");
    }
  }

  /** See {@link FakeService#LEAK_SENDER}. */
  void leakSender(ServerStream<byte[], String> stream) throws InterruptedException {
    service.entered("");
    Thread left = Thread.ofPlatform().name("left-behind-sender").start(() -> report(stream, "LeakSender", () -> {
      for (int i = 0; i < 10_000; i++) {
        stream.send(FakeService.payload(i, 64 * 1024));
        service.countSent();
      }
      return "send never blocked";
    }));
    service.recordSender(left);
    Waits.awaitStalled(service::sent, () -> left, QUIET, FakeService.MAX_WAIT);
  }

  /** See {@link FakeService#INTERRUPT_RECEIVER}. */
  void interruptReceiver(ServerStream<String, String> stream) throws InterruptedException {
    service.entered("");
    AtomicReference<String> outcome = new AtomicReference<>();
    Thread receiver = Thread.ofPlatform().name("interrupted-receiver").start(() -> {
      try {
        outcome.set("receive returned " + stream.receive());
      } catch (StatusException e) {
        outcome.set("receive threw " + e.status().code());
      } catch (Throwable t) {
        outcome.set("receive threw " + t);
      }
    });
    if (Waits.awaitParked(() -> receiver, QUIET, FakeService.MAX_WAIT)) {
      receiver.interrupt();
    }
    // The interrupt cancels the call, and the cancellation interrupts this handler too: keep waiting.
    long end = System.nanoTime() + FakeService.MAX_WAIT.toNanos();
    while (receiver.isAlive() && System.nanoTime() - end < 0) {
      try {
        receiver.join(100);
      } catch (InterruptedException expected) {
        // the call's cancellation
      }
    }
    ServerContext ctx = stream.context();
    service.record(new Observation("InterruptReceiver", stream.name(), ctx.requestHeaders(), ctx.deadline(),
        ctx.isCancelled(), ctx.cancellationStatus(), false, outcome.get()));
  }

  private void report(ServerStream<?, ?> stream, String method, java.util.function.Supplier<String> wait) {
    String detail;
    try {
      detail = wait.get();
    } catch (StatusException e) {
      detail = (method.equals("LeakSender") ? "send" : "receive") + " threw " + e.status().code();
    } catch (Throwable t) {
      detail = "threw " + t;
    }
    ServerContext ctx = stream.context();
    service.record(new Observation(method, stream.name(), ctx.requestHeaders(), ctx.deadline(), ctx.isCancelled(),
        ctx.cancellationStatus(), false, detail));
  }
}
