package rpc.transport.inprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import rpc.api.Channel;
import rpc.api.ClientStream;
import rpc.api.Codec;
import rpc.api.MethodDescriptor;
import rpc.api.MethodDescriptor.Kind;
import rpc.api.Server;
import rpc.api.ServiceDefinition;
import rpc.api.Status;
import rpc.api.StatusException;
import rpc.testkit.StringCodec;

/** Quick end-to-end checks of the in-process transport; the conformance suite has the rest. */
@Timeout(20)
class InProcessSmokeTest {
  static final Codec<String> UTF8 = StringCodec.INSTANCE;

  static final MethodDescriptor<String, String> ECHO = MethodDescriptor.of("test.Smoke/Echo", Kind.UNARY, UTF8, UTF8);
  static final MethodDescriptor<String, String> COUNT = MethodDescriptor.of("test.Smoke/Count", Kind.SERVER_STREAMING, UTF8, UTF8);
  static final MethodDescriptor<String, String> JOIN = MethodDescriptor.of("test.Smoke/Join", Kind.CLIENT_STREAMING, UTF8, UTF8);
  static final MethodDescriptor<String, String> CHAT = MethodDescriptor.of("test.Smoke/Chat", Kind.BIDI_STREAMING, UTF8, UTF8);

  Server server;
  Channel channel;

  @BeforeEach
  void start() throws Exception {
    String name = "smoke-" + System.nanoTime();
    ServiceDefinition svc = ServiceDefinition.newBuilder("test.Smoke")
        .unary(ECHO, (req, ctx) -> "echo:" + req)
        .serverStreaming(COUNT, (req, out) -> {
          for (int i = 0; i < Integer.parseInt(req); i++) {
            out.send("n" + i);
          }
        })
        .clientStreaming(JOIN, in -> {
          StringBuilder sb = new StringBuilder();
          for (String s; (s = in.receive()) != null; ) {
            sb.append(s);
          }
          return sb.toString();
        })
        .bidiStreaming(CHAT, s -> {
          for (String m; (m = s.receive()) != null; ) {
            s.send(m.toUpperCase());
          }
        })
        .build();
    server = Server.newBuilder().listen("inprocess:" + name).addService(svc).build().start();
    channel = Channel.open("inprocess:" + name);
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow();
    server.shutdownNow();
    assertTrue(server.awaitTermination(Duration.ofSeconds(5)));
  }

  @Test
  void allFourKinds() {
    assertEquals("inprocess", channel.transportName());
    assertEquals("echo:hi", channel.call(ECHO, "hi"));
    assertEquals("echo:async", channel.callAsync(ECHO, "async").join());
    try (ClientStream<String, String> s = channel.newStream(COUNT)) {
      s.sendAndClose("3");
      assertEquals("n0", s.receive());
      assertEquals("n1", s.receive());
      assertEquals("n2", s.receive());
      assertNull(s.receive());
      assertEquals(Status.Code.OK, s.status().code());
    }
    ClientStream<String, String> j = channel.newStream(JOIN);
    j.send("a");
    j.send("b");
    j.sendAndClose("c");
    assertEquals("abc", j.receive());
    assertNull(j.receive());
    ClientStream<String, String> c = channel.newStream(CHAT);
    for (int i = 0; i < 100; i++) {
      c.send("x" + i);
      assertEquals("X" + i, c.receive());
    }
    c.halfClose();
    assertNull(c.receive());
  }

  @Test
  void unknownTargetAndMethod() {
    try (Channel nowhere = Channel.open("inprocess:nobody-" + System.nanoTime())) {
      StatusException e = assertThrows(StatusException.class, () -> nowhere.call(ECHO, "x"));
      assertEquals(Status.Code.UNAVAILABLE, e.status().code());
      assertTrue(e.status().description().contains("nobody-"), e.status().description());
    }
    MethodDescriptor<String, String> missing = MethodDescriptor.of("test.Smoke/Missing", Kind.UNARY, UTF8, UTF8);
    StatusException e = assertThrows(StatusException.class, () -> channel.call(missing, "x"));
    assertEquals(Status.Code.UNIMPLEMENTED, e.status().code());
  }

  @Test
  void tlsSettingsAreRefusedNotIgnored() throws Exception {
    javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getDefault();
    IllegalArgumentException c = assertThrows(IllegalArgumentException.class,
        () -> Channel.newBuilder("inprocess:x").sslContext(tls).build());
    assertTrue(c.getMessage().contains("TLS"), c.getMessage());
    IllegalArgumentException s = assertThrows(IllegalArgumentException.class,
        () -> Server.newBuilder().listen("inprocess:x").sslContext(tls).build());
    assertTrue(s.getMessage().contains("TLS"), s.getMessage());
  }
}
