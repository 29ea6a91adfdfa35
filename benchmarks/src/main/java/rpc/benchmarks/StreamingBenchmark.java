package rpc.benchmarks;

import com.google.protobuf.BytesValue;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Messages per second on one stream: server-streaming ({@link BenchService#STREAM_MESSAGES}
 * responses per call), client-streaming (as many requests per call), and bidi ping-pong (one round
 * trip per operation on a stream that stays open for the whole trial). {@code size} is the payload
 * of every message.
 *
 * <p>Not thread-safe: JMH runs it on one thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class StreamingBenchmark {

  /** The implementation under test (see {@link BenchService#IMPLEMENTATIONS}). */
  @Param({"rpc-jetty", "rpc-inprocess", "grpc-netty", "grpc-netty-direct", "grpc-inprocess", "grpc-inprocess-direct"})
  public String impl;

  /** Payload bytes per message. */
  @Param({"64", "1024"})
  public int size;

  private Fixture fixture;
  private BytesValue message;
  private Fixture.PingPong pingPong;

  /** Starts the server and the channel. */
  @Setup(Level.Trial)
  public void start() throws Exception {
    fixture = Fixture.start(impl);
    message = BenchService.payload(size);
  }

  /** One operation is one message received by the client. */
  @Benchmark
  @OperationsPerInvocation(BenchService.STREAM_MESSAGES)
  public long serverStreaming() throws Exception {
    long n = fixture.serverStreaming(message);
    BenchService.checkCount("server-streaming", BenchService.STREAM_MESSAGES, n);
    return n;
  }

  /** One operation is one message received by the server. */
  @Benchmark
  @OperationsPerInvocation(BenchService.STREAM_MESSAGES)
  public long clientStreaming() throws Exception {
    long n = fixture.clientStreaming(message, BenchService.STREAM_MESSAGES);
    BenchService.checkCount("client-streaming", BenchService.STREAM_MESSAGES, n);
    return n;
  }

  /** One operation is one round trip on a long-lived bidi stream. */
  @Benchmark
  public BytesValue pingPong() throws Exception {
    if (pingPong == null) {
      pingPong = fixture.pingPong(); // opened by the first (warm-up) invocation of this benchmark only
    }
    return pingPong.roundTrip(message);
  }

  /** Ends the ping-pong stream (if open), then shuts the channel and server down. */
  @TearDown(Level.Trial)
  public void stop() throws Exception {
    try {
      if (pingPong != null) {
        pingPong.close();
      }
    } finally {
      if (fixture != null) {
        fixture.close();
      }
    }
  }
}
