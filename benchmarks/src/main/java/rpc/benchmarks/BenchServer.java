package rpc.benchmarks;

import java.io.IOException;

/**
 * A started server of one implementation, serving {@link BenchService}: beside its channel in a
 * benchmark's JVM ({@link Fixture#start}), or alone in a JVM of its own ({@link CrossServer}). Both
 * start it here, so the server measured across processes is the one measured inside JMH. Each
 * library's server is built in one place: {@link RpcFixture#startServer} and
 * {@link GrpcFixture#startServer}.
 *
 * <p>Thread-safe: {@link #close} may be called from any thread (a JMH teardown, a shutdown hook).
 */
interface BenchServer extends AutoCloseable {

  /**
   * Starts the server of {@code impl}. HTTP/2 implementations listen on {@code 127.0.0.1:port}
   * ({@code 0} for any free port); in-process implementations ignore {@code port} and take a fresh
   * name.
   *
   * @throws IllegalArgumentException if {@code impl} is not one of {@link BenchService#IMPLEMENTATIONS}
   */
  static BenchServer start(String impl, int port) throws IOException {
    JettyLogs.warningsOnlyUnlessConfigured();
    String local = "127.0.0.1:" + port;
    return switch (impl) {
      case "rpc-jetty" -> RpcFixture.startServer(local);
      case "rpc-inprocess" -> RpcFixture.startServer(RpcFixture.inProcessAddress());
      case "grpc-netty" -> GrpcFixture.startServer(true, false, port);
      case "grpc-netty-direct" -> GrpcFixture.startServer(true, true, port);
      case "grpc-inprocess" -> GrpcFixture.startServer(false, false, port);
      case "grpc-inprocess-direct" -> GrpcFixture.startServer(false, true, port);
      default -> throw unknown(impl);
    };
  }

  /** The error for an implementation name that is not one of {@link BenchService#IMPLEMENTATIONS}. */
  static IllegalArgumentException unknown(String impl) {
    return new IllegalArgumentException("unknown impl '" + impl + "'; known: " + BenchService.IMPLEMENTATIONS);
  }

  /**
   * What a channel of the same implementation connects to: {@code 127.0.0.1:PORT} with the port
   * actually bound, or the in-process name.
   */
  String target();

  /**
   * Shuts the server down gracefully, waits {@link BenchService#CLOSE_GRACE} for it, and otherwise
   * forces it and waits up to {@link BenchService#WAIT_LIMIT}.
   *
   * @throws IllegalStateException if it did not terminate even then
   */
  @Override
  void close() throws InterruptedException;
}
