package rpc.examples.routeguide;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import rpc.api.ServerContext;
import rpc.api.ServerStream;

/**
 * The RouteGuide service over {@link Features#ALL}, one method per call kind.
 * Thread-safe: calls run at once on their own virtual threads; the route notes are kept in
 * concurrent collections shared by every RouteChat call.
 */
public final class RouteGuideService implements RouteGuideRpc.Service {
  private final Map<Point, List<RouteNote>> notes = new ConcurrentHashMap<>();

  @Override
  public Feature getFeature(Point request, ServerContext context) {
    for (Feature f : Features.ALL) {
      if (f.getLocation().equals(request)) {
        return f;
      }
    }
    return Feature.newBuilder().setLocation(request).build(); // no name: nothing there
  }

  @Override
  public void listFeatures(Rectangle request, ServerStream<Feature, Rectangle> responses) {
    int left = Math.min(request.getLo().getLongitude(), request.getHi().getLongitude());
    int right = Math.max(request.getLo().getLongitude(), request.getHi().getLongitude());
    int bottom = Math.min(request.getLo().getLatitude(), request.getHi().getLatitude());
    int top = Math.max(request.getLo().getLatitude(), request.getHi().getLatitude());
    for (Feature f : Features.ALL) {
      Point p = f.getLocation();
      if (p.getLongitude() >= left && p.getLongitude() <= right && p.getLatitude() >= bottom && p.getLatitude() <= top) {
        responses.send(f); // blocks while the client is not reading: back-pressure
      }
    }
  }

  @Override
  public RouteSummary recordRoute(ServerStream<RouteSummary, Point> requests) {
    long start = System.nanoTime();
    int points = 0;
    int features = 0;
    int distance = 0;
    Point previous = null;
    for (Point p; (p = requests.receive()) != null; ) {
      points++;
      if (!getFeature(p, null).getName().isEmpty()) {
        features++;
      }
      if (previous != null) {
        distance += Features.distanceMetres(previous, p);
      }
      previous = p;
    }
    return RouteSummary.newBuilder()
        .setPointCount(points)
        .setFeatureCount(features)
        .setDistance(distance)
        .setElapsedTime((int) TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start))
        .build();
  }

  /** Answers each note with every note left earlier at the same point, then keeps it. */
  @Override
  public void routeChat(ServerStream<RouteNote, RouteNote> stream) {
    for (RouteNote note; (note = stream.receive()) != null; ) {
      List<RouteNote> here = notes.computeIfAbsent(note.getLocation(), p -> new CopyOnWriteArrayList<>());
      for (RouteNote earlier : here) {
        stream.send(earlier);
      }
      here.add(note);
    }
  }
}
