package rpc.benchmarks;

import java.time.Duration;
import java.util.Set;

/**
 * Serves {@link BenchService} in a JVM of its own, for loads from another process
 * ({@link CrossClient}, h2load): the same server, started by the same code
 * ({@link BenchServer#start}), as inside the JMH benchmarks.
 *
 * <pre>
 * java -cp benchmarks.jar rpc.benchmarks.CrossServer --impl rpc-jetty [--port 0] [--max-seconds 3600]
 * </pre>
 *
 * <p>Prints one line, {@code CrossServer: IMPL serving bench.Bench on 127.0.0.1:PORT ...}, once it
 * serves ({@code --port 0}, the default, takes any free port, and that line names it). It then runs
 * until it is terminated (SIGTERM or SIGINT shut the server down gracefully, bounded as
 * {@link BenchServer#close} says) or {@code --max-seconds} have passed, so a server whose script
 * died does not outlive it for long.
 */
public final class CrossServer {
  private static final String USAGE =
      "CrossServer --impl rpc-jetty|grpc-netty|grpc-netty-direct [--port P] [--max-seconds S]";

  private CrossServer() {}

  /** Starts the server and serves until terminated or {@code --max-seconds} have passed. */
  public static void main(String[] args) throws Exception {
    CommandLine options = CommandLine.parse(args, USAGE, Set.of("impl", "port", "max-seconds"));
    String impl = options.networkImpl();
    int port = options.integer("port", 0, 0, 65535);
    int maxSeconds = options.integer("max-seconds", 3600, 1, 86_400);

    BenchServer server = BenchServer.start(impl, port);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        server.close();
      } catch (InterruptedException | RuntimeException e) {
        System.err.println("CrossServer: shutdown: " + e);
      }
    }, "cross-server-shutdown"));
    System.out.printf("CrossServer: %s serving %s on %s (%d CPU(s) available to this JVM)%n", impl,
        BenchService.NAME, server.target(), Runtime.getRuntime().availableProcessors());
    System.out.flush();

    Thread.sleep(Duration.ofSeconds(maxSeconds));
    System.out.println("CrossServer: --max-seconds " + maxSeconds + " passed; stopping");
    System.exit(0); // runs the shutdown hook
  }
}
