package rpc.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * grpc-java's client against grpc-java's server, both as written for these tests: proves the
 * harness itself, so that a failure against our side is ours. Both implement every feature,
 * so no case may pass in a reduced form here (no notes).
 */
@Timeout(60)
class GrpcJavaHarnessTest {
  private static Server server;
  private static ManagedChannel channel;

  @BeforeAll
  static void start() throws Exception {
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(GrpcJavaTestService.definition()).build().start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
  }

  @AfterAll
  static void stop() throws Exception {
    channel.shutdownNow();
    server.shutdownNow();
    assertTrue(server.awaitTermination(10, TimeUnit.SECONDS));
  }

  @ParameterizedTest
  @EnumSource(TestCase.class)
  void passesWithEveryFeature(TestCase testCase) throws Exception {
    GrpcJavaClient client = new GrpcJavaClient(channel);
    client.run(testCase);
    assertEquals(List.of(), client.notes);
  }
}
