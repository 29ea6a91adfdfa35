package rpc.testkit;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import rpc.api.ServerContext;
import rpc.api.ServerStream;
import rpc.api.Status;
import rpc.api.StatusException;

/**
 * The {@link FakeService} handlers that use a second thread on the server stream: one sender and
 * one receiver at once (allowed), and a second sender or receiver (refused).
 */
final class ConcurrentHandlers {
  private static final Duration QUIET = Duration.ofMillis(300);

  private final FakeService service;

  ConcurrentHandlers(FakeService service) {
    this.service = service;
  }

  /** See {@link FakeService#SEND_RECEIVE}. */
  void sendReceive(ServerStream<String, String> stream) throws InterruptedException {
    service.entered("");
    String first = stream.receive();
    if (first == null) {
      throw Status.INVALID_ARGUMENT.withDescription("expected a count first").asException();
    }
    int count = Integer.parseInt(first);
    AtomicReference<Throwable> sendFailure = new AtomicReference<>();
    Thread sender = Thread.ofVirtual().name("fake-sender").start(() -> {
      try {
        for (int i = 0; i < count; i++) {
          stream.send(FakeService.padded("r-" + i, 1024));
        }
      } catch (Throwable t) {
        sendFailure.set(t);
      }
    });
    int received = 0;
    try {
      for (String m = stream.receive(); m != null; m = stream.receive()) {
        if (!m.equals("q-" + received)) {
          throw Status.DATA_LOSS.withDescription("request " + received + " was '" + m + "'").asException();
        }
        received++;
      }
    } finally {
      sender.join(FakeService.MAX_WAIT.toMillis());
    }
    if (sendFailure.get() != null) {
      throw Status.INTERNAL.withDescription("sender failed: " + sendFailure.get()).withCause(sendFailure.get())
          .asException();
    }
    stream.context().responseTrailers().put("x-received", Integer.toString(received));
  }

  /** See {@link FakeService#DOUBLE_RECEIVE}. */
  void doubleReceive(ServerStream<String, String> stream) throws InterruptedException {
    service.entered("");
    AtomicReference<Object> firstResult = new AtomicReference<>();
    Thread first = Thread.ofVirtual().name("fake-first-receiver").start(() -> {
      try {
        String m = stream.receive();
        firstResult.set(m == null ? "end" : m);
      } catch (Throwable t) {
        firstResult.set(t);
      }
    });
    String detail;
    if (!Waits.awaitParked(() -> first, Duration.ofMillis(100), FakeService.MAX_WAIT)) {
      detail = "the first receiver never blocked: " + firstResult.get();
    } else {
      detail = secondOperation(() -> {
        stream.receive();
      });
    }
    report("DoubleReceive", stream, detail);
    stream.send("checked"); // the client half-closes on this, which ends the first receive
    first.join(FakeService.MAX_WAIT.toMillis());
    if (!"end".equals(firstResult.get())) {
      throw Status.INTERNAL.withDescription("first receive ended with " + firstResult.get()).asException();
    }
  }

  /** See {@link FakeService#DOUBLE_SEND}. */
  void doubleSend(ServerStream<byte[], String> stream) throws InterruptedException {
    service.entered("");
    String[] parts = stream.receive().split(" ");
    int count = Integer.parseInt(parts[0]);
    int size = Integer.parseInt(parts[1]);
    AtomicReference<Throwable> sendFailure = new AtomicReference<>();
    Thread first = Thread.ofVirtual().name("fake-first-sender").unstarted(() -> {
      try {
        for (int i = 0; i < count; i++) {
          stream.send(FakeService.payload(i, size));
          service.countSent();
        }
      } catch (Throwable t) {
        sendFailure.set(t);
      }
    });
    service.recordSender(first);
    first.start();
    int sentBeforeStall = Waits.awaitStalled(service::sent, () -> first, QUIET, FakeService.MAX_WAIT);
    String detail;
    if (!first.isAlive() || sentBeforeStall >= count) {
      detail = "the first sender never blocked (sent " + sentBeforeStall + " of " + count + ", failure "
          + sendFailure.get() + ")";
    } else {
      detail = secondOperation(() -> stream.send(new byte[1]));
    }
    report("DoubleSend", stream, detail);
    first.join(FakeService.MAX_WAIT.toMillis());
    if (sendFailure.get() != null) {
      throw Status.INTERNAL.withDescription("first sender failed: " + sendFailure.get()).asException();
    }
  }

  /** Runs the operation that must be refused; describes what happened. */
  private static String secondOperation(Runnable op) {
    try {
      op.run();
      return "the second operation was allowed";
    } catch (IllegalStateException e) {
      return "IllegalStateException: " + e.getMessage();
    } catch (StatusException e) {
      return "StatusException: " + e.getMessage();
    }
  }

  private void report(String method, ServerStream<?, ?> stream, String detail) {
    ServerContext ctx = stream.context();
    service.record(new Observation(method, stream.name(), ctx.requestHeaders(), ctx.deadline(), ctx.isCancelled(),
        ctx.cancellationStatus(), false, detail));
  }
}
