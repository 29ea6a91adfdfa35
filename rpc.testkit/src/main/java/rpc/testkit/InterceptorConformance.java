package rpc.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import rpc.api.CallOptions;
import rpc.api.Channel;
import rpc.api.ClientInterceptor;
import rpc.api.ClientStream;
import rpc.api.Metadata;
import rpc.api.Status;
import rpc.api.StatusException;

/**
 * Client interceptors at the level of headers, messages and status: the chain's order each way,
 * messages and statuses replaced, options changed, a call cancelled from outside, a listener that
 * throws, and exactly one {@code onClose} per call for every way a call can end.
 */
abstract class InterceptorConformance extends AbstractTransportTest {
  InterceptorConformance(TransportConformanceTest transport) {
    super(transport);
  }

  /** Records each event as {@code name:event}, and tags the messages it passes. */
  private static final class Tagger implements ClientInterceptor {
    final String name;
    final List<String> events;

    Tagger(String name, List<String> events) {
      this.name = name;
      this.events = events;
    }

    @Override
    public <Req, Resp> Listener<Req, Resp> intercept(Call<Req, Resp> call) {
      events.add(name + ":intercept");
      call.headers().put("x-echo-" + name, "seen");
      return new Listener<>() {
        @Override
        @SuppressWarnings("unchecked")
        public Req onSend(Req message) {
          events.add(name + ":send");
          return message instanceof String s && s.startsWith("m") ? (Req) (s + "+" + name) : message;
        }

        @Override
        public void onHeaders(Metadata headers) {
          events.add(name + ":headers=" + headers.get("x-echo-" + name));
        }

        @Override
        @SuppressWarnings("unchecked")
        public Resp onMessage(Resp message) {
          events.add(name + ":message");
          return message instanceof String s && s.startsWith("m") ? (Resp) (s + "-" + name) : message;
        }

        @Override
        public Status onClose(Status status, Metadata trailers) {
          events.add(name + ":close=" + status.code());
          return status;
        }
      };
    }
  }

  @Test
  void theFirstAddedRunsFirstOutAndLastBack() throws Exception {
    List<String> events = new CopyOnWriteArrayList<>();
    Channel channel = openChannel(startServer(service.definition()),
        b -> b.intercept(new Tagger("a", events), new Tagger("b", events)));
    try (ClientStream<String, String> call = channel.newStream(FakeService.METADATA)) {
      call.send("ok");
      call.halfClose();
      assertEquals("ok", call.receive());
      assertNull(call.receive());
      assertEquals(Status.Code.OK, call.status().code());
    }
    // The server saw both interceptors' headers (it echoes x-echo-*), and they saw them come back.
    assertEquals(List.of("a:intercept", "b:intercept", "a:send", "b:send", "b:headers=seen", "a:headers=seen",
        "b:message", "a:message", "b:close=OK", "a:close=OK"), events);
    try (ClientStream<String, String> call = channel.newStream(FakeService.BIDI_ECHO)) {
      call.send("m");
      assertEquals("m+a+b-b-a", call.receive(), "request tagged a then b, response b then a");
      call.halfClose();
      assertNull(call.receive());
    }
  }

  @Test
  void anInterceptorReplacesTheStatusAndChangesTheOptions() throws Exception {
    ClientInterceptor rewrite = new ClientInterceptor() {
      @Override
      public <Req, Resp> Listener<Req, Resp> intercept(Call<Req, Resp> call) {
        call.setOptions(call.options().withTimeout(java.time.Duration.ofMillis(200)));
        return new Listener<>() {
          @Override
          public Status onClose(Status status, Metadata trailers) {
            trailers.put("x-rewritten", status.code().name());
            return status.code() == Status.Code.DEADLINE_EXCEEDED
                ? Status.UNAVAILABLE.withDescription("rewritten: " + status.description()) : status;
          }
        };
      }
    };
    Channel channel = openChannel(startServer(service.definition()), b -> b.intercept(rewrite));
    StatusException e = assertStatus(Status.Code.UNAVAILABLE, () -> channel.call(FakeService.WAIT, "x"));
    assertTrue(e.status().description().startsWith("rewritten: deadline exceeded"), e.status().description());
    assertEquals("DEADLINE_EXCEEDED", e.trailers().get("x-rewritten"));
    assertEquals("ok", channel.call(FakeService.ECHO, "ok"), "a call within its deadline is untouched");
  }

