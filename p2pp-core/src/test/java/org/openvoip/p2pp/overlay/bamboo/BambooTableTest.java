package org.openvoip.p2pp.overlay.bamboo;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.openvoip.p2pp.env.Endpoint;
import org.openvoip.p2pp.node.OverlayConfig;
import org.openvoip.p2pp.overlay.PeerRef;
import org.openvoip.p2pp.overlay.RecordingContext;
import org.openvoip.p2pp.overlay.Xor;
import org.openvoip.p2pp.wire.Bytes;
import org.openvoip.p2pp.wire.Method;

/**
 * Bamboo's tables on their own: the leaf set is the L/2 nearest peers on each side, every
 * routing-table entry has the prefix and digit of its place, a nearer peer by round trip takes
 * an entry, a second-hand leaf waits for its KeepAlive, and the answers agree with a sort of
 * every kept peer by numeric distance.
 */
class BambooTableTest {
  private static final BigInteger RING = BigInteger.ONE.shiftLeft(160);
  private static int port = 1;

  private static PeerRef peer(Bytes id) {
    return new PeerRef(id, Endpoint.of("10.0.0.2", port++));
  }

  private static Bytes random(SplittableRandom r) {
    byte[] b = new byte[20];
    r.nextBytes(b);
    return Bytes.of(b);
  }

  private static BigInteger distance(Bytes key, Bytes id) {
    BigInteger d = new BigInteger(1, id.toByteArray()).subtract(new BigInteger(1,
        key.toByteArray())).mod(RING);
    return d.min(RING.subtract(d));
  }

  private static RecordingContext context(Bytes self) {
    return new RecordingContext(peer(self), OverlayConfig.builder().algorithm("bamboo").build());
  }

  @Test
  void circularOrderAgreesWithBigIntegerDistances() {
    SplittableRandom r = new SplittableRandom(1);
    for (int i = 0; i < 3000; i++) {
      Bytes key = random(r);
      Bytes a = random(r);
      Bytes b = i % 3 == 0 ? Xor.randomWithPrefix(a, 150, r) : random(r);
      int expected = Integer.signum(distance(key, a).compareTo(distance(key, b)));
      if (expected != 0) {
        assertThat(Integer.signum(Circular.compare(key, a, b))).isEqualTo(expected);
      }
      int byRank = Long.compareUnsigned(Circular.rank(key, a), Circular.rank(key, b));
      if (byRank != 0) {
        assertThat(Integer.signum(byRank)).isEqualTo(expected);
      }
    }
    // Equal distances on both sides: the clockwise one is nearer.
    Bytes key = Bytes.fromHex("0000000000000000000000000000000000000100");
    Bytes after = Bytes.fromHex("0000000000000000000000000000000000000110");
    Bytes before = Bytes.fromHex("00000000000000000000000000000000000000f0");
    assertThat(Circular.compare(key, after, before)).isNegative();
    assertThat(Circular.compare(key, before, after)).isPositive();
    TreeSet<Bytes> ids = new TreeSet<>(List.of(before, after));
    assertThat(Circular.nearest(key, ids)).isEqualTo(after);
  }

