package rpc.benchmarks;

import com.google.protobuf.BytesValue;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Drives one streaming workload against a {@link CrossServer} in another process, with the client
 * code of {@link StreamingBenchmark} ({@link Fixture#connect}, then {@link Fixture#serverStreaming},
 * {@link Fixture#clientStreaming} or {@link Fixture.PingPong#roundTrip}), and prints messages per
 * second: a warm-up, then several timed rounds, their mean and spread.
 *
 * <pre>
 * java -cp benchmarks.jar rpc.benchmarks.CrossClient --impl rpc-jetty --target 127.0.0.1:PORT \
 *     --workload server-streaming|client-streaming|ping-pong [--size 64] \
 *     [--warmup-seconds 10] [--rounds 5] [--seconds 2]
 * </pre>
 *
 * <p>A round's rate is the messages (round trips for ping-pong) completed divided by the time the
 * round took, its last call included. Every loop stops at its time or at {@link #MAX_STEPS}
 * operations, whichever comes first, and every call has the benchmarks' deadline
 * ({@link BenchService#WAIT_LIMIT}); a failed call ends the program with a non-zero status. The
 * last line, starting with {@code ROUNDS}, is for scripts: tab-separated impl, workload, size, unit
 * and the rates of all rounds, comma-separated.
 */
public final class CrossClient {
  private static final String USAGE = "CrossClient --impl rpc-jetty|grpc-netty|grpc-netty-direct --target HOST:PORT"
      + " --workload server-streaming|client-streaming|ping-pong [--size BYTES] [--warmup-seconds S]"
      + " [--rounds N] [--seconds S]";
  private static final Set<String> WORKLOADS = Set.of("server-streaming", "client-streaming", "ping-pong");
  /** At most this many calls (or round trips) per round or warm-up, whatever the clock says. */
  private static final long MAX_STEPS = 50_000_000L;

  private CrossClient() {}

  /** One operation of a workload; returns the messages it completed. */
  private interface Step {
    long run() throws Exception;
  }

  /** Connects, warms up, measures the rounds and prints them. */
  public static void main(String[] args) throws Exception {
    CommandLine options = CommandLine.parse(args, USAGE,
        Set.of("impl", "target", "workload", "size", "warmup-seconds", "rounds", "seconds"));
    String impl = options.networkImpl();
    String target = options.string("target");
    String workload = options.string("workload");
    if (!WORKLOADS.contains(workload)) {
      System.err.println("--workload must be one of " + WORKLOADS + ": " + workload);
      System.exit(2);
    }
    int size = options.integer("size", 64, 0, 1 << 20);
    Duration warmup = Duration.ofSeconds(options.integer("warmup-seconds", 10, 0, 3600));
    int rounds = options.integer("rounds", 5, 1, 100);
    Duration round = Duration.ofSeconds(options.integer("seconds", 2, 1, 3600));
    String unit = workload.equals("ping-pong") ? "round trips/s" : "messages/s";
    BytesValue message = BenchService.payload(size);

    double[] rates = new double[rounds];
    try (Fixture fixture = Fixture.connect(impl, target)) {
      Fixture.PingPong pingPong = workload.equals("ping-pong") ? fixture.pingPong() : null;
      try {
        Step step = switch (workload) {
          case "server-streaming" -> () -> {
            long n = fixture.serverStreaming(message);
            BenchService.checkCount("server-streaming", BenchService.STREAM_MESSAGES, n);
            return n;
          };
          case "client-streaming" -> () -> {
            long n = fixture.clientStreaming(message, BenchService.STREAM_MESSAGES);
            BenchService.checkCount("client-streaming", BenchService.STREAM_MESSAGES, n);
            return n;
          };
          default -> () -> {
            pingPong.roundTrip(message);
            return 1;
          };
        };
        System.out.printf("CrossClient: %s %s, %d B, to %s: %d s warm-up, %d rounds of %d s (%d CPU(s))%n", impl,
            workload, size, target, warmup.toSeconds(), rounds, round.toSeconds(),
            Runtime.getRuntime().availableProcessors());
        timed(step, warmup);
        for (int r = 0; r < rounds; r++) {
          rates[r] = timed(step, round);
          System.out.printf(Locale.ROOT, "  round %d: %,.0f %s%n", r + 1, rates[r], unit);
        }
      } finally {
        if (pingPong != null) {
          pingPong.close();
        }
      }
    }
    printSummary(rates, unit);
    System.out.println(String.join("\t", "ROUNDS", impl, workload, Integer.toString(size), unit,
        Arrays.stream(rates).mapToObj(r -> String.format(Locale.ROOT, "%.1f", r)).collect(Collectors.joining(","))));
  }

  /** Runs {@code step} for about {@code duration}; messages per second over the time it actually took. */
  private static double timed(Step step, Duration duration) throws Exception {
    long start = System.nanoTime();
    long deadline = start + duration.toNanos();
    long messages = 0;
    for (long i = 0; i < MAX_STEPS && System.nanoTime() - deadline < 0; i++) {
      messages += step.run();
    }
    return messages / ((System.nanoTime() - start) / 1e9);
  }

  private static void printSummary(double[] rates, String unit) {
    double mean = Arrays.stream(rates).average().orElse(Double.NaN);
    double variance = rates.length < 2 ? 0
        : Arrays.stream(rates).map(r -> (r - mean) * (r - mean)).sum() / (rates.length - 1);
    double min = Arrays.stream(rates).min().orElse(Double.NaN);
    double max = Arrays.stream(rates).max().orElse(Double.NaN);
    System.out.printf(Locale.ROOT, "  mean %,.0f %s, standard deviation %,.0f (%.1f%%), min %,.0f, max %,.0f"
        + " (spread %.1f%% of the mean)%n", mean, unit, Math.sqrt(variance), 100 * Math.sqrt(variance) / mean,
        min, max, 100 * (max - min) / mean);
  }
}
