package org.openvoip.sim;

import java.util.SplittableRandom;
import org.openvoip.p2pp.node.OverlayConfig;
import org.openvoip.sim.churn.Churn;
import org.openvoip.sim.churn.ChurnDriver;
import org.openvoip.sim.churn.ChurnTrace;
import org.openvoip.sim.churn.TraceChurn;
import org.openvoip.sim.churn.Distribution;

/**
 * One simulation run with ground truth: builds an overlay, lets it settle, then runs churn and a
 * lookup workload for the measured duration and reports what happened ({@link SimReport}).
 *
 * <p>Timeline (virtual time):
 *
 * <ol>
 *   <li><b>join</b> ({@code joinMillis}): node 0 starts the overlay at time 0; the other nodes join
 *       through it at a steady rate, one every {@code joinMillis / nodes}.
 *   <li><b>stabilization</b> ({@code stabilizationMillis}): no churn, no lookups. After a third of
 *       it, {@code objects} objects are published from random nodes with long lifetimes; the last
 *       third measures the idle maintenance traffic.
 *   <li><b>measured</b> ({@code durationMillis}): churn (if a session distribution is given) and
 *       the workload run.
 *   <li><b>drain</b> ({@code lookupTimeoutMillis + 5 s}): no new lookups; the ones in flight may
 *       finish. Any still unfinished are judged failed, so every lookup is judged.
 * </ol>
 *
 * Same configuration and seed, same report (but for the wall-clock fields). A run that throws
 * says its seed, so it can be replayed.
 */
public final class Experiment {

  /** Reports progress between slices of virtual time; runs on the simulating thread. */
  @FunctionalInterface
  public interface Progress {
    void update(long virtualMillis, long totalVirtualMillis, long eventsExecuted);
  }

  /**
   * What to run.
   *
   * @param sessions session-time distribution, or null for no churn
   * @param downtimes down-time distribution, or null for the same as sessions
   * @param leaveFraction fraction of session ends that are graceful leaves (the rest crash)
   * @param trace sessions replayed from a trace instead of drawn (then sessions is null), or null
   * @param objectFraction fraction of lookups that are LookupObject (the rest LookupPeer)
   * @param joinMillis join period; 0 for the default, max(10 s, 50 ms per node)
   * @param stabilizationMillis stabilization period; 0 for the default, 3 * max(NMT, RMT)
   * @param republishMillis how often the objects are published again (as SIP phones refresh
   *     their registrations), from a random live node; 0 for never
   */
  public record Config(
      OverlayConfig overlay,
      int nodes,
      long seed,
      long durationMillis,
      Distribution sessions,
      Distribution downtimes,
      double leaveFraction,
      ChurnTrace trace,
      double lookupsPerSecond,
      double objectFraction,
      int objects,
      double lossRate,
      long joinMillis,
      long stabilizationMillis,
      long republishMillis) {

    public Config {
      if (overlay == null) {
        throw new IllegalArgumentException("an experiment needs an overlay configuration");
      }
      if (nodes < 1) {
        throw new IllegalArgumentException("need at least one node, not " + nodes);
      }
      if (durationMillis <= 0) {
        throw new IllegalArgumentException("duration must be positive");
      }
      if (objects < 0 || joinMillis < 0 || stabilizationMillis < 0 || republishMillis < 0) {
        throw new IllegalArgumentException("objects and periods must not be negative");
      }
    }

    /** No churn, 10 lookups per second, half of them for 100 published objects. */
    public static Config of(OverlayConfig overlay, int nodes, long seed, long durationMillis) {
      return new Config(overlay, nodes, seed, durationMillis, null, null, 0, null, 10, 0.5, 100,
          0, 0, 0, 0);
    }

    public Config withChurn(Distribution sessions, Distribution downtimes, double leaveFraction) {
      return new Config(overlay, nodes, seed, durationMillis, sessions, downtimes, leaveFraction,
          null, lookupsPerSecond, objectFraction, objects, lossRate, joinMillis,
          stabilizationMillis, republishMillis);
    }

    /** Sessions replayed from a trace rather than drawn from distributions. */
    public Config withTrace(ChurnTrace t, double leaveFraction) {
      return new Config(overlay, nodes, seed, durationMillis, null, null, leaveFraction, t,
          lookupsPerSecond, objectFraction, objects, lossRate, joinMillis, stabilizationMillis,
          republishMillis);
    }

    /** Objects published again every {@code millis} (0: never). */
    public Config withRepublish(long millis) {
      return new Config(overlay, nodes, seed, durationMillis, sessions, downtimes, leaveFraction,
          trace, lookupsPerSecond, objectFraction, objects, lossRate, joinMillis,
          stabilizationMillis, millis);
    }

    public Config withLookupsPerSecond(double l) {
      return new Config(overlay, nodes, seed, durationMillis, sessions, downtimes, leaveFraction,
          trace, l, objectFraction, objects, lossRate, joinMillis, stabilizationMillis,
          republishMillis);
    }

    public Config withLossRate(double loss) {
      return new Config(overlay, nodes, seed, durationMillis, sessions, downtimes, leaveFraction,
          trace, lookupsPerSecond, objectFraction, objects, loss, joinMillis,
          stabilizationMillis, republishMillis);
    }

    /** Join period (0: the default) and stabilization period (0: the default). */
    public Config withWarmUp(long join, long stabilization) {
      return new Config(overlay, nodes, seed, durationMillis, sessions, downtimes, leaveFraction,
          trace, lookupsPerSecond, objectFraction, objects, lossRate, join, stabilization,
          republishMillis);
    }

    public Config withSeed(long s) {
      return new Config(overlay, nodes, s, durationMillis, sessions, downtimes, leaveFraction,
          trace, lookupsPerSecond, objectFraction, objects, lossRate, joinMillis,
          stabilizationMillis, republishMillis);
    }

    public long effectiveJoinMillis() {
      return joinMillis > 0 ? joinMillis : Math.max(10_000, 50L * nodes);
    }

    public long effectiveStabilizationMillis() {
      return stabilizationMillis > 0 ? stabilizationMillis
          : 3 * Math.max(overlay.neighborMaintenanceMillis(), overlay.routingMaintenanceMillis());
    }

    public long drainMillis() {
      return overlay.lookupTimeoutMillis() + 5_000;
    }

    /** All the virtual time the run takes. */
    public long totalMillis() {
      return effectiveJoinMillis() + effectiveStabilizationMillis() + durationMillis
          + drainMillis();
    }
  }

