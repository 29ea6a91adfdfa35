package rpc.transport.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import rpc.api.CallOptions;
import rpc.api.Channel;
import rpc.api.ClientStream;
import rpc.api.Metadata;
import rpc.api.Server;
import rpc.api.Status;
import rpc.api.StatusException;

/**
 * The same program, run in-process and over the network: only the address strings differ, and
 * so must nothing else it observes.
 */
@Timeout(60)
class SwapTest {

  /** A small application: a server and a client that exercises it. Returns what it saw. */
  private static List<String> program(String listen, boolean network) throws Exception {
    Server server = Server.newBuilder().listen(listen).addService(Fixtures.echoService()).build().start();
    String target = network ? "127.0.0.1:" + server.port() : listen;
    List<String> seen = new ArrayList<>();
    try (Channel channel = Channel.open(target)) {
      seen.add(channel.call(Fixtures.UNARY, "hi"));
      try (ClientStream<String, String> s = channel.newStream(Fixtures.SERVER_STREAMING)) {
        s.sendAndClose("a,b,c");
        String m;
        while ((m = s.receive()) != null) {
          seen.add(m);
        }
      }
      try (ClientStream<String, String> s = channel.newStream(Fixtures.CLIENT_STREAMING,
          CallOptions.DEFAULT.withHeaders(new Metadata().put("x-id", "7")))) {
        s.send("x");
        s.send("y");
        s.halfClose();
        seen.add(s.receive());
        assertNull(s.receive());
      }
      try (ClientStream<String, String> s = channel.newStream(Fixtures.BIDI)) {
        s.send("ping");
        seen.add(s.receive());
        s.halfClose();
        assertNull(s.receive());
      }
      StatusException e = assertThrows(StatusException.class, () -> channel.call(Fixtures.FAIL, "NOT_FOUND"));
      seen.add(e.status().code() + " " + e.status().description());
      seen.add(channel.callAsync(Fixtures.UNARY, "async").get().toString());
    } finally {
      server.shutdownNow();
      server.awaitTermination(Duration.ofSeconds(10));
    }
    return seen;
  }

  @Test
  void sameProgramSameResultsInProcessAndOverHttp2() throws Exception {
    List<String> inProcess = program("inprocess:swap-" + System.nanoTime(), false);
    List<String> overNetwork = program("127.0.0.1:0", true);
    assertEquals(List.of("echo:hi", "a", "b", "c", "xy", "re:ping",
        Status.Code.NOT_FOUND + " failed as asked: ünïcödé ✓", "echo:async"), inProcess);
    assertEquals(inProcess, overNetwork);
  }
}
