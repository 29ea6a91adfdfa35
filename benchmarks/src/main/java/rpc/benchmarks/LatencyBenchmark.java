package rpc.benchmarks;

import com.google.protobuf.BytesValue;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The latency of one blocking unary call while {@code concurrency - 1} other calls are in flight on
 * the same channel (kept there by {@link BackgroundLoad}); {@code concurrency = 1} is an idle
 * channel. Sampled per call: JMH reports the distribution (p50, p99, p99.9).
 *
 * <p>Not thread-safe: JMH runs it on one thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class LatencyBenchmark {

  /** The implementation under test (see {@link BenchService#IMPLEMENTATIONS}). */
  @Param({"rpc-jetty", "rpc-inprocess", "grpc-netty", "grpc-netty-direct", "grpc-inprocess", "grpc-inprocess-direct"})
  public String impl;

  /** K: calls in flight on the channel, the measured one included. */
  @Param({"1", "64"})
  public int concurrency;

  private Fixture fixture;
  private BackgroundLoad load;
  private BytesValue request;

  /** Starts the server, the channel and the background calls. */
  @Setup(Level.Trial)
  public void start() throws Exception {
    fixture = Fixture.start(impl);
    request = BenchService.payload(BenchService.UNARY_PAYLOAD);
    if (concurrency > 1) {
      load = new BackgroundLoad(fixture, request, concurrency - 1);
      load.start();
    }
  }

  /** One blocking call, the way an application thread waits for an answer. */
  @Benchmark
  public BytesValue call() {
    return fixture.unaryBlocking(request);
  }

  /** Stops the background calls, then shuts the channel and server down. */
  @TearDown(Level.Trial)
  public void stop() throws Exception {
    try {
      if (load != null) {
        load.stop();
      }
    } finally {
      if (fixture != null) {
        fixture.close();
      }
    }
  }
}
