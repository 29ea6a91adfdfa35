package rpc.benchmarks;

import com.google.protobuf.ByteString;
import com.google.protobuf.BytesValue;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The one service every implementation serves, described once: its name, its methods and their
 * server logic, and the payloads the benchmarks send. Messages are protobuf well-known types, so
 * no generated code is needed.
 *
 * <p>Immutable (constants only).
 */
final class BenchService {
  static final String NAME = "bench.Bench";
  /** Echoes the request. */
  static final String UNARY = "Unary";
  /** Sends the request back {@link #STREAM_MESSAGES} times. */
  static final String SERVER_STREAM = "ServerStream";
  /** Counts the requests and answers with the count ({@code Int64Value}). */
  static final String CLIENT_STREAM = "ClientStream";
  /** Echoes every request on the same stream. */
  static final String PING_PONG = "PingPong";

  /** Messages per server-streaming or client-streaming call. */
  static final int STREAM_MESSAGES = 2048;
  /** Size of the unary payload, in bytes of {@code BytesValue.value}. */
  static final int UNARY_PAYLOAD = 32;

  /** How long any single wait in a benchmark may take before the benchmark fails instead of hanging. */
  static final Duration WAIT_LIMIT = Duration.ofSeconds(60);
  /**
   * How long teardown waits for a graceful shutdown before forcing it. Nothing is in flight by then
   * (windows are drained, streams ended), so this only bounds a transport that is slow to notice.
   */
  static final Duration CLOSE_GRACE = Duration.ofSeconds(1);
  /** Deadline of a stream that lives for a whole trial (ping-pong): longer than any profile's trial. */
  static final Duration TRIAL_STREAM_DEADLINE = Duration.ofHours(2);

  /** Every implementation, in the order reports list them. */
  static final List<String> IMPLEMENTATIONS = List.of("rpc-jetty", "rpc-inprocess", "grpc-netty",
      "grpc-netty-direct", "grpc-inprocess", "grpc-inprocess-direct");
  /** The implementations that listen on a port: the only ones another process can reach. */
  static final List<String> NETWORK_IMPLEMENTATIONS = List.of("rpc-jetty", "grpc-netty", "grpc-netty-direct");

  private BenchService() {}

  /** A message whose value is {@code size} pseudo-random bytes (same bytes on every run). */
  static BytesValue payload(int size) {
    byte[] bytes = new byte[size];
    new SplittableRandom(size).nextBytes(bytes);
    return BytesValue.newBuilder().setValue(ByteString.copyFrom(bytes)).build();
  }

  /** Fails the benchmark when the server answered a different number of messages than expected. */
  static void checkCount(String what, long expected, long actual) {
    if (expected != actual) {
      throw new IllegalStateException(what + ": expected " + expected + " messages, got " + actual);
    }
  }
}
