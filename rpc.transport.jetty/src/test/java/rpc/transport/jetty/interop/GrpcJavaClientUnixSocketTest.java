package rpc.transport.jetty.interop;

import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import rpc.api.Server;

/** grpc-java's client calling our server over a Unix domain socket: every case of the TCP suite. */
class GrpcJavaClientUnixSocketTest extends GrpcJavaClientTest {
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
  String listenAddress() {
    socket = epoll.newSocketPath();
    return "unix://" + socket;
  }

  @Override
  NettyChannelBuilder channelTo(Server server) {
    // grpc-java 1.85 sends the socket path as :authority, which is no authority (RFC 3986) and which
    // Jetty's HPACK decoder refuses by failing the whole connection (GOAWAY PROTOCOL_ERROR,
    // "invalid_hpack_block"); "localhost" is what grpc-go and grpc's own unix: targets send.
    return NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString())).overrideAuthority("localhost")
        .eventLoopGroup(epoll.group()).channelType(EpollDomainSocketChannel.class);
  }
}
