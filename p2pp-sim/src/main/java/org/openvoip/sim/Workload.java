package org.openvoip.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.openvoip.p2pp.node.Node;
import org.openvoip.p2pp.node.Results;
import org.openvoip.p2pp.wire.Bytes;
import org.openvoip.p2pp.wire.WireObject.ResourceObject;

/**
 * A lookup workload with ground truth. Lookups arrive as a Poisson process at
 * {@code lookupsPerSecond}; each is issued by a random node that is online and joined, and is
 * either a LookupPeer for a random key or a LookupObject for an object published at setup, with
 * probability {@code objectFraction} for the latter. Every lookup is judged:
 *
 * <ul>
 *   <li>LookupPeer: <b>succeeded</b> iff the responder ({@code peers().get(0)}) is the ground-truth
 *       owner ({@link SimOverlay#owner}) at issue time or at completion time, else <b>wrong</b>;
 *   <li>LookupObject: <b>succeeded</b> iff one of the returned objects has the published value,
 *       else <b>wrong</b> (including "not found");
 *   <li><b>failed</b>: the future completed with an error (timeout, no route ...), or had not
 *       completed when {@link #finish} was called (for example because the issuing node crashed).
 * </ul>
 *
 * Latency (virtual ms, {@code route().millis()}) and hops are recorded for succeeded lookups.
 */
public final class Workload {
  /** Content type and sub-type of the published test objects. */
  public static final int CONTENT_TYPE = ResourceObject.CONTENT_USER_INFO;
  public static final int SUB_TYPE = 7;

  private record Published(Bytes key, Bytes value) {}

  /** A lookup in flight: who issued it, in which of its sessions, and of which kind. */
  private record InFlight(int node, long sessionStart, boolean object) {}

  private final SimOverlay overlay;
  private final double lookupsPerSecond;
  private final double objectFraction;
  private final SplittableRandom random;
  private final List<Published> objects = new ArrayList<>();
  private final java.util.Map<Long, InFlight> pending = new java.util.LinkedHashMap<>();
  private final java.util.TreeMap<String, Long> failureReasons = new java.util.TreeMap<>();
  private final java.util.TreeMap<String, Long> wrongReasons = new java.util.TreeMap<>();
  private long nextLookup;
  private boolean issuing;
  private boolean republishing;
  private long republished;
  private long issued;
  private long succeeded;
  private long wrong;
  private long failed;
  private long abandoned;
  private long peerLookupsAbandoned;
  private long objectLookupsAbandoned;
  private long publishFailures;
  private long peerLookups;
  private long peerLookupsSucceeded;
  private long objectLookups;
  private long objectLookupsSucceeded;
  private long[] latencies = new long[1024];
  private long hopSum;
  private int latencyCount;

  /**
   * @param objectFraction probability that a lookup is a LookupObject (if objects were published)
   */
  public Workload(SimOverlay overlay, double lookupsPerSecond, double objectFraction, long seed) {
    if (!(lookupsPerSecond >= 0) || Double.isInfinite(lookupsPerSecond)) {
      throw new IllegalArgumentException("lookups per second must be >= 0, not "
          + lookupsPerSecond);
    }
    if (!(objectFraction >= 0 && objectFraction <= 1)) {
      throw new IllegalArgumentException("object fraction must be in 0..1, not " + objectFraction);
    }
    this.overlay = overlay;
    this.lookupsPerSecond = lookupsPerSecond;
    this.objectFraction = objectFraction;
    this.random = new SplittableRandom(seed);
  }

  /**
   * Publishes {@code count} objects now, each from a random joined node, with the given lifetime.
   * Objects whose Publish fails are not looked up later (see {@link #publishFailures}).
   */
  public void publish(int count, long lifetimeSeconds) {
    for (int k = 0; k < count; k++) {
      int from = randomJoinedNode();
      if (from < 0) {
        publishFailures++;
        continue;
      }
      byte[] key = new byte[overlay.config().idLength()];
      random.nextBytes(key);
      byte[] value = new byte[16];
      random.nextBytes(value);
      Published p = new Published(Bytes.of(key), Bytes.of(value));
      publishFrom(from, p, lifetimeSeconds)
          .whenComplete((r, e) -> {
            if (e == null) {
              objects.add(p);
            } else {
              publishFailures++;
            }
          });
    }
  }

