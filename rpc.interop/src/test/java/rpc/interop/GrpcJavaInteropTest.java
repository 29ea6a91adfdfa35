package rpc.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import rpc.api.Channel;
import rpc.api.Server;

/** Interop with grpc-java 1.85 over HTTP/2 cleartext on loopback, in both directions, every case. */
@Timeout(60)
class GrpcJavaInteropTest {

  /** Our interop client against grpc-java's server, which implements every feature. */
  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class OurClientGrpcJavaServer {
    private io.grpc.Server grpcServer;
    private Channel channel;

    @BeforeAll
    void start() throws Exception {
      grpcServer = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
          .addService(GrpcJavaTestService.definition()).build().start();
      channel = Channel.open("127.0.0.1:" + grpcServer.getPort());
    }

    @AfterAll
    void stop() throws Exception {
      channel.shutdownNow();
      grpcServer.shutdownNow();
      assertTrue(grpcServer.awaitTermination(10, TimeUnit.SECONDS));
    }

    /**
     * Every case passes in full: no notes, so the client-compressed probes were refused with
     * INVALID_ARGUMENT and the compressed requests really went compressed.
     */
    @ParameterizedTest
    @EnumSource(TestCase.class)
    void passes(TestCase testCase) {
      InteropClient.Result r = InteropClient.runCases(channel, List.of(testCase)).getFirst();
      assertTrue(r.passed(), r.line());
      assertEquals(List.of(), r.notes());
    }

    @Test
    void commandLineRunsAllCases() {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      int status = InteropClient.run(new String[] {"--server_port=" + grpcServer.getPort(), "--test_case=all",
          "--concurrent_threads=8", "--calls_per_thread=2"}, new PrintStream(out, true, StandardCharsets.UTF_8),
          new PrintStream(new ByteArrayOutputStream()));
      List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
      assertEquals(TestCase.values().length + 1, lines.size(), lines.toString());
      assertEquals(TestCase.values().length + " passed, 0 failed", lines.getLast());
      assertEquals(0, status);
    }
  }

  /** grpc-java's client against our interop server. */
  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class GrpcJavaClientOurServer {
    private Server server;
    private ManagedChannel grpcChannel;

    @BeforeAll
    void start() throws Exception {
      server = InteropServer.start(new String[] {"--port=0"}, new PrintStream(new ByteArrayOutputStream()));
      grpcChannel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
    }

    @AfterAll
    void stop() throws Exception {
      grpcChannel.shutdownNow();
      server.shutdownNow();
      assertTrue(server.awaitTermination(Duration.ofSeconds(10)));
    }

    @ParameterizedTest
    @EnumSource(TestCase.class)
    void passes(TestCase testCase) throws Exception {
      GrpcJavaClient client = new GrpcJavaClient(grpcChannel);
      client.run(testCase);
      // every case in full: the probes are refused with INVALID_ARGUMENT, and each response is
      // compressed exactly as asked (grpc-java sees it in the wire sizes)
      assertEquals(List.of(), client.notes, "no case passes in a reduced form");
    }
  }
}
