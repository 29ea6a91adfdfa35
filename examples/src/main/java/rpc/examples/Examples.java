package rpc.examples;

import java.io.PrintStream;
import java.util.Arrays;
import rpc.examples.helloworld.HelloWorld;
import rpc.examples.internal.JettyLogs;
import rpc.examples.loadbalance.LoadBalance;
import rpc.examples.multiplex.Multiplex;
import rpc.examples.routeguide.RouteGuide;
import rpc.examples.web.Web;

/**
 * Runs an example by name: {@code helloworld}, {@code routeguide}, {@code multiplex},
 * {@code loadbalance} or {@code web}, followed by
 * its options. Without {@code --target}, an example starts its own server on 127.0.0.1 (a free
 * port, HTTP/2 over Jetty) and calls it; {@code --transport inprocess} does the same inside the JVM.
 * {@code web} only serves: a page, on a second port, that calls the server from the browser.
 * Thread-safe (stateless).
 */
public final class Examples {
  private Examples() {}

  /** Runs the example named by {@code args[0]} and exits with its status (2 for a usage error). */
  public static void main(String[] args) throws Exception {
    JettyLogs.warningsOnlyUnlessConfigured();
    System.exit(run(args, System.out, System.err));
  }

  /** Runs the example named by {@code args[0]}; returns its exit status (2 for a usage error). */
  public static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
    if (args.length == 0) {
      usage(err);
      return 2;
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    try {
      return switch (args[0]) {
        case "helloworld" -> HelloWorld.run(rest, out);
        case "routeguide" -> RouteGuide.run(rest, out);
        case "multiplex" -> Multiplex.run(rest, out);
        case "loadbalance" -> LoadBalance.run(rest, out);
        case "web" -> Web.run(rest, out);
        default -> {
          usage(err);
          yield 2;
        }
      };
    } catch (IllegalArgumentException e) {
      err.println("usage error: " + e.getMessage());
      return 2;
    }
  }

  private static void usage(PrintStream err) {
    err.println("usage: java -jar rpc-examples.jar helloworld|routeguide|multiplex|loadbalance|web [options]");
    err.println("  --transport jetty|inprocess   default jetty (HTTP/2 cleartext on 127.0.0.1)");
    err.println("  --target HOST:PORT            call a running server instead of starting one");
    err.println("  --port P --server-only        only serve, on port P (default: a free port)");
    err.println("  helloworld: --threads N --calls N   routeguide: --points N   multiplex: --threads N --calls N");
    err.println("  loadbalance: --threads N --calls N (three servers of its own; one shuts down mid-way)");
    err.println("  web: --port P --page-port P (serves a page that calls the server from the browser, until stopped)");
  }
}