  /**
   * Node {@code from} publishes {@code p}: a plain object, or in a secured overlay its signed
   * entry of the object's dictionary, keyed by its node-ID (SimSecurity.WORKLOAD).
   */
  private java.util.concurrent.CompletableFuture<org.openvoip.p2pp.node.Results.Published>
      publishFrom(int from, Published p, long lifetimeSeconds) {
    org.openvoip.p2pp.node.Node n = overlay.node(from);
    if (!overlay.secured()) {
      return n.publish(p.key, CONTENT_TYPE, SUB_TYPE, p.value, lifetimeSeconds);
    }
    return n.store(p.key, CONTENT_TYPE, SUB_TYPE, org.openvoip.p2pp.wire.WireObject.DataEntry
        .dictionary(SimNetwork.EPOCH_MILLIS + overlay.simulator().now(), true, n.id()), p.value,
        lifetimeSeconds);
  }

  /**
   * From now on, every {@code periodMillis}, publishes every object again (same key and value)
   * from a random joined node, as a SIP phone refreshes its registration: an object whose
   * copies all died comes back at its owner. Stops with {@link #stop}.
   */
  public void republishEvery(long periodMillis, long lifetimeSeconds) {
    if (periodMillis <= 0) {
      throw new IllegalArgumentException("republish period must be positive");
    }
    republishing = true;
    overlay.simulator().schedule(periodMillis, () -> republish(periodMillis, lifetimeSeconds));
  }

  private void republish(long periodMillis, long lifetimeSeconds) {
    if (!republishing) {
      return;
    }
    for (Published p : new ArrayList<>(objects)) {
      int from = randomJoinedNode();
      if (from >= 0) {
        republished++;
        publishFrom(from, p, lifetimeSeconds);
      }
    }
    overlay.simulator().schedule(periodMillis, () -> republish(periodMillis, lifetimeSeconds));
  }

  /** Objects published again by {@link #republishEvery} so far. */
  public long republished() {
    return republished;
  }

  /** Starts issuing lookups now (Poisson arrivals). */
  public void start() {
    if (lookupsPerSecond <= 0 || issuing) {
      return;
    }
    issuing = true;
    scheduleNext();
  }

  /** Stops issuing new lookups (and publishing again); the ones in flight may still complete. */
  public void stop() {
    issuing = false;
    republishing = false;
  }

  /**
   * Judges every lookup still in flight when the run is over: abandoned if the node that issued it
   * is no longer in the session it issued it from (it crashed or left, and may have come back),
   * else failed.
   */
  public void finish() {
    issuing = false;
    long unfinished = 0;
    for (InFlight f : pending.values()) {
      boolean sameSession = overlay.online(f.node()) && overlay.joinedAt(f.node()) == f.sessionStart();
      if (sameSession) {
        unfinished++;
      } else if (f.object()) {
        objectLookupsAbandoned++;
      } else {
        peerLookupsAbandoned++;
      }
    }
    abandoned = peerLookupsAbandoned + objectLookupsAbandoned;
    failed += unfinished;
    if (unfinished > 0) {
      failureReasons.merge("unfinished at the end, the issuing node still up", unfinished,
          Long::sum);
    }
    pending.clear();
  }

  private void scheduleNext() {
    double u = 1 - random.nextDouble();
    long gap = Math.round(-Math.log(u) * 1000 / lookupsPerSecond);
    overlay.simulator().schedule(gap, () -> {
      if (!issuing) {
        return;
      }
      issueOne();
      scheduleNext();
    });
  }

