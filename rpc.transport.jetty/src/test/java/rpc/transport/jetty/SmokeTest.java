package rpc.transport.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import rpc.api.Channel;
import rpc.api.ClientStream;
import rpc.api.Server;

@Timeout(30)
class SmokeTest {
  private Server server;
  private Channel channel;

  @BeforeEach
  void start() throws Exception {
    server = Server.newBuilder().listen("127.0.0.1:0").addService(Fixtures.echoService()).build().start();
    channel = Channel.open("127.0.0.1:" + server.port());
  }

  @AfterEach
  void stop() throws Exception {
    channel.close();
    server.shutdownNow();
    server.awaitTermination(Duration.ofSeconds(5));
  }

  @Test
  void unary() {
    assertEquals("jetty", channel.transportName());
    assertEquals("echo:hi", channel.call(Fixtures.UNARY, "hi"));
    assertEquals("echo:again", channel.call(Fixtures.UNARY, "again"));
  }

  @Test
  void clientStreaming() {
    try (ClientStream<String, String> s = channel.newStream(Fixtures.CLIENT_STREAMING)) {
      s.send("a");
      s.send("b");
      s.send("c");
      s.halfClose();
      assertEquals("abc", s.receive());
      assertNull(s.receive());
    }
  }

  @Test
  void serverStreaming() {
    try (ClientStream<String, String> s = channel.newStream(Fixtures.SERVER_STREAMING)) {
      s.sendAndClose("x,y,z");
      List<String> got = new ArrayList<>();
      String m;
      while ((m = s.receive()) != null) {
        got.add(m);
      }
      assertEquals(List.of("x", "y", "z"), got);
    }
  }

  @Test
  void bidi() {
    try (ClientStream<String, String> s = channel.newStream(Fixtures.BIDI)) {
      for (int i = 0; i < 5; i++) {
        s.send("m" + i);
        assertEquals("re:m" + i, s.receive());
      }
      s.halfClose();
      assertNull(s.receive());
    }
  }
}