  private static final long SLICE_MILLIS = 1_000;
  private static final long CENSUS_MILLIS = 60_000;
  private static final long OBJECT_LIFETIME_SECONDS = 86_400;

  private final Config config;
  private SimOverlay overlay;
  private Workload workload;
  private boolean decodeEveryPacket;
  private boolean secured;
  private boolean securityModelled;

  public Experiment(Config config) {
    this.config = config;
  }

  /**
   * Runs the overlay secured (SimSecurity): every node enrolled with a CA, every object signed
   * by its publisher and checked by every peer that stores or reads it. The CPU time of signing
   * and checking is charged to the nodes (what they send leaves that much later).
   */
  public Experiment secured(boolean on) {
    this.secured = on;
    return this;
  }

  /**
   * With {@link #secured}: model the cost of cryptography instead of paying it (signatures of
   * the right length, not computed or verified; the same CPU time charged), for overlays too
   * large to sign for real. The same run as a real one in lookups, latency and bytes.
   */
  public Experiment securityModelled(boolean on) {
    this.securityModelled = on;
    return this;
  }

  /**
   * Whether nodes decode every packet they receive, as on a real network, rather than take the
   * message it was encoded from ({@link SimNetwork#decodeEveryPacket}): the same run, slower.
   */
  public Experiment decodeEveryPacket(boolean on) {
    this.decodeEveryPacket = on;
    return this;
  }

  /** The overlay of the last run (for inspection after {@link #run}), or null. */
  public SimOverlay overlay() {
    return overlay;
  }

  /**
   * The engine's diagnostic counters summed over the nodes online now (after {@link #run}: at
   * the end of the run), sorted by name. Crashed nodes' counters are lost with them.
   */
  public java.util.SortedMap<String, Long> counters() {
    java.util.TreeMap<String, Long> sum = new java.util.TreeMap<>();
    if (overlay == null) {
      return sum;
    }
    for (int i = 0; i < overlay.size(); i++) {
      if (overlay.online(i)) {
        overlay.node(i).snapshotNow().counters().forEach((k, v) -> sum.merge(k, v, Long::sum));
      }
    }
    return sum;
  }

  /** The workload of the last run (for its failure reasons), or null. */
  public Workload workload() {
    return workload;
  }

  public SimReport run() {
    return run((now, total, events) -> {});
  }

  public SimReport run(Progress progress) {
    try {
      return runOnce(progress);
    } catch (RuntimeException | Error e) {
      throw new IllegalStateException("simulation failed; replay with seed " + config.seed()
          + ": " + e, e);
    }
  }

