package rpc.codegen.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Descriptors;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import rpc.api.Channel;
import rpc.api.ClientStream;
import rpc.api.Deadline;
import rpc.api.MethodDescriptor;
import rpc.api.Server;
import rpc.api.ServerStream;
import rpc.api.ServiceDefinition;
import rpc.api.Status;
import rpc.api.StatusException;
import rpc.codegen.tests.echo.EchoReply;
import rpc.codegen.tests.echo.EchoRequest;
import rpc.codegen.tests.echo.EchoRpc;

/** Calls of all four kinds through the generated client and service base, over {@code inprocess:}. */
@Timeout(30)
class EndToEndTest {

  private Server server;
  private Channel channel;
  private EchoRpc.Client client;

  @BeforeEach
  void start() throws Exception {
    String target = "inprocess:codegen-" + System.nanoTime();
    server = Server.newBuilder().listen(target).addService(new EchoService().bindService()).build().start();
    channel = Channel.open(target);
    client = EchoRpc.newClient(channel);
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow();
    server.shutdownNow();
    assertTrue(server.awaitTermination(Duration.ofSeconds(10)));
  }

  private static EchoRequest text(String s) {
    return EchoRequest.newBuilder().setText(s).build();
  }

  @Test
  void unaryBlockingAndAsync() throws Exception {
    assertEquals("hello", client.say(text("hello")).getText());
    assertEquals("later", client.sayAsync(text("later")).get(10, TimeUnit.SECONDS).getText());
  }

