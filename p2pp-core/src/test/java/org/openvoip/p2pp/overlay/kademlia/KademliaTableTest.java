package org.openvoip.p2pp.overlay.kademlia;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.openvoip.p2pp.env.Endpoint;
import org.openvoip.p2pp.node.OverlayConfig;
import org.openvoip.p2pp.overlay.PeerRef;
import org.openvoip.p2pp.overlay.RecordingContext;
import org.openvoip.p2pp.overlay.Xor;
import org.openvoip.p2pp.wire.Bytes;
import org.openvoip.p2pp.wire.Method;

/**
 * Kademlia's table on its own, driven through a recording context: the bucket order answers
 * the same as sorting every known peer by XOR distance, and the least-recently-seen rule
 * decides who stays in a full bucket.
 */
class KademliaTableTest {
  private static int port = 1;

  private static PeerRef peer(Bytes id) {
    return new PeerRef(id, Endpoint.of("10.0.0.1", port++));
  }

  private static Bytes random(SplittableRandom r) {
    byte[] b = new byte[20];
    r.nextBytes(b);
    return Bytes.of(b);
  }

  private static RecordingContext context(Bytes self, int k) {
    return new RecordingContext(peer(self), OverlayConfig.builder().algorithm("kademlia").bucketSize(k)
        .build());
  }

  @Test
  void bucketOrderAnswersAsASortOfAllKnownPeers() {
    SplittableRandom r = new SplittableRandom(1);
    Bytes selfId = random(r);
    RecordingContext ctx = context(selfId, 20);
    Kademlia kad = new Kademlia(ctx);
    kad.joined(null, List.of(), List.of());
    List<PeerRef> known = new ArrayList<>();
    // Random peers fill the shallow buckets; peers near this node fill the deep ones.
    for (int i = 0; i < 400; i++) {
      PeerRef p = peer(i % 2 == 0 ? random(r) : Xor.randomWithPrefix(selfId, 1 + r.nextInt(30), r));
      kad.peerSeen(p);
    }
    known.addAll(kad.routingTable());
    assertThat(known).hasSizeGreaterThan(100);
    for (int q = 0; q < 500; q++) {
      Bytes key = q % 2 == 0 ? random(r) : Xor.randomWithPrefix(selfId, r.nextInt(40), r);
      List<PeerRef> all = new ArrayList<>(known);
      all.add(ctx.self());
      all.sort(Comparator.comparing(PeerRef::id, (a, b) -> Xor.compare(key, a, b)));
      assertThat(kad.closestPeers(key, 5)).isEqualTo(all.subList(0, 5));
      assertThat(kad.isResponsible(key)).isEqualTo(all.get(0) == ctx.self());
      List<PeerRef> others = new ArrayList<>(all);
      others.remove(ctx.self());
      assertThat(kad.nextHops(key, 3)).isEqualTo(others.subList(0, 3));
      assertThat(kad.replicaSet(key, 2)).isEqualTo(others.subList(0, 2));
      long nearer = all.indexOf(ctx.self());
      assertThat(kad.responsibleIfGone(key)).isEqualTo(nearer == 1 ? all.get(0) : null);
    }
  }

