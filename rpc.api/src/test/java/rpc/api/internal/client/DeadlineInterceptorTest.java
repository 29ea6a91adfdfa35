package rpc.api.internal.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import rpc.api.CallOptions;
import rpc.api.Codec;
import rpc.api.Deadline;
import rpc.api.Metadata;
import rpc.api.MethodDescriptor;
import rpc.api.Status;
import rpc.api.spi.ClientCall;

/**
 * A call past its deadline ends DEADLINE_EXCEEDED on the client whichever event comes first: the
 * client's own timer, or the server resetting the stream (CANCELLED) a moment before that timer
 * fires — as happened against grpc-java on a busy machine.
 */
@Timeout(20)
class DeadlineInterceptorTest {
  private static final Codec<String> STRINGS = rpc.api.internal.Utf8Codec.INSTANCE;

  private static final MethodDescriptor<String, String> METHOD =
      MethodDescriptor.of("test.S/M", MethodDescriptor.Kind.UNARY, STRINGS, STRINGS);

  /** A transport call the test ends by hand; it only records what the library asks of it. */
  private static final class ScriptedCall implements ClientCall<String, String> {
    volatile Listener<String> listener;
    final CompletableFuture<Status> cancelledWith = new CompletableFuture<>();

    @Override
    public void start(Listener<String> l, Metadata headers) {
      listener = l;
    }

    @Override
    public void request(int n) {}

    @Override
    public void send(String message) {}

    @Override
    public boolean isReady() {
      return true;
    }

    @Override
    public void halfClose() {}

    @Override
    public void cancel(Status status) {
      cancelledWith.complete(status); // the transport would reset the stream; the test decides the end
    }

    @Override
    public MethodDescriptor<String, String> method() {
      return METHOD;
    }
  }

  /** Records the one status the call ends with. */
  private static final class Outcome implements ClientCall.Listener<String> {
    final CompletableFuture<Status> closed = new CompletableFuture<>();

    @Override
    public void onMessage(String message) {}

    @Override
    public void onClose(Status status, Metadata trailers) {
      closed.complete(status);
    }
  }

  /** A call through the deadline interceptor alone, over {@code transport}. */
  private static ClientCall<String, String> withDeadline(ScriptedCall transport, Deadline deadline) {
    return InterceptedCall.create(METHOD, "test", CallOptions.DEFAULT.withDeadline(deadline),
        List.of(DeadlineInterceptor.INSTANCE), (m, o) -> transport);
  }

  @Test
  void resetByTheServerAfterTheDeadlineIsDeadlineExceeded() throws Exception {
    ScriptedCall transport = new ScriptedCall();
    Deadline deadline = Deadline.after(Duration.ofMillis(50));
    ClientCall<String, String> call = withDeadline(transport, deadline);
    Outcome outcome = new Outcome();
    call.start(outcome, new Metadata());
    while (!deadline.isExpired()) {
      Thread.onSpinWait();
    }
    // The server's RST_STREAM(CANCEL) arrives; whether or not the timer has fired yet, it is the deadline.
    transport.listener.onClose(Status.CANCELLED.withDescription("stream reset by the server"), new Metadata());
    Status s = outcome.closed.get(5, TimeUnit.SECONDS);
    assertEquals(Status.Code.DEADLINE_EXCEEDED, s.code(), () -> "the call ended " + s);
    assertTrue(s.description().contains("stream reset by the server"), s.description());
  }

  @Test
  void timerCancelsTheCallWithDeadlineExceeded() throws Exception {
    ScriptedCall transport = new ScriptedCall();
    withDeadline(transport, Deadline.after(Duration.ofMillis(20))).start(new Outcome(), new Metadata());
    Status s = transport.cancelledWith.get(5, TimeUnit.SECONDS);
    assertEquals(Status.Code.DEADLINE_EXCEEDED, s.code());
  }

  @Test
  void cancellationBeforeTheDeadlineStaysCancelled() throws Exception {
    ScriptedCall transport = new ScriptedCall();
    ClientCall<String, String> call = withDeadline(transport, Deadline.after(Duration.ofMinutes(5)));
    Outcome outcome = new Outcome();
    call.start(outcome, new Metadata());
    transport.listener.onClose(Status.CANCELLED.withDescription("by the server"), new Metadata());
    Status s = outcome.closed.get(5, TimeUnit.SECONDS);
    assertNotNull(s);
    assertEquals(Status.Code.CANCELLED, s.code());
  }

  @Test
  void aDeadlinePassedBeforeTheStartFailsWithoutTouchingTheTransport() throws Exception {
    ScriptedCall transport = new ScriptedCall();
    ClientCall<String, String> call = withDeadline(transport, Deadline.after(Duration.ofNanos(-1)));
    Outcome outcome = new Outcome();
    call.start(outcome, new Metadata());
    assertEquals(Status.Code.DEADLINE_EXCEEDED, outcome.closed.get(5, TimeUnit.SECONDS).code());
    assertEquals(null, transport.listener, "the transport's call was started");
  }
}