  @Test
  void unaryStatusReachesTheCaller() {
    StatusException e = assertThrows(StatusException.class, () -> client.say(text("fail")));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.status().code());
    assertEquals("asked to fail", e.status().description());
    ExecutionException async = assertThrows(ExecutionException.class,
        () -> client.sayAsync(text("fail")).get(10, TimeUnit.SECONDS));
    assertEquals(Status.Code.INVALID_ARGUMENT, Status.fromThrowable(async.getCause()).code());
  }

  @Test
  void methodNotOverriddenIsUnimplemented() {
    StatusException e = assertThrows(StatusException.class, () -> client.missing(text("x")));
    assertEquals(Status.Code.UNIMPLEMENTED, e.status().code());
    assertTrue(e.status().description().contains("rpc.codegen.tests.Echo/Missing"), e.status().description());
  }

  @Test
  void clientStreaming() {
    try (ClientStream<EchoRequest, EchoReply> call = client.collect()) {
      call.send(text("a"));
      call.send(text("b"));
      call.sendAndClose(text("c"));
      EchoReply reply = call.receive();
      assertEquals("abc", reply.getText());
      assertEquals(3, reply.getIndex());
      assertNull(call.receive());
      assertTrue(call.status().isOk());
    }
  }

  @Test
  void serverStreaming() {
    try (ClientStream<EchoRequest, EchoReply> call = client.expand(text("x").toBuilder().setCount(5).build())) {
      List<Integer> seen = new ArrayList<>();
      for (EchoReply r; (r = call.receive()) != null; ) {
        assertEquals("x", r.getText());
        seen.add(r.getIndex());
      }
      assertEquals(List.of(0, 1, 2, 3, 4), seen);
      assertTrue(call.status().isOk());
    }
  }

  @Test
  void serverStreamingAsAJavaStream() {
    try (Stream<EchoReply> replies = client.expandStream(text("y").toBuilder().setCount(5).build())) {
      assertEquals(List.of("y0", "y1", "y2", "y3", "y4"), replies.map(r -> r.getText() + r.getIndex()).toList());
    }
  }

  @Test
  void closingTheJavaStreamEarlyCancelsTheCall() throws Exception {
    // A server that would send for ever: only a cancel stops its send.
    CompletableFuture<String> serverSaw = new CompletableFuture<>();
    EchoRpc.Service endless = new EchoRpc.Service() {
      @Override
      public void expand(EchoRequest request, ServerStream<EchoReply, EchoRequest> responses) {
        try {
          for (int i = 0; i < 1_000_000; i++) {
            responses.send(EchoReply.newBuilder().setText(request.getText()).setIndex(i).build());
          }
          serverSaw.complete("sent everything: the call was never cancelled");
        } catch (StatusException e) {
          serverSaw.complete(e.status().code() + ", cancelled=" + responses.context().isCancelled());
          throw e;
        }
      }
    };
    String target = "inprocess:codegen-endless-" + System.nanoTime();
    Server endlessServer = Server.newBuilder().listen(target).addService(endless.bindService()).build().start();
    try (Channel ch = Channel.open(target)) {
      EchoRpc.Client endlessClient = EchoRpc.newClient(ch);
      try (Stream<EchoReply> replies = endlessClient.expandStream(text("z"))) {
        assertEquals(0, replies.findFirst().orElseThrow().getIndex());
      }
      assertEquals("CANCELLED, cancelled=true", serverSaw.get(10, TimeUnit.SECONDS));
    } finally {
      endlessServer.shutdownNow();
      assertTrue(endlessServer.awaitTermination(Duration.ofSeconds(10)));
    }
  }

  @Test
  void bidiStreamingInLockstepAndWithASeparateSender() throws Exception {
    try (ClientStream<EchoRequest, EchoReply> call = client.chat()) {
      for (String s : List.of("one", "two")) {
        call.send(text(s));
        assertEquals(s.toUpperCase(java.util.Locale.ROOT), call.receive().getText());
      }
      // one thread sends while this one receives, as the stream contract allows
      Thread sender = Thread.ofVirtual().start(() -> {
        for (int i = 0; i < 20; i++) {
          call.send(text("m" + i));
        }
        call.halfClose();
      });
      int received = 0;
      for (EchoReply r; (r = call.receive()) != null; received++) {
        assertEquals("M" + received, r.getText());
      }
      sender.join(10_000);
      assertEquals(20, received);
      assertTrue(call.status().isOk());
    }
  }

  @Test
  void expiredDeadlineFailsTheCall() {
    StatusException e = assertThrows(StatusException.class,
        () -> client.withDeadline(Deadline.after(Duration.ZERO)).say(text("late")));
    assertEquals(Status.Code.DEADLINE_EXCEEDED, e.status().code());
    assertEquals("fine", client.withTimeout(Duration.ofSeconds(30)).say(text("fine")).getText());
  }

  @Test
  void clientsAreImmutableAndShareTheChannel() {
    EchoRpc.Client timed = client.withTimeout(Duration.ofSeconds(5));
    assertSame(channel, timed.channel());
    assertNull(client.callOptions().timeout());
    assertEquals(Duration.ofSeconds(5), timed.callOptions().timeout(), "kept relative: each call gets 5 s");
    assertNull(timed.callOptions().deadline());
  }

  @Test
  void oneClientFromManyThreads() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int thread = t;
        results.add(pool.submit(() -> {
          int ok = 0;
          for (int i = 0; i < 50; i++) {
            String s = thread + ":" + i;
            if (client.say(text(s)).getText().equals(s)) {
              ok++;
            }
          }
          return ok;
        }));
      }
      for (Future<Integer> f : results) {
        assertEquals(50, f.get(20, TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void descriptorsCarryTheProtobufSchema() {
    assertEquals("rpc.codegen.tests.Echo/Say", EchoRpc.SAY.fullName());
    assertEquals(MethodDescriptor.Kind.CLIENT_STREAMING, EchoRpc.COLLECT.kind());
    assertEquals(MethodDescriptor.Kind.SERVER_STREAMING, EchoRpc.EXPAND.kind());
    assertEquals(MethodDescriptor.Kind.BIDI_STREAMING, EchoRpc.CHAT.kind());
    Descriptors.MethodDescriptor say = assertInstanceOf(Descriptors.MethodDescriptor.class, EchoRpc.SAY.schema());
    assertEquals("rpc.codegen.tests.Echo.Say", say.getFullName());
    assertEquals("rpc/codegen/tests/echo.proto", EchoRpc.getFileDescriptor().getName());
    assertSame(EchoRpc.getFileDescriptor(), EchoRpc.getServiceDescriptor().getFile());

    ServiceDefinition definition = EchoRpc.serviceDefinition(new EchoRpc.Service() {});
    assertEquals(EchoRpc.SERVICE_NAME, definition.name());
    assertEquals(5, definition.methods().size());
    assertSame(EchoRpc.getServiceDescriptor(), definition.schema());
    assertSame(EchoRpc.CHAT, definition.method("rpc.codegen.tests.Echo/Chat").descriptor());
  }

  @Test
  void generatedCodeLivesInANamedModule() {
    Module module = EchoRpc.class.getModule();
    assertTrue(module.isNamed());
    assertEquals("rpc.codegen.tests", module.getName());
  }

  @Test
  void messagesPrintOnTheModulePath() {
    // protobuf's TextFormat reads the message through its public accessors, reflectively: without
    // "exports rpc.codegen.tests.echo to com.google.protobuf" this throws IllegalStateException.
    assertTrue(EchoReply.class.getModule().isNamed());
    assertEquals("text: \"hi\"\nindex: 2\n", client.say(text("hi")).toBuilder().setIndex(2).build().toString());
  }
}