  /** k + 1 peers that all fall in bucket 0 (they differ from this node in the first bit). */
  private static List<PeerRef> bucketZero(Bytes selfId, int count, SplittableRandom r) {
    List<PeerRef> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(peer(Xor.randomWithPrefix(selfId, 0, r)));
    }
    return out;
  }

  @Test
  void aFullBucketKeepsItsOldestPeerWhileItAnswers() {
    SplittableRandom r = new SplittableRandom(2);
    Bytes selfId = random(r);
    RecordingContext ctx = context(selfId, 4);
    Kademlia kad = new Kademlia(ctx);
    kad.joined(null, List.of(), List.of());
    List<PeerRef> p = bucketZero(selfId, 5, r);
    for (int i = 0; i < 4; i++) {
      kad.peerSeen(p.get(i));
    }
    kad.peerSeen(p.get(4));
    assertThat(kad.routingTable()).hasSize(4).doesNotContain(p.get(4));
    assertThat(ctx.sent).hasSize(1);
    RecordingContext.Sent check = ctx.sent.get(0);
    assertThat(check.to()).isEqualTo(p.get(0));
    assertThat(check.method()).isEqualTo(Method.KEEP_ALIVE);
    // It answers: the engine reports it seen, and it becomes the most recently seen.
    kad.peerSeen(p.get(0));
    check.reply().onResponse(null);
    assertThat(kad.routingTable()).containsExactlyInAnyOrder(p.get(0), p.get(1), p.get(2),
        p.get(3));
    // The newcomer, still waiting, is heard from again: now p1 is the oldest and is asked.
    kad.peerSeen(p.get(4));
    assertThat(ctx.sent).hasSize(2);
    assertThat(ctx.sent.get(1).to()).isEqualTo(p.get(1));
  }

  @Test
  void aFullBucketDropsItsOldestPeerWhenItDoesNotAnswer() {
    SplittableRandom r = new SplittableRandom(3);
    Bytes selfId = random(r);
    RecordingContext ctx = context(selfId, 4);
    Kademlia kad = new Kademlia(ctx);
    kad.joined(null, List.of(), List.of());
    List<PeerRef> p = bucketZero(selfId, 5, r);
    p.forEach(kad::peerSeen);
    RecordingContext.Sent check = ctx.sent.get(0);
    // No answer: the engine reports it failed, then the callback hears of the failure.
    kad.peerFailed(check.to());
    check.reply().onFailure(418, "timeout");
    assertThat(kad.routingTable()).containsExactlyInAnyOrder(p.get(1), p.get(2), p.get(3),
        p.get(4));
    // Heard of from another peer soon after, the dead peer is not taken back.
    kad.tablesReceived(p.get(1), List.of(p.get(0)), List.of());
    assertThat(kad.routingTable()).doesNotContain(p.get(0));
    // Heard from directly (it restarted), it may come back when there is room.
    kad.peerFailed(p.get(2));
    kad.peerSeen(p.get(0));
    assertThat(kad.routingTable()).contains(p.get(0));
  }

  @Test
  void peersOnlyHeardOfFillRoomButPushNobodyOut() {
    SplittableRandom r = new SplittableRandom(4);
    Bytes selfId = random(r);
    RecordingContext ctx = context(selfId, 3);
    Kademlia kad = new Kademlia(ctx);
    List<PeerRef> p = bucketZero(selfId, 5, r);
    kad.joined(p.get(0), List.of(p.get(1), p.get(2), p.get(3), p.get(4)), List.of());
    assertThat(kad.routingTable()).hasSize(3).contains(p.get(0));
    assertThat(ctx.sent.stream().filter(x -> x.method() == Method.KEEP_ALIVE)).isEmpty();
  }

  @Test
  void afterJoiningItMeetsItsNeighboursAtOnce() {
    SplittableRandom r = new SplittableRandom(5);
    Bytes selfId = random(r);
    RecordingContext ctx = context(selfId, 20);
    Kademlia kad = new Kademlia(ctx);
    PeerRef admitting = peer(Xor.randomWithPrefix(selfId, 6, r));
    List<PeerRef> near = List.of(peer(Xor.randomWithPrefix(selfId, 5, r)),
        peer(Xor.randomWithPrefix(selfId, 3, r)), peer(Xor.randomWithPrefix(selfId, 0, r)));
    kad.joined(admitting, near, List.of());
    assertThat(ctx.sent).extracting(RecordingContext.Sent::method).containsOnly(Method.EXCHANGE_TABLE);
    assertThat(ctx.sent).extracting(RecordingContext.Sent::to).contains(admitting, near.get(0));
    assertThat(kad.neighborTable().get(0)).isEqualTo(admitting);
  }
}
