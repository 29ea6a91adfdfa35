package rpc.transport.jetty.interop;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * grpc-java's Unix domain sockets for the interop tests: its shaded Netty reaches them only through
 * the native epoll transport (Linux). Not thread-safe: one per test class, used from its test thread.
 */
final class EpollSupport {
  private final EventLoopGroup group;
  private final Path dir;
  private final AtomicInteger next = new AtomicInteger();

  private EpollSupport(EventLoopGroup group, Path dir) {
    this.group = group;
    this.dir = dir;
  }

  /** Skips the calling test class, saying why, where grpc-java has no Unix socket transport. */
  static EpollSupport startOrSkip() throws IOException {
    assumeTrue(Epoll.isAvailable(), () -> "grpc-java's native epoll transport, its only way to Unix domain sockets,"
        + " is not available here: " + Epoll.unavailabilityCause());
    Path dir = Files.createTempDirectory(Path.of("/tmp"), "rpc-interop"); // short: socket paths are limited
    dir.toFile().deleteOnExit();
    return new EpollSupport(new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory()), dir);
  }

  EventLoopGroup group() {
    return group;
  }

  /** A fresh socket path. */
  Path newSocketPath() {
    return dir.resolve("g" + next.incrementAndGet() + ".sock");
  }

  void stop() {
    group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
