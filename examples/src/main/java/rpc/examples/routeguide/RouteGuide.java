package rpc.examples.routeguide;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import rpc.api.ClientStream;
import rpc.examples.internal.Demo;
import rpc.examples.internal.JettyLogs;
import rpc.examples.internal.Options;

/**
 * The route guide example: one call of each kind through the generated client. RouteChat sends on
 * one thread while this thread receives.
 * Thread-safe (stateless).
 *
 * <p>Options: {@code --points N} for RecordRoute (default 10), and those of every example
 * ({@code --transport}, {@code --target}, {@code --port}, {@code --server-only}).
 */
public final class RouteGuide {
  private RouteGuide() {}

  /** Runs the example and exits with its status. */
  public static void main(String[] args) throws Exception {
    JettyLogs.warningsOnlyUnlessConfigured();
    System.exit(run(args, System.out));
  }

  /** Runs the example, printing to {@code out}; 0 when every call went as expected. */
  public static int run(String[] args, PrintStream out) throws Exception {
    Options options = Options.parse(args, Map.of("points", 10));
    if (options.serverOnly()) {
      Demo.serve("routeguide", options, out, List.of(new RouteGuideService().bindService()));
      return 0;
    }
    try (Demo demo = Demo.start("routeguide", options, out, List.of(new RouteGuideService().bindService()))) {
      RouteGuideRpc.Client guide = RouteGuideRpc.newClient(demo.channel()).withTimeout(Duration.ofSeconds(30));
      getFeature(guide, Features.ALL.get(0).getLocation(), out);
      getFeature(guide, Features.point(0, 0), out);
      listFeatures(guide, out);
      recordRoute(guide, options.number("points"), out);
      routeChat(guide, out);
      out.println("route guide done" + demo.connectionsText());
      return 0;
    }
  }

  /** Unary. */
  private static void getFeature(RouteGuideRpc.Client guide, Point point, PrintStream out) {
    Feature f = guide.getFeature(point);
    out.println(f.getName().isEmpty() ? "GetFeature: no feature at " + Features.text(point)
        : "GetFeature: \"" + f.getName() + "\" at " + Features.text(point));
  }

  /** Server-streaming: read until receive() returns null (the end, status OK). */
  private static void listFeatures(RouteGuideRpc.Client guide, PrintStream out) {
    Rectangle area = Rectangle.newBuilder()
        .setLo(Features.point(400000000, -750000000))
        .setHi(Features.point(407000000, -740000000))
        .build();
    int count = 0;
    try (ClientStream<Rectangle, Feature> features = guide.listFeatures(area)) {
      for (Feature f; (f = features.receive()) != null; ) {
        out.println("ListFeatures: \"" + f.getName() + "\" at " + Features.text(f.getLocation()));
        count++;
      }
    }
    out.println("ListFeatures: " + count + " features in the rectangle");
  }

  /** Client-streaming: send the points, half-close, receive the one summary. */
  private static void recordRoute(RouteGuideRpc.Client guide, int points, PrintStream out) {
    Random random = new Random(42); // the same route every run
    try (ClientStream<Point, RouteSummary> route = guide.recordRoute()) {
      for (int i = 0; i < points; i++) {
        route.send(Features.ALL.get(random.nextInt(Features.ALL.size())).getLocation());
      }
      route.halfClose();
      RouteSummary s = route.receive();
      out.println("RecordRoute: " + s.getPointCount() + " points, " + s.getFeatureCount() + " features, "
          + s.getDistance() + " m, " + s.getElapsedTime() + " s");
    }
  }

  /**
   * Bidirectional: a second thread sends four notes at two places while this thread prints what
   * comes back (each note left earlier at the same place).
   */
  private static void routeChat(RouteGuideRpc.Client guide, PrintStream out) throws InterruptedException {
    String run = Long.toString(System.nanoTime(), 36); // notes of earlier runs on a shared server differ
    List<RouteNote> notes = List.of(
        note("first message " + run, 0, 1), note("second message " + run, 0, 2),
        note("third message " + run, 0, 1), note("fourth message " + run, 0, 2));
    try (ClientStream<RouteNote, RouteNote> chat = guide.routeChat()) {
      AtomicReference<Throwable> sendFailure = new AtomicReference<>();
      Thread sender = Thread.ofVirtual().name("routechat-sender").start(() -> {
        try {
          for (RouteNote n : notes) {
            chat.send(n);
          }
          chat.halfClose();
        } catch (RuntimeException e) {
          sendFailure.set(e);
          chat.cancel();
        }
      });
      int received = 0;
      for (RouteNote n; (n = chat.receive()) != null; ) {
        if (n.getMessage().endsWith(run)) {
          out.println("RouteChat: got \"" + n.getMessage() + "\" at " + Features.text(n.getLocation()));
          received++;
        }
      }
      sender.join();
      if (sendFailure.get() != null) {
        throw new IllegalStateException("sending notes failed", sendFailure.get());
      }
      out.println("RouteChat: " + notes.size() + " notes sent, " + received + " received");
    }
  }

  private static RouteNote note(String message, int latitude, int longitude) {
    return RouteNote.newBuilder().setMessage(message).setLocation(Features.point(latitude, longitude)).build();
  }
}