  private SimReport runOnce(Progress progress) {
    long wallStart = System.nanoTime();
    Config c = config;
    SplittableRandom seeds = new SplittableRandom(c.seed());
    long churnSeed = seeds.nextLong();
    long workloadSeed = seeds.nextLong();
    SimOverlay o = new SimOverlay(c.overlay(), c.seed(), c.lossRate());
    overlay = o;
    Simulator sim = o.simulator();
    SimNetwork net = o.network();
    net.decodeEveryPacket(decodeEveryPacket);
    if (secured) {
      o.secure(new SimSecurity(c.seed(), c.overlay().idLength(), securityModelled)::enroll);
    }

    long join = c.effectiveJoinMillis();
    long stab = c.effectiveStabilizationMillis();
    long measureStart = join + stab;
    long measureEnd = measureStart + c.durationMillis();
    long end = c.totalMillis();

    o.addNode();
    for (int i = 1; i < c.nodes(); i++) {
      sim.schedule(i * join / c.nodes(), o::addNode);
    }
    Workload workload = new Workload(o, c.lookupsPerSecond(), c.objectFraction(), workloadSeed);
    this.workload = workload;
    Churn churn = c.trace() != null
        ? new TraceChurn(o, c.trace(), c.nodes(), c.leaveFraction(), churnSeed)
        : c.sessions() == null ? null
        : new ChurnDriver(o, c.sessions(), c.downtimes(), c.leaveFraction(), churnSeed);
    sim.schedule(join + stab / 3, () -> workload.publish(c.objects(), OBJECT_LIFETIME_SECONDS));
    if (c.republishMillis() > 0) {
      sim.schedule(measureStart, () -> workload.republishEvery(c.republishMillis(),
          OBJECT_LIFETIME_SECONDS));
    }
    long idleStart = join + 2 * stab / 3;
    long[] bytesAt = new long[3];
    sim.schedule(idleStart, () -> bytesAt[0] = totalBytesSent(net));
    sim.schedule(measureStart, () -> {
      bytesAt[1] = totalBytesSent(net);
      if (churn != null) {
        churn.start();
      }
      workload.start();
    });
    sim.schedule(measureEnd, () -> {
      bytesAt[2] = totalBytesSent(net);
      workload.stop();
    });

    // Object availability: between slices (no simulator event, so the run is unchanged), once
    // a minute of the measured period, the share of objects their owner holds.
    double atOwnerSum = 0;
    double atOwnerMin = 1;
    int censuses = 0;
    long nextCensus = measureStart + CENSUS_MILLIS;
    while (sim.now() < end) {
      sim.runUntil(Math.min(end, sim.now() + SLICE_MILLIS));
      if (sim.now() >= nextCensus && sim.now() <= measureEnd) {
        double share = workload.shareAtOwner();
        atOwnerSum += share;
        atOwnerMin = Math.min(atOwnerMin, share);
        censuses++;
        nextCensus += CENSUS_MILLIS;
      }
      progress.update(sim.now(), end, sim.eventsExecuted());
    }
    workload.finish();
    if (churn != null) {
      churn.stop();
    }

    long wallNanos = System.nanoTime() - wallStart;
    long issued = workload.issued();
    double measuredSeconds = c.durationMillis() / 1000.0;
    double idleSeconds = (measureStart - idleStart) / 1000.0;
    Runtime rt = Runtime.getRuntime();
    return new SimReport(
        c.overlay().algorithm(),
        c.nodes(),
        c.seed(),
        c.durationMillis(),
        churn == null ? "none" : churn.describe(),
        issued,
        workload.succeeded(),
        workload.wrong(),
        workload.failed(),
        workload.abandoned(),
        issued == 0 ? 0 : workload.successRatio(),
        workload.peerLookupSuccess(),
        workload.objectLookupSuccess(),
        workload.latencyQuantile(0.50),
        workload.latencyQuantile(0.90),
        workload.latencyQuantile(0.99),
        workload.meanLatencyMillis(),
        workload.meanHops(),
        (bytesAt[2] - bytesAt[1]) / (double) c.nodes() / measuredSeconds,
        idleSeconds <= 0 ? 0 : (bytesAt[1] - bytesAt[0]) / (double) c.nodes() / idleSeconds,
        workload.objectsPublished(),
        censuses == 0 ? workload.shareAtOwner() : atOwnerSum / censuses,
        censuses == 0 ? workload.shareAtOwner() : atOwnerMin,
        workload.objectsLost(),
        churn == null ? 0 : churn.crashes(),
        churn == null ? 0 : churn.leaves(),
        churn == null ? 0 : churn.restarts(),
        o.liveIds().size(),
        o.joinFailures(),
        sim.eventsExecuted(),
        sim.eventsExecuted() / Math.max(1e-9, wallNanos / 1e9),
        wallNanos / 1_000_000,
        rt.totalMemory() - rt.freeMemory(),
        String.format("%016x", net.fingerprint()));
  }

  private static long totalBytesSent(SimNetwork net) {
    long sum = 0;
    for (int i = 0; i < net.size(); i++) {
      sum += net.bytesSent(i);
    }
    return sum;
  }
}
