package rpc.examples.routeguide;

import java.util.List;
import java.util.Locale;

/**
 * The example's small map: invented features at points in the E7 representation (degrees × 10^7).
 *
 * <p>Immutable.
 */
final class Features {
  private Features() {}

  static final List<Feature> ALL = List.of(
      feature("Old stone bridge", 407838351, -746143763),
      feature("Harbour lighthouse", 408122808, -743999179),
      feature("Clock tower", 406337092, -740122226),
      feature("Orchard gate", 404318328, -740835638),
      feature("Windmill on the ridge", 409224445, -748286738),
      feature("Ferry landing", 406411633, -741722051),
      feature("Quarry lookout", 405957808, -743255336),
      feature("Pine forest trailhead", 407383704, -745826160),
      feature("Market square", 406109563, -742186778),
      feature("Railway museum", 404701380, -745725120),
      feature("Beacon hill", 408472260, -744706120),
      feature("Salt marsh boardwalk", 403851400, -741004800));

  private static Feature feature(String name, int latitude, int longitude) {
    return Feature.newBuilder().setName(name).setLocation(point(latitude, longitude)).build();
  }

  static Point point(int latitude, int longitude) {
    return Point.newBuilder().setLatitude(latitude).setLongitude(longitude).build();
  }

  /** Degrees of an E7 coordinate. */
  static double degrees(int e7) {
    return e7 / 1e7;
  }

  /** The great-circle distance between two points in metres (haversine formula). */
  static int distanceMetres(Point a, Point b) {
    double lat1 = Math.toRadians(degrees(a.getLatitude()));
    double lat2 = Math.toRadians(degrees(b.getLatitude()));
    double dLat = lat2 - lat1;
    double dLon = Math.toRadians(degrees(b.getLongitude()) - degrees(a.getLongitude()));
    double h = Math.sin(dLat / 2) * Math.sin(dLat / 2)
        + Math.cos(lat1) * Math.cos(lat2) * Math.sin(dLon / 2) * Math.sin(dLon / 2);
    return (int) Math.round(6_371_000 * 2 * Math.atan2(Math.sqrt(h), Math.sqrt(1 - h)));
  }

  /** "40.7838351, -74.6143763". */
  static String text(Point p) {
    return String.format(Locale.ROOT, "%.7f, %.7f", degrees(p.getLatitude()), degrees(p.getLongitude()));
  }
}