  @Test
  void tablesKeepLeavesAndEntriesAndAnswerAsASort() {
    SplittableRandom r = new SplittableRandom(2);
    Bytes selfId = random(r);
    RecordingContext ctx = context(selfId);
    Bamboo bamboo = new Bamboo(ctx);
    bamboo.joined(null, List.of(), List.of());
    List<PeerRef> all = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      Bytes id = i % 3 == 0 ? Xor.randomWithPrefix(selfId, 8 + r.nextInt(40), r) : random(r);
      PeerRef p = peer(id);
      all.add(p);
      bamboo.peerSeen(p);
    }
    // The leaf set: the 8 nearest clockwise and the 8 nearest counter-clockwise of all seen.
    List<PeerRef> byClockwise = new ArrayList<>(all);
    BigInteger self = new BigInteger(1, selfId.toByteArray());
    byClockwise.sort(Comparator.comparing(
        p -> new BigInteger(1, p.id().toByteArray()).subtract(self).mod(RING)));
    List<PeerRef> expectedLeaves = new ArrayList<>(byClockwise.subList(0, 8));
    for (int i = 0; i < 8; i++) {
      expectedLeaves.add(byClockwise.get(byClockwise.size() - 1 - i));
    }
    assertThat(bamboo.neighborTable()).containsExactlyElementsOf(expectedLeaves);
    // One peer per entry: per row (shared hex digits) and next digit.
    List<PeerRef> entries = bamboo.routingTable();
    java.util.Set<String> places = new java.util.HashSet<>();
    for (PeerRef e : entries) {
      int row = Xor.commonPrefix(selfId, e.id()) / 4;
      assertThat(places.add(row + ":" + e.id().hex().charAt(row))).as("entry of %s", e).isTrue();
    }
    assertThat(entries.stream().filter(p -> Xor.commonPrefix(selfId, p.id()) < 4)
        .map(p -> p.id().hex().charAt(0)).distinct().count())
        .as("row 0 holds a peer for each first digit but ours").isEqualTo(15);
    assertThat(entries.stream().filter(p -> Xor.commonPrefix(selfId, p.id()) >= 4))
        .as("deeper rows hold peers too").isNotEmpty();
    List<PeerRef> kept = new ArrayList<>(entries);
    for (PeerRef p : bamboo.neighborTable()) {
      if (!kept.contains(p)) {
        kept.add(p);
      }
    }
    for (int q = 0; q < 500; q++) {
      Bytes key = q % 2 == 0 ? random(r) : Xor.randomWithPrefix(selfId, 10 + r.nextInt(40), r);
      List<PeerRef> sorted = new ArrayList<>(kept);
      sorted.add(ctx.self());
      sorted.sort((a, b) -> Circular.compare(key, a.id(), b.id()));
      assertThat(bamboo.closestPeers(key, 4)).isEqualTo(sorted.subList(0, 4));
      assertThat(bamboo.isResponsible(key)).isEqualTo(sorted.get(0) == ctx.self());
      List<PeerRef> others = new ArrayList<>(sorted);
      others.remove(ctx.self());
      assertThat(bamboo.nextHops(key, 3)).isEqualTo(others.subList(0, 3));
      assertThat(bamboo.responsibleIfGone(key))
          .isEqualTo(sorted.get(1) == ctx.self() ? sorted.get(0) : null);
    }
  }

  @Test
  void aPeerNearerByRoundTripTakesItsEntry() {
    SplittableRandom r = new SplittableRandom(3);
    Bytes selfId = Bytes.fromHex("1000000000000000000000000000000000000000");
    RecordingContext ctx = context(selfId);
    Bamboo bamboo = new Bamboo(ctx);
    bamboo.joined(null, List.of(), List.of());
    // Fill the leaf set with near peers first, so that far peers are entries only.
    for (int i = 0; i < 16; i++) {
      bamboo.peerSeen(peer(Xor.randomWithPrefix(selfId, 60 + i, r)));
    }
    PeerRef slow = peer(Bytes.fromHex("a100000000000000000000000000000000000000"));
    PeerRef fast = peer(Bytes.fromHex("a200000000000000000000000000000000000000"));
    ctx.rtts.put(slow.id(), 180L);
    ctx.rtts.put(fast.id(), 20L);
    bamboo.peerSeen(slow);
    assertThat(bamboo.routingTable()).contains(slow);
    bamboo.peerSeen(fast);
    assertThat(bamboo.routingTable()).contains(fast).doesNotContain(slow);
    // Heard of second-hand, a peer without a measured round trip does not displace it.
    bamboo.tablesReceived(fast, List.of(slow), List.of());
    assertThat(bamboo.routingTable()).contains(fast).doesNotContain(slow);
  }

  @Test
  void aLeafHeardOfSecondHandJoinsOnlyOnceItAnswers() {
    SplittableRandom r = new SplittableRandom(4);
    Bytes selfId = random(r);
    RecordingContext ctx = context(selfId);
    Bamboo bamboo = new Bamboo(ctx);
    bamboo.joined(null, List.of(), List.of());
    PeerRef informant = peer(Xor.randomWithPrefix(selfId, 20, r));
    PeerRef near = peer(Xor.randomWithPrefix(selfId, 100, r));
    bamboo.tablesReceived(informant, List.of(), List.of(near));
    assertThat(bamboo.neighborTable()).containsExactly(informant);
    assertThat(ctx.sent).extracting(RecordingContext.Sent::to).contains(near);
    RecordingContext.Sent probe = ctx.sent.stream().filter(s -> s.to().equals(near))
        .findFirst().orElseThrow();
    assertThat(probe.method()).isEqualTo(Method.KEEP_ALIVE);
    bamboo.peerSeen(near); // what the engine does when the KeepAlive is answered
    probe.reply().onResponse(null);
    assertThat(bamboo.neighborTable()).contains(near, informant);
  }

  @Test
  void aLeafThatANeighbourLeavesOutIsProbedAndDroppedIfDead() {
    SplittableRandom r = new SplittableRandom(5);
    Bytes selfId = Bytes.fromHex("5000000000000000000000000000000000000000");
    RecordingContext ctx = context(selfId);
    Bamboo bamboo = new Bamboo(ctx);
    bamboo.joined(null, List.of(), List.of());
    PeerRef a = peer(Bytes.fromHex("5000000000000000000000000000000000000010"));
    PeerRef dead = peer(Bytes.fromHex("5000000000000000000000000000000000000020"));
    PeerRef b = peer(Bytes.fromHex("5000000000000000000000000000000000000030"));
    bamboo.peerSeen(a);
    bamboo.peerSeen(dead);
    bamboo.peerSeen(b);
    ctx.sent.clear();
    // a lists b, beyond `dead` on the same side, but not `dead`: a may have found it dead.
    bamboo.tablesReceived(a, List.of(), List.of(b));
    assertThat(ctx.sent).extracting(RecordingContext.Sent::to).containsExactly(dead);
    bamboo.peerFailed(dead);
    ctx.sent.get(0).reply().onFailure(418, "timeout");
    assertThat(bamboo.neighborTable()).containsExactlyInAnyOrder(a, b);
  }
}
