package org.openvoip.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openvoip.p2pp.node.OverlayConfig;
import org.openvoip.p2pp.node.P2ppException;
import org.openvoip.p2pp.node.Results;
import org.openvoip.p2pp.overlay.PeerRef;
import org.openvoip.p2pp.wire.Bytes;
import org.openvoip.p2pp.wire.WireObject.ResourceObject;

/**
 * The overlay contract: what every overlay plugin must do, checked on real nodes in the
 * simulator against ground truth. Each plugin's test extends this and names the plugin.
 *
 * <ul>
 *   <li>after joins, and again after failures, exactly the ground-truth owner of a key claims
 *       responsibility for it, and lookups from any node find that owner;
 *   <li>recursive requests never visit a peer twice (route log) and never run out of TTL;
 *   <li>no stored object is lost when fewer than r of its replica holders fail at once, nor
 *       when peers leave gracefully;
 *   <li>the same seed gives the same run, to the packet.
 * </ul>
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
abstract class OverlayContract {
  static final int CONTENT = ResourceObject.CONTENT_USER_INFO;

  /** The plugin's name in the overlay configuration. */
  abstract String overlay();

  OverlayConfig config() {
    return OverlayConfig.builder().algorithm(overlay()).build();
  }

  /** An overlay of {@code n} nodes joined one per second, then given time to settle. */
  SimOverlay build(OverlayConfig c, int n, long seed) {
    SimOverlay o = new SimOverlay(c, seed, 0);
    o.addNode();
    o.run(100);
    o.addNodes(n - 1, 1000);
    o.run(3 * c.neighborMaintenanceMillis() + 2 * c.routingMaintenanceMillis());
    assertThat(o.liveIds()).as("seed %d: every node joined", seed).hasSize(n);
    return o;
  }

  static Bytes randomKey(SplittableRandom r) {
    byte[] b = new byte[20];
    r.nextBytes(b);
    return Bytes.of(b);
  }

  /** For each key, the nodes that claim responsibility must be exactly its ground-truth owner. */
  static void assertResponsibilityMatchesGroundTruth(SimOverlay o, SplittableRandom r, int keys) {
    for (int k = 0; k < keys; k++) {
      Bytes key = randomKey(r);
      List<Integer> claimants = new ArrayList<>();
      for (int i = 0; i < o.size(); i++) {
        if (o.online(i) && o.node(i).isResponsibleNow(key)) {
          claimants.add(i);
        }
      }
      assertThat(claimants).as("nodes responsible for %s", key).containsExactly(o.owner(key));
    }
  }

  /** Looks up {@code count} random keys from random live nodes; all must find the owner. */
  static List<Results.PeerLookup> assertLookupsFindOwners(SimOverlay o, SplittableRandom r,
      int count) {
    List<Results.PeerLookup> results = new ArrayList<>();
    for (int k = 0; k < count; k++) {
      Bytes key = randomKey(r);
      int from = randomLive(o, r);
      CompletableFuture<Results.PeerLookup> f = o.node(from).lookupPeer(key, 1);
      o.run(o.config().lookupTimeoutMillis() + 1000);
      assertThat(f).as("lookup of %s from node %d", key, from).isCompleted();
      Results.PeerLookup res = f.join();
      assertThat(res.peers().get(0).id()).as("owner of %s found from node %d", key, from)
          .isEqualTo(o.id(o.owner(key)));
      results.add(res);
    }
    return results;
  }

  static int randomLive(SimOverlay o, SplittableRandom r) {
    while (true) {
      int i = r.nextInt(o.size());
      if (o.online(i) && o.liveIds().contains(o.id(i))) {
        return i;
      }
    }
  }

  static long counterSum(SimOverlay o, String name) {
    long sum = 0;
    for (int i = 0; i < o.size(); i++) {
      sum += o.node(i).snapshotNow().counters().getOrDefault(name, 0L);
    }
    return sum;
  }

  @Test
  void afterJoinsEveryKeyHasExactlyItsOwnerAndLookupsFindIt() {
    SimOverlay o = build(config(), 64, 11);
    SplittableRandom r = new SplittableRandom(11);
    assertResponsibilityMatchesGroundTruth(o, r, 500);
    List<Results.PeerLookup> found = assertLookupsFindOwners(o, r, 200);
    double meanHops = found.stream().mapToInt(p -> p.route().hops()).average().orElse(0);
    assertThat(meanHops).as("mean hops in a 64-node overlay").isLessThanOrEqualTo(
        0.5 * (Math.log(64) / Math.log(2)) + 2);
  }

  @Test
  void afterAQuarterOfTheNodesFailTheOverlayHealsAndLookupsStillFindOwners() {
    OverlayConfig c = config();
    SimOverlay o = build(c, 64, 12);
    SplittableRandom r = new SplittableRandom(12);
    for (int i = 1; i < o.size(); i += 4) {
      o.crash(i);
    }
    o.run(3 * c.neighborMaintenanceMillis() + c.keepAliveMillis()
        + 2 * c.transactions().t2Millis());
    assertResponsibilityMatchesGroundTruth(o, r, 300);
    assertLookupsFindOwners(o, r, 100);
  }

  @Test
  void recursiveRoutingWithRouteLogNeverVisitsAPeerTwice() {
    OverlayConfig c = config().toBuilder().recursive(true).build();
    SimOverlay o = build(c, 48, 13);
    SplittableRandom r = new SplittableRandom(13);
    List<Results.PeerLookup> found = assertLookupsFindOwners(o, r, 150);
    assertThat(found).allSatisfy(p -> assertThat(p.route().hops()).isBetween(0, 12));
    assertThat(counterSum(o, "routing.loop-detected")).isZero();
    assertThat(counterSum(o, "routing.ttl-exceeded")).isZero();
    assertThat(counterSum(o, "routing.forwarded")).as("requests were forwarded").isPositive();
  }

  @Test
  void afterRecursiveJoinsEveryKeyHasExactlyItsOwner() {
    // A recursive Join learns only the admitting peer's tables. Here (seed 18) Kademlia once
    // ended with two groups of peers that each knew nothing of the other, though they were
    // near in ID: a bucket refresh answered from the node's own table, where the empty bucket
    // made the node the owner of every ID in it. 75 of 300 keys had a wrong owner.
    OverlayConfig c = config().toBuilder().recursive(true).build();
    SimOverlay o = build(c, 40, 18);
    SplittableRandom r = new SplittableRandom(18);
    assertResponsibilityMatchesGroundTruth(o, r, 300);
    assertLookupsFindOwners(o, r, 100);
  }

  @Test
  void recursiveRoutingUnderChurnRunsToTheEndAndFindsOwners() {
    // Under churn an upstream hop gives up on a slow path and tries another, so the same
    // request can reach a peer that is still forwarding it: the peer must refuse it as a loop.
    long seed = 14;
    OverlayConfig c = config().toBuilder().recursive(true).build();
    Experiment.Config e = Experiment.Config.of(c, 100, seed, 300_000)
        .withChurn(org.openvoip.sim.churn.Distribution.exponentialMedian(84_000), null, 0);
    Experiment run = new Experiment(e);
    SimReport r = run.run();
    assertThat(r.lookupsIssued()).as("seed %d: %s", seed, r).isGreaterThan(2000);
    assertThat(r.peerLookupSuccess()).as("seed %d: %s", seed, r).isGreaterThan(0.8);
    assertThat(run.counters().getOrDefault("routing.forwarded", 0L)).isPositive();
  }

  @Test
  void recursiveRequestsWithAnswersTooLargeForADatagramGoOnOverStreams() {
    // Every Join answer (it carries the admitting peer's tables) exceeds 600 bytes: the peer
    // before the responder gets 480 and asks again over a stream, and so on back up the path.
    // A forwarder that got a request over a stream forwards it over a stream, so that the
    // answer from beyond is not refused again at each hop and the join is not replayed there.
    OverlayConfig c = config().toBuilder().recursive(true)
        .transactions(config().transactions().withMaxDatagram(600)).build();
    SimOverlay o = build(c, 40, 18);
    long admitted = counterSum(o, "overlay.joins-admitted");
    long retried = counterSum(o, "transaction.retried-over-stream");
    assertThat(retried).as("answers were too large for datagrams").isPositive();
    assertThat(admitted).as("joins admitted for 39 joins").isLessThanOrEqualTo(3 * 39);
  }

  @Test
  void noObjectIsLostWhenFewerThanRReplicaHoldersFailAtOnce() {
    OverlayConfig c = config();
    SimOverlay o = build(c, 40, 14);
    SplittableRandom r = new SplittableRandom(14);
    List<Bytes> keys = new ArrayList<>();
    for (int k = 0; k < 60; k++) {
      Bytes key = randomKey(r);
      keys.add(key);
      o.node(randomLive(o, r)).publish(key, CONTENT, 0, Bytes.of((byte) k), 3600);
    }
    o.run(5000 + c.replicationMillis());
    // For a few objects, crash the owner and the next r-2 replica holders (r-1 in all) at once.
    List<Integer> crashed = new ArrayList<>();
    int replicas = o.config().replicas();
    for (int k = 0; k < 5; k++) {
      Bytes key = keys.get(k);
      CompletableFuture<Results.PeerLookup> q = o.node(o.owner(key)).lookupPeer(key, replicas);
      o.run(2000);
      List<PeerRef> holders = q.join().peers();
      // Node 0 is the bootstrap server: restarted without state it would start an overlay of
      // its own, which is not what this test is about (the failure test spares it too).
      for (int h = 0, n = 0; n < replicas - 1 && h < holders.size(); h++) {
        int victim = indexOf(o, holders.get(h).id());
        if (victim != 0) {
          o.crash(victim);
          crashed.add(victim);
          n++;
        }
      }
      o.run(3 * c.neighborMaintenanceMillis() + c.keepAliveMillis() + c.replicationMillis()
          + 2 * c.transactions().t2Millis());
    }
    assertAllRetrievable(o, r, keys);
    // The crashed peers come back with their IDs, all at once: each object goes back to its
    // owner, even when a holder hands it to a restarted peer that is not the owner yet.
    for (int victim : crashed) {
      o.restart(victim);
    }
    o.run(3 * c.neighborMaintenanceMillis() + 2 * c.replicationMillis());
    for (Bytes key : keys) {
      int owner = o.owner(key);
      assertThat(o.node(owner).holdsNow(key, CONTENT, 0))
          .as("the owner %s of %s holds it after the restarts", o.id(owner), key).isTrue();
    }
    assertAllRetrievable(o, r, keys);
  }

  @Test
  void underHeavyChurnTheOwnerOfAnObjectHoldsIt() {
    // Sessions of median 1.4 minutes: owners change all the time, and often the primary is
    // gone before it could hand an object to the peer that takes over. The replica holders
    // then send their copies to the new owner. Without that, owners held 97 % of the objects
    // here on every overlay (seed 3); with it, 99 % or more.
    long seed = 3;
    OverlayConfig c = config().toBuilder().replicationMillis(10_000).build();
    Experiment.Config e = Experiment.Config.of(c, 150, seed, 600_000)
        .withChurn(org.openvoip.sim.churn.Distribution.exponentialMedian(84_000), null, 0)
        .withRepublish(60_000);
    Experiment run = new Experiment(e);
    SimReport r = run.run();
    assertThat(r.objectsAtOwnerMean()).as("seed %d: %s", seed, r).isGreaterThanOrEqualTo(0.985);
    assertThat(run.counters().getOrDefault("storage.copies-to-new-owner", 0L)).isPositive();
  }

  @Test
  void aReplicaHolderThatRestartsGetsItsCopiesAgain() {
    OverlayConfig c = config();
    SimOverlay o = build(c, 32, 16);
    SplittableRandom r = new SplittableRandom(16);
    Bytes key = randomKey(r);
    o.node(randomLive(o, r)).publish(key, CONTENT, 0, Bytes.of((byte) 1), 3600);
    o.run(5000 + c.replicationMillis());
    // The replica holders (not the owner, not node 0) crash and restart at once under their
    // IDs, before anyone notices: they come back empty, and must be sent their copies again.
    List<Integer> holders = new ArrayList<>();
    for (int i = 0; i < o.size(); i++) {
      if (i != o.owner(key) && o.node(i).holdsNow(key, CONTENT, 0)) {
        holders.add(i);
      }
    }
    assertThat(holders).as("replicas were made").hasSize(o.config().replicas() - 1);
    holders.remove(Integer.valueOf(0));
    for (int i : holders) {
      o.crash(i);
      o.restart(i);
    }
    // A primary sends every copy again each 4 replication periods.
    o.run(3 * c.neighborMaintenanceMillis() + 6 * c.replicationMillis());
    int copies = 0;
    for (int i = 0; i < o.size(); i++) {
      if (o.online(i) && o.node(i).holdsNow(key, CONTENT, 0)) {
        copies++;
      }
    }
    assertThat(copies).as("copies of %s after its replica holders restarted", key)
        .isGreaterThanOrEqualTo(o.config().replicas());
  }

  @Test
  void gracefulLeavesHandObjectsOver() {
    OverlayConfig c = config();
    SimOverlay o = build(c, 30, 15);
    SplittableRandom r = new SplittableRandom(15);
    List<Bytes> keys = new ArrayList<>();
    for (int k = 0; k < 40; k++) {
      Bytes key = randomKey(r);
      keys.add(key);
      o.node(randomLive(o, r)).publish(key, CONTENT, 0, Bytes.of((byte) k), 3600);
    }
    o.run(5000);
    for (int i = 2; i < o.size(); i += 3) {
      o.leave(i);
      o.run(2 * c.neighborMaintenanceMillis());
    }
    o.run(c.replicationMillis() + c.neighborMaintenanceMillis());
    assertThat(counterSum(o, "overlay.leaves-received")).isPositive();
    assertAllRetrievable(o, r, keys);
  }

  @Test
  void theSameSeedGivesTheSameRun() {
    long a = fingerprintOfAShortRun(21);
    long b = fingerprintOfAShortRun(21);
    long other = fingerprintOfAShortRun(22);
    assertThat(a).isEqualTo(b).isNotEqualTo(other);
  }

  private long fingerprintOfAShortRun(long seed) {
    SimOverlay o = new SimOverlay(config(), seed, 0.01);
    o.addNodes(16, 500);
    o.run(60_000);
    SplittableRandom r = new SplittableRandom(seed);
    for (int k = 0; k < 20; k++) {
      o.node(randomLive(o, r)).lookupPeer(randomKey(r), 1);
      o.run(200);
    }
    o.crash(3);
    o.run(30_000);
    return o.network().fingerprint();
  }

  private static void assertAllRetrievable(SimOverlay o, SplittableRandom r, List<Bytes> keys) {
    for (int k = 0; k < keys.size(); k++) {
      int from = randomLive(o, r);
      CompletableFuture<Results.ObjectLookup> f = o.node(from).lookup(keys.get(k), CONTENT, 0);
      o.run(o.config().lookupTimeoutMillis() + 1000);
      assertThat(f).as("lookup of object %d", k).isCompleted();
      Results.ObjectLookup res;
      try {
        res = f.join();
      } catch (java.util.concurrent.CompletionException e) {
        throw new AssertionError("object " + k + ": " + ((P2ppException) e.getCause()).getMessage());
      }
      assertThat(res.objects()).as("object %d (key %s) at %s", k, keys.get(k),
          res.route().responder()).hasSize(1);
      assertThat(res.objects().get(0).value()).isEqualTo(Bytes.of((byte) k));
    }
  }

  private static int indexOf(SimOverlay o, Bytes id) {
    for (int i = 0; i < o.size(); i++) {
      if (o.id(i).equals(id)) {
        return i;
      }
    }
    throw new AssertionError("no node " + id);
  }
}
