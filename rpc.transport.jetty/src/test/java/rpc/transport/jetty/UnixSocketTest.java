package rpc.transport.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import rpc.api.CallOptions;
import rpc.api.Channel;
import rpc.api.ClientStream;
import rpc.api.Metadata;
import rpc.api.MethodDescriptor;
import rpc.api.Server;
import rpc.api.ServiceDefinition;
import rpc.api.Status;
import rpc.api.StatusException;
import rpc.api.spi.ClientCall;
import rpc.api.spi.ClientTransport;
import rpc.api.spi.ClientTransportConfig;
import rpc.api.spi.Target;
import rpc.testkit.RecordingClientListener;
import rpc.testkit.TestCertificates;
import rpc.testkit.Waits;

/** Servers and channels on Unix domain sockets: targets, the socket file's life, what is refused. */
@Timeout(60)
class UnixSocketTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final MethodDescriptor<String, String> AUTHORITY = MethodDescriptor.of(
      "test.Unix/Authority", MethodDescriptor.Kind.UNARY, Fixtures.STRING, Fixtures.STRING);
  private static final MethodDescriptor<String, String> HOLD = MethodDescriptor.of(
      "test.Unix/Hold", MethodDescriptor.Kind.UNARY, Fixtures.STRING, Fixtures.STRING);

  @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ALWAYS)
  Path dir;
  private final CountDownLatch release = new CountDownLatch(1);
  private final AtomicInteger held = new AtomicInteger();
  private final List<Server> servers = new ArrayList<>();
  private final List<Channel> channels = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    release.countDown();
    channels.forEach(Channel::shutdownNow);
    for (Server s : servers) {
      s.shutdownNow();
      assertTrue(s.awaitTermination(Duration.ofSeconds(10)));
    }
  }

  /** A socket path under the temporary directory, or under /tmp if that one is too long for a socket. */
  private Path socket(String name) throws IOException {
    Path p = dir.resolve(name);
    if (p.toString().length() < 100) {
      return p;
    }
    Path shorter = Files.createTempDirectory(Path.of("/tmp"), "rpc");
    shorter.toFile().deleteOnExit();
    return shorter.resolve(name);
  }

  private Server server(String address) throws Exception {
    Server s = Server.newBuilder().listen(address).addService(Fixtures.echoService())
        .addService(ServiceDefinition.newBuilder("test.Unix")
            .unary(AUTHORITY, (req, ctx) -> ctx.peer() + " " + ctx.authority())
            .unary(HOLD, (req, ctx) -> {
              held.incrementAndGet();
              release.await();
              return "held:" + req;
            })
            .build())
        .build().start();
    servers.add(s);
    return s;
  }

  private Channel channel(String target) {
    Channel c = Channel.newBuilder(target).build();
    channels.add(c);
    return c;
  }

  @Test
  void allFourCallKindsOverAnAbsolutePath() throws Exception {
    Path path = socket("four.sock");
    Server server = server("unix://" + path);
    assertEquals(-1, server.port());
    assertEquals("unix://" + path, server.address());
    assertTrue(Files.exists(path));
    Channel channel = channel("unix://" + path);

    assertEquals("echo:one", channel.call(Fixtures.UNARY, "one"));
    try (ClientStream<String, String> s = channel.newStream(Fixtures.CLIENT_STREAMING)) {
      s.send("a");
      s.send("b");
      s.halfClose();
      assertEquals("ab", s.receive());
    }
    try (ClientStream<String, String> s = channel.newStream(Fixtures.SERVER_STREAMING)) {
      s.sendAndClose("x,y,z");
      assertEquals(List.of("x", "y", "z"), List.of(s.receive(), s.receive(), s.receive()));
      assertEquals(null, s.receive());
    }
    try (ClientStream<String, String> s = channel.newStream(Fixtures.BIDI)) {
      s.send("hi");
      assertEquals("re:hi", s.receive());
      s.halfClose();
      assertEquals(null, s.receive());
    }
    assertEquals("unix:" + path + " localhost", channel.call(AUTHORITY, ""),
        "the server names the socket as the peer; the client sends :authority localhost, as grpc does");
  }

  @Test
  void aRelativePath() throws Exception {
    // Relative to the working directory, as grpc reads unix:relative.
    Path relative = Path.of("target", "rpc-relative-" + ProcessHandle.current().pid() + ".sock");
    Files.createDirectories(relative.getParent());
    Server server = server("unix:" + relative);
    assertEquals("unix:" + relative, server.address());
    assertEquals("echo:rel", channel("unix:" + relative).call(Fixtures.UNARY, "rel"));
    server.shutdown();
    assertTrue(server.awaitTermination(WAIT));
    assertFalse(Files.exists(relative), "the socket file is removed on shutdown");
  }

  @Test
  void aTransportGivenAUnixAddressUsesItAndKeepsTheTargetsAuthority() throws Exception {
    Path path = socket("given.sock");
    server("unix://" + path);
    ClientTransportConfig config = new ClientTransportConfig(Target.parse("dns:///unresolvable.invalid:443"),
        4 * 1024 * 1024, null, null, null, null, Map.of());
    ClientTransport transport = new JettyTransportProvider().newClientTransport(
        config.withAddress(UnixDomainSocketAddress.of(path)));
    try {
      ClientCall<String, String> call = transport.newCall(AUTHORITY, CallOptions.DEFAULT);
      RecordingClientListener<String> listener = new RecordingClientListener<>("authority");
      call.start(listener, new Metadata());
      call.request(1);
      call.send("");
      call.halfClose();
      Status status = listener.awaitClose(WAIT);
      assertEquals(Status.Code.OK, status.code(), status.toString());
      assertEquals("unix:" + path + " unresolvable.invalid:443", listener.messages().getFirst());
    } finally {
      transport.shutdownNow();
      assertTrue(transport.awaitTermination(10, TimeUnit.SECONDS));
    }
  }

  @Test
  void aMissingSocketIsUnavailableAndNamesThePath() throws Exception {
    Path path = socket("nobody.sock");
    StatusException e = assertThrows(StatusException.class,
        () -> channel("unix://" + path).call(Fixtures.UNARY, "x"));
    assertEquals(Status.Code.UNAVAILABLE, e.status().code());
    assertTrue(e.status().description().contains("unix:" + path), e.status().description());
  }

  @Test
  void aStaleSocketFileIsReplacedButALiveOneOrAnotherFileIsNot() throws Exception {
    Path stale = socket("stale.sock");
    try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      dead.bind(UnixDomainSocketAddress.of(stale)); // closed without removing its file, like a killed server
    }
    assertTrue(Files.exists(stale));
    server("unix://" + stale);
    assertEquals("echo:fresh", channel("unix://" + stale).call(Fixtures.UNARY, "fresh"));

    IOException inUse = assertThrows(IOException.class, () -> server("unix://" + stale));
    assertTrue(inUse.getMessage().contains("another server"), inUse.getMessage());
    assertEquals("echo:still", channel("unix://" + stale).call(Fixtures.UNARY, "still"),
        "a server that failed to start left the running one's socket alone");

    Path regular = socket("data.txt");
    Files.writeString(regular, "keep me");
    IOException notSocket = assertThrows(IOException.class, () -> server("unix://" + regular));
    assertTrue(notSocket.getMessage().contains("not a socket"), notSocket.getMessage());
    assertEquals("keep me", Files.readString(regular));
  }

  @Test
  void shutdownRemovesTheFileAtOnceAndLeavesASuccessorsFileAlone() throws Exception {
    Path path = socket("restart.sock");
    Server first = server("unix://" + path);
    Channel channel = channel("unix://" + path);
    CompletableFuture<String> inFlight = channel.callAsync(HOLD, "h");
    Waits.until("the call is running", () -> held.get() == 1, WAIT);
    first.shutdown();
    assertFalse(Files.exists(path), "a server that stops listening removes its socket file while it drains");

    Server second = server("unix://" + path);
    release.countDown();
    assertEquals("held:h", inFlight.get(10, TimeUnit.SECONDS), "the first server finished its call");
    assertTrue(first.awaitTermination(WAIT));
    assertTrue(Files.exists(path), "the first server, stopping, deleted the second one's socket file");
    assertEquals("echo:second", channel("unix://" + path).call(Fixtures.UNARY, "second"));
    second.shutdown();
    assertTrue(second.awaitTermination(WAIT));
    assertFalse(Files.exists(path));
  }

  @Test
  void aPathTooLongForASocketFailsToStart() throws Exception {
    Path tooLong = dir.resolve("x".repeat(120) + ".sock");
    IOException e = assertThrows(IOException.class, () -> server("unix://" + tooLong));
    assertTrue(e.getMessage().contains(tooLong.toString()), e.getMessage());
    assertFalse(Files.exists(tooLong));
  }

  @Test
  void pathsOfExactly107BytesOrInAMissingDirectoryAreRefusedWithTheReason() throws Exception {
    // 107 bytes passes the kernel's field but not the JDK: refused up front, on both ends.
    String prefix = "/tmp/";
    Path edge = Path.of(prefix + "y".repeat(107 - prefix.length()));
    assertEquals(107, edge.toString().length());
    IOException server = assertThrows(IOException.class, () -> server("unix://" + edge));
    assertTrue(server.getMessage().contains("at most 106"), server.getMessage());
    IllegalArgumentException client = assertThrows(IllegalArgumentException.class,
        () -> Channel.newBuilder("unix://" + edge).build());
    assertTrue(client.getMessage().contains("at most 106"), client.getMessage());

    Path nowhere = dir.resolve("no-such-dir").resolve("x.sock");
    IOException missing = assertThrows(IOException.class, () -> server("unix://" + nowhere));
    assertTrue(missing.getMessage().contains("does not exist") && missing.getMessage().contains("no-such-dir"),
        missing.getMessage());
  }

  @Test
  void tlsOverAUnixSocketIsRefusedAtBuild() throws Exception {
    Path path = socket("tls.sock");
    IllegalArgumentException client = assertThrows(IllegalArgumentException.class, () -> Channel.newBuilder(
        "unix://" + path).sslContext(TestCertificates.get().client()).build());
    assertTrue(client.getMessage().contains("Unix domain socket"), client.getMessage());
    IllegalArgumentException server = assertThrows(IllegalArgumentException.class, () -> Server.newBuilder()
        .listen("unix://" + path).sslContext(TestCertificates.get().server()).addService(Fixtures.echoService())
        .build());
    assertTrue(server.getMessage().contains("Unix domain socket"), server.getMessage());
  }
}
