package rpc.benchmarks;

import com.google.protobuf.BytesValue;

/**
 * One implementation under test: one channel to a server serving {@link BenchService}, which every
 * call of a benchmark shares. {@link #start} starts the server in this JVM as well and owns it;
 * {@link #connect} reaches a server that runs elsewhere ({@link CrossClient}).
 *
 * <p>Thread-safe for unary calls (many in flight at once from any thread); the streaming methods
 * are called by one benchmark thread. {@link #close} shuts the channel down, then the server if
 * this fixture started it.
 */
interface Fixture extends AutoCloseable {

  /** Starts the server of the implementation named {@code impl} in this JVM and opens a channel to it. */
  static Fixture start(String impl) throws Exception {
    BenchServer server = BenchServer.start(impl, 0);
    try {
      return open(impl, server.target(), server);
    } catch (Exception | Error e) {
      try {
        server.close();
      } catch (Exception | Error suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /**
   * Opens a channel of {@code impl} to a server running elsewhere, at {@code target}
   * ({@code host:port}); closing the fixture leaves that server alone.
   */
  static Fixture connect(String impl, String target) {
    return open(impl, target, null);
  }

  /** A channel of {@code impl} to {@code target}; {@code server} (nullable) is closed after it. */
  private static Fixture open(String impl, String target, BenchServer server) {
    JettyLogs.warningsOnlyUnlessConfigured();
    return switch (impl) {
      case "rpc-jetty", "rpc-inprocess" -> new RpcFixture(target, server);
      case "grpc-netty" -> GrpcFixture.connect(true, false, target, server);
      case "grpc-netty-direct" -> GrpcFixture.connect(true, true, target, server);
      case "grpc-inprocess" -> GrpcFixture.connect(false, false, target, server);
      case "grpc-inprocess-direct" -> GrpcFixture.connect(false, true, target, server);
      default -> throw BenchServer.unknown(impl);
    };
  }

  /** Starts one unary call; {@code done} hears of its end on any thread (or on this one). */
  void unary(BytesValue request, Completion done);

  /** Makes one unary call and waits for its response. */
  BytesValue unaryBlocking(BytesValue request);

  /**
   * One server-streaming call: sends {@code request} and receives the
   * {@link BenchService#STREAM_MESSAGES} copies the server sends back.
   *
   * @return the number of messages received
   */
  long serverStreaming(BytesValue request) throws Exception;

  /**
   * One client-streaming call: sends {@code message} {@code count} times, then half-closes.
   *
   * @return the number of messages the server counted
   */
  long clientStreaming(BytesValue message, int count) throws Exception;

  /** Opens one bidi stream on which the server echoes every message. */
  PingPong pingPong();

  /** Closes the channel, then the server if this fixture started it, waiting a bounded time for each. */
  @Override
  void close() throws Exception;

  /**
   * A bidi stream for ping-pong round trips.
   *
   * <p>Not thread-safe: one benchmark thread uses it.
   */
  interface PingPong extends AutoCloseable {
    /** Sends {@code message} and waits for its echo. */
    BytesValue roundTrip(BytesValue message) throws Exception;

    /** Half-closes and waits (bounded) for the server to end the call. */
    @Override
    void close() throws Exception;
  }
}