  private void issueOne() {
    int from = randomJoinedNode();
    if (from < 0) {
      return; // nobody to ask: not a lookup
    }
    long id = ++nextLookup;
    issued++;
    Node node = overlay.node(from);
    boolean object = !objects.isEmpty() && random.nextDouble() < objectFraction;
    pending.put(id, new InFlight(from, overlay.joinedAt(from), object));
    if (object) {
      Published p = objects.get(random.nextInt(objects.size()));
      objectLookups++;
      node.lookup(p.key, CONTENT_TYPE, SUB_TYPE).whenComplete((r, e) -> {
        if (pending.remove(id) == null) {
          return;
        }
        if (e != null) {
          fail(e);
        } else if (holds(r, p.value)) {
          objectLookupsSucceeded++;
          succeed(r.route());
        } else {
          wrong++;
          wrongReasons.merge(whyMissing(p, r.route().responder()), 1L, Long::sum);
        }
      });
    } else {
      byte[] k = new byte[overlay.config().idLength()];
      random.nextBytes(k);
      Bytes key = Bytes.of(k);
      int ownerAtIssue = overlay.owner(key);
      Bytes ownerIdAtIssue = ownerAtIssue < 0 ? null : overlay.id(ownerAtIssue);
      peerLookups++;
      node.lookupPeer(key, 1).whenComplete((r, e) -> {
        if (pending.remove(id) == null) {
          return;
        }
        if (e != null) {
          fail(e);
          return;
        }
        Bytes responder = r.peers().isEmpty() ? null : r.peers().get(0).id();
        int ownerNow = overlay.owner(key);
        boolean right = responder != null && (responder.equals(ownerIdAtIssue)
            || (ownerNow >= 0 && responder.equals(overlay.id(ownerNow))));
        if (right) {
          peerLookupsSucceeded++;
          succeed(r.route());
        } else {
          wrong++;
          wrongReasons.merge(whyWrong(ownerNow), 1L, Long::sum);
        }
      });
    }
  }

  /**
   * Why a LookupPeer ended at a peer that is not the owner: most often the owner (by ground
   * truth) joined so recently that the peers around it have not learned it yet.
   */
  private String whyWrong(int owner) {
    if (owner < 0) {
      return "no live node owns the key";
    }
    long age = overlay.simulator().now() - overlay.joinedAt(owner);
    long nmt = overlay.config().neighborMaintenanceMillis();
    if (age < nmt) {
      return "the owner had joined less than one neighbour-maintenance period (NMT) before";
    }
    if (age < 4 * nmt) {
      return "the owner had joined 1 to 4 NMT before";
    }
    return "the owner had been up for 4 NMT or more";
  }

  /** Why a LookupObject came back without the object. */
  private String whyMissing(Published p, org.openvoip.p2pp.overlay.PeerRef responder) {
    int owner = overlay.owner(p.key);
    if (owner < 0 || responder == null || !responder.id().equals(overlay.id(owner))) {
      return "LookupObject: answered by a peer that is not the owner";
    }
    if (!overlay.node(owner).holdsNow(p.key, CONTENT_TYPE, SUB_TYPE) && !heldOnline(p)) {
      return "LookupObject: no online node held the object";
    }
    long age = overlay.simulator().now() - overlay.joinedAt(owner);
    long rt = overlay.config().replicationMillis();
    return age < rt
        ? "LookupObject: the owner, up for less than one replication period (RT), lacked it"
        : "LookupObject: the owner, up for one RT or more, lacked it";
  }

  /** Why LookupPeers ended at the wrong peer, or LookupObjects without the object, with counts. */
  public java.util.SortedMap<String, Long> wrongReasons() {
    return java.util.Collections.unmodifiableSortedMap(wrongReasons);
  }

  private void fail(Throwable e) {
    failed++;
    Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
        ? e.getCause() : e;
    failureReasons.merge(String.valueOf(cause.getMessage()).replaceAll("[0-9]+", "#"), 1L,
        Long::sum);
  }

  /** Why lookups failed: messages (digits replaced by #) and counts; unfinished ones excluded. */
  public java.util.SortedMap<String, Long> failureReasons() {
    return java.util.Collections.unmodifiableSortedMap(failureReasons);
  }

  private static boolean holds(Results.ObjectLookup r, Bytes value) {
    for (ResourceObject o : r.objects()) {
      if (value.equals(o.value())) {
        return true;
      }
    }
    return false;
  }

