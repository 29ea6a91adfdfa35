package rpc.transport.jetty.interop;

import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Our client calling grpc-java's server over a Unix domain socket: every case of the TCP suite. */
class GrpcJavaServerUnixSocketTest extends GrpcJavaServerTest {
  private static EpollSupport epoll;
  private Path socket;

  @BeforeAll
  static void startEpoll() throws Exception {
    epoll = EpollSupport.startOrSkip();
  }

  @AfterAll
  static void stopEpoll() {
    if (epoll != null) {
      epoll.stop();
    }
  }

  @Override
  NettyServerBuilder serverBuilder() {
    socket = epoll.newSocketPath();
    return NettyServerBuilder.forAddress(new DomainSocketAddress(socket.toString())).bossEventLoopGroup(epoll.group())
        .workerEventLoopGroup(epoll.group()).channelType(EpollServerDomainSocketChannel.class);
  }

  @Override
  String targetFor(io.grpc.Server server) {
    return "unix://" + socket;
  }
}
