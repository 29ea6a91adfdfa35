package rpc.benchmarks;

import com.google.protobuf.BytesValue;

/**
 * One implementation under test: a started server serving {@link BenchService} and one channel to
 * it, which every call of a benchmark shares.
 *
 * <p>Thread-safe for unary calls (many in flight at once from any thread); the streaming methods
 * are called by one benchmark thread. {@link #close} shuts the channel and the server down.
 */
interface Fixture extends AutoCloseable {

  /** Starts the server and opens the channel of the implementation named {@code impl}. */
  static Fixture start(String impl) throws Exception {
    JettyLogs.warningsOnlyUnlessConfigured();
    return switch (impl) {
      case "rpc-jetty" -> new RpcFixture(true);
      case "rpc-inprocess" -> new RpcFixture(false);
      case "grpc-netty" -> new GrpcFixture(true, false);
      case "grpc-netty-direct" -> new GrpcFixture(true, true);
      case "grpc-inprocess" -> new GrpcFixture(false, false);
      case "grpc-inprocess-direct" -> new GrpcFixture(false, true);
      default -> throw new IllegalArgumentException("unknown impl '" + impl + "'; known: "
          + BenchService.IMPLEMENTATIONS);
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

  /** Closes the channel, then the server, waiting a bounded time for each. */
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