  private void succeed(Results.Route route) {
    succeeded++;
    if (latencyCount == latencies.length) {
      latencies = Arrays.copyOf(latencies, latencyCount * 2);
    }
    latencies[latencyCount++] = route.millis();
    hopSum += route.hops();
  }

  /** A random node that is online and has joined, or -1 if none is found. */
  int randomJoinedNode() {
    int n = overlay.size();
    if (n == 0 || overlay.liveIds().isEmpty()) {
      return -1;
    }
    for (int tries = 0; tries < 256; tries++) {
      int i = random.nextInt(n);
      if (overlay.online(i) && overlay.liveIds().contains(overlay.id(i))) {
        return i;
      }
    }
    return -1;
  }

  public long issued() {
    return issued;
  }

  public long succeeded() {
    return succeeded;
  }

  public long wrong() {
    return wrong;
  }

  public long failed() {
    return failed;
  }

  /** Lookups whose issuing node crashed or left before the answer (known after {@link #finish}). */
  public long abandoned() {
    return abandoned;
  }

  /** The share of judged lookups that succeeded (1 if none was judged). */
  public double successRatio() {
    long judged = issued - abandoned;
    return judged == 0 ? 1 : (double) succeeded / judged;
  }

  public long inFlight() {
    return pending.size();
  }

  public int objectsPublished() {
    return objects.size();
  }

  public long publishFailures() {
    return publishFailures;
  }

  /**
   * The share of LookupPeers that found the key's owner: routing consistency, whatever became
   * of the stored objects (1 if none was issued).
   */
  public double peerLookupSuccess() {
    long judged = peerLookups - peerLookupsAbandoned;
    return judged == 0 ? 1 : (double) peerLookupsSucceeded / judged;
  }

  /** The share of LookupObjects that brought the object back (1 if none was issued). */
  public double objectLookupSuccess() {
    long judged = objectLookups - objectLookupsAbandoned;
    return judged == 0 ? 1 : (double) objectLookupsSucceeded / judged;
  }

  /** Mean latency of succeeded lookups in milliseconds (0 if none). */
  public double meanLatencyMillis() {
    if (latencyCount == 0) {
      return 0;
    }
    long sum = 0;
    for (int i = 0; i < latencyCount; i++) {
      sum += latencies[i];
    }
    return (double) sum / latencyCount;
  }

  /**
   * The share of the published objects that their owner by ground truth holds now, 1 when none
   * were published: what a lookup can find without the overlay repairing anything first.
   */
  public double shareAtOwner() {
    if (objects.isEmpty()) {
      return 1;
    }
    int held = 0;
    for (Published p : objects) {
      int owner = overlay.owner(p.key);
      if (owner >= 0 && overlay.node(owner).holdsNow(p.key, CONTENT_TYPE, SUB_TYPE)) {
        held++;
      }
    }
    return (double) held / objects.size();
  }

  /** How many published objects no online node holds any more: lost for good. */
  public int objectsLost() {
    int lost = 0;
    for (Published p : objects) {
      if (!heldOnline(p)) {
        lost++;
      }
    }
    return lost;
  }

  /** Whether some online node holds the object now. */
  private boolean heldOnline(Published p) {
    for (int i = 0; i < overlay.size(); i++) {
      if (overlay.online(i) && overlay.node(i).holdsNow(p.key, CONTENT_TYPE, SUB_TYPE)) {
        return true;
      }
    }
    return false;
  }

  /** Mean hops of succeeded lookups (0 if none). */
  public double meanHops() {
    return latencyCount == 0 ? 0 : (double) hopSum / latencyCount;
  }

  /** The {@code q} quantile (0..1, nearest rank) of succeeded lookups' latency, 0 if none. */
  public long latencyQuantile(double q) {
    if (latencyCount == 0) {
      return 0;
    }
    long[] sorted = Arrays.copyOf(latencies, latencyCount);
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(q * latencyCount);
    return sorted[Math.max(0, Math.min(latencyCount - 1, rank - 1))];
  }
}
