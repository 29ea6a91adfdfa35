package rpc.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import rpc.api.CallOptions;
import rpc.api.Channel;
import rpc.api.MethodDescriptor;
import rpc.api.Server;
import rpc.api.ServiceDefinition;
import rpc.api.Status;
import rpc.api.StatusException;

/**
 * A call a server handler makes inherits the handler's call: its deadline (never a later one) and
 * its cancellation, for blocking and asynchronous calls alike; a channel built with
 * {@code inheritHandlerContext(false)} makes independent calls.
 */
abstract class HandlerContextConformance extends AbstractTransportTest {
  static final MethodDescriptor<String, String> NESTED_DEADLINE = MethodDescriptor.of("relay.Nested/Deadline",
      MethodDescriptor.Kind.UNARY, StringCodec.INSTANCE, StringCodec.INSTANCE);
  static final MethodDescriptor<String, String> FAN_OUT = MethodDescriptor.of("relay.Nested/FanOut",
      MethodDescriptor.Kind.UNARY, StringCodec.INSTANCE, StringCodec.INSTANCE);

  /** The channel the relay's handlers call through; set once the server is up. */
  private volatile Channel nested;
  /** The asynchronous call the fan-out handler started. */
  private final CompletableFuture<CompletableFuture<String>> fannedOut = new CompletableFuture<>();

  HandlerContextConformance(TransportConformanceTest transport) {
    super(transport);
  }

  private ServiceDefinition relay() {
    return ServiceDefinition.newBuilder("relay.Nested")
        // "own remaining nanos before the inner call" + " " + "what the inner handler has left, or none"
        .unary(NESTED_DEADLINE, (request, context) -> {
          CallOptions options = request.isEmpty() ? CallOptions.DEFAULT
              : CallOptions.DEFAULT.withTimeout(Duration.ofMillis(Long.parseLong(request)));
          long before = context.deadline().remainingNanos();
          return before + " " + nested.call(FakeService.DEADLINE, "inner", options);
        })
        // starts an asynchronous call that waits, then waits itself until its own call is cancelled
        .unary(FAN_OUT, (request, context) -> {
          fannedOut.complete(nested.callAsync(FakeService.WAIT, "fanned-out"));
          Thread.sleep(FakeService.MAX_WAIT.toMillis());
          return "not cancelled";
        })
        .build();
  }

  private Server server() throws Exception {
    return startServer(relay(), service.definition());
  }

  @Test
  void aNestedCallGetsTheHandlersDeadlineNeverALaterOne() throws Exception {
    Server server = server();
    nested = openChannel(server);
    Channel client = openChannel(server);
    CallOptions tenSeconds = CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(10));
    String[] noOwn = client.call(NESTED_DEADLINE, "", tenSeconds).split(" ");
    long outer = Long.parseLong(noOwn[0]);
    long inner = Long.parseLong(noOwn[1]);
    // grpc-timeout carries the remaining time in whole units (microseconds here): allow a millisecond
    long unit = TimeUnit.MILLISECONDS.toNanos(1);
    assertTrue(inner > 0 && inner <= outer + unit, "the inner call inherits the outer deadline: " + inner + " vs "
        + outer);
    String[] longer = client.call(NESTED_DEADLINE, "60000", tenSeconds).split(" ");
    assertTrue(Long.parseLong(longer[1]) <= Long.parseLong(longer[0]) + unit,
        "a longer timeout of its own does not extend it: " + String.join(" ", longer));
    String[] shorter = client.call(NESTED_DEADLINE, "2000", tenSeconds).split(" ");
    long own = Long.parseLong(shorter[1]);
    assertTrue(own <= TimeUnit.SECONDS.toNanos(2), "an earlier deadline of its own stays: " + own);
  }

  @Test
  void aChannelThatDoesNotInheritMakesIndependentCalls() throws Exception {
    Server server = server();
    nested = openChannel(server, b -> b.inheritHandlerContext(false));
    Channel client = openChannel(server);
    String[] result = client.call(NESTED_DEADLINE, "", CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(10)))
        .split(" ");
    assertEquals("none", result[1]);
  }

  @Test
  void cancellingTheHandlersCallCancelsTheAsynchronousCallItMade() throws Exception {
    Server server = server();
    nested = openChannel(server);
    Channel client = openChannel(server);
    CompletableFuture<String> outer = client.callAsync(FAN_OUT, "go");
    CompletableFuture<String> inner = fannedOut.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertTrue(service.awaitStarted(1, WAIT), "the fanned-out call never reached its handler");
    outer.cancel(true);
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> inner.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
    StatusException s = assertInstanceOf(StatusException.class, e.getCause());
    assertEquals(Status.Code.CANCELLED, s.status().code());
    assertTrue(s.status().description().contains("whose handler made this call ended"), s.status().description());
    assertTrue(service.nextObservation(WAIT).cancelled(), "the fanned-out call's server was not told");
  }

  @Test
  void theHandlersDeadlineEndsTheAsynchronousCallItMade() throws Exception {
    Server server = server();
    nested = openChannel(server);
    Channel client = openChannel(server);
    CompletableFuture<String> outer = client.callAsync(FAN_OUT, "go",
        CallOptions.DEFAULT.withTimeout(Duration.ofMillis(300)));
    CompletableFuture<String> inner = fannedOut.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> inner.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
    Status.Code code = assertInstanceOf(StatusException.class, e.getCause()).status().code();
    assertTrue(code == Status.Code.DEADLINE_EXCEEDED || code == Status.Code.CANCELLED, code::toString);
    ExecutionException o = assertThrows(ExecutionException.class,
        () -> outer.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
    assertEquals(Status.Code.DEADLINE_EXCEEDED, assertInstanceOf(StatusException.class, o.getCause()).status().code());
  }
}