  @Test
  void cancelFromAnotherThreadEndsTheCallWithThatStatus() throws Exception {
    CompletableFuture<ClientInterceptor.Call<?, ?>> captured = new CompletableFuture<>();
    ClientInterceptor capture = new ClientInterceptor() {
      @Override
      public <Req, Resp> Listener<Req, Resp> intercept(Call<Req, Resp> call) {
        captured.complete(call);
        return null;
      }
    };
    Channel channel = openChannel(startServer(service.definition()), b -> b.intercept(capture));
    CompletableFuture<String> pending = channel.callAsync(FakeService.WAIT, "x");
    assertTrue(service.awaitStarted(1, WAIT));
    Thread.ofVirtual().start(() -> captured.join().cancel(Status.ABORTED.withDescription("from outside")));
    StatusException e = assertThrows(java.util.concurrent.ExecutionException.class,
        () -> pending.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).getCause() instanceof StatusException se ? se : null;
    assertEquals(Status.Code.ABORTED, e.status().code());
    assertTrue(service.nextObservation(WAIT).cancelled(), "the server was not told");
    assertThrows(IllegalStateException.class, () -> captured.join().headers(),
        "headers changed after intercept returned");
  }

  @Test
  void aListenerThatThrowsFailsItsCallOnlyAndNamesItself() throws Exception {
    ClientInterceptor broken = new ClientInterceptor() {
      @Override
      public <Req, Resp> Listener<Req, Resp> intercept(Call<Req, Resp> call) {
        return new Listener<>() {
          @Override
          public Resp onMessage(Resp message) {
            if ("boom".equals(message)) {
              throw new IllegalArgumentException("bad message");
            }
            return message;
          }
        };
      }
    };
    Channel channel = openChannel(startServer(service.definition()), b -> b.intercept(broken));
    StatusException e = assertStatus(Status.Code.INTERNAL, () -> channel.call(FakeService.ECHO, "boom"));
    assertTrue(e.status().description().contains("onMessage") && e.status().description().contains("bad message"),
        e.status().description());
    assertEquals("fine", channel.call(FakeService.ECHO, "fine"), "the channel still serves other calls");
  }

  @Test
  void everyCallEndsExactlyOnceInEachInterceptorWhateverEndsIt() throws Exception {
    AtomicInteger intercepted = new AtomicInteger();
    List<Status> closes = new CopyOnWriteArrayList<>();
    ClientInterceptor counter = new ClientInterceptor() {
      @Override
      public <Req, Resp> Listener<Req, Resp> intercept(Call<Req, Resp> call) {
        intercepted.incrementAndGet();
        return new Listener<>() {
          @Override
          public Status onClose(Status status, Metadata trailers) {
            closes.add(status);
            return status;
          }
        };
      }
    };
    Channel channel = openChannel(startServer(service.definition()), b -> b.intercept(counter));
    channel.call(FakeService.ECHO, "ok");
    assertStatus(Status.Code.NOT_FOUND, () -> channel.call(FakeService.FAIL, "NOT_FOUND:x"));
    assertStatus(Status.Code.DEADLINE_EXCEEDED,
        () -> channel.call(FakeService.WAIT, "x", CallOptions.DEFAULT.withTimeout(java.time.Duration.ofMillis(50))));
    assertStatus(Status.Code.DEADLINE_EXCEEDED, () -> channel.call(FakeService.ECHO, "x",
        CallOptions.DEFAULT.withTimeout(java.time.Duration.ZERO)));
    ClientStream<String, String> stream = channel.newStream(FakeService.WAIT_STREAM);
    stream.send("x");
    assertEquals("x", stream.receive());
    stream.cancel();
    for (int i = 0; i < 20; i++) {
      CompletableFuture<String> racing = channel.callAsync(FakeService.ECHO, "r" + i);
      racing.cancel(true);
    }
    Waits.until("one close per call", () -> closes.size() >= intercepted.get(), WAIT);
    assertEquals(25, intercepted.get());
    assertEquals(25, closes.size(), "a call closed twice");
    assertEquals(List.of(Status.Code.OK, Status.Code.NOT_FOUND, Status.Code.DEADLINE_EXCEEDED,
        Status.Code.DEADLINE_EXCEEDED), closes.stream().limit(4).map(Status::code).toList());
  }
}
