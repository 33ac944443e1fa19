package org.openvoip.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openvoip.p2pp.env.Counters;
import org.openvoip.p2pp.env.Endpoint;
import org.openvoip.p2pp.env.Transport;
import org.openvoip.p2pp.node.Node;
import org.openvoip.p2pp.node.NodeConfig;
import org.openvoip.p2pp.node.OverlayConfig;
import org.openvoip.p2pp.node.P2ppException;
import org.openvoip.p2pp.node.Results;
import org.openvoip.p2pp.overlay.PeerRef;
import org.openvoip.p2pp.transaction.TransactionConfig;
import org.openvoip.p2pp.transaction.TransactionLayer;
import org.openvoip.p2pp.wire.Bytes;
import org.openvoip.p2pp.wire.Header;
import org.openvoip.p2pp.wire.Message;
import org.openvoip.p2pp.wire.Method;
import org.openvoip.p2pp.wire.ResponseCode;
import org.openvoip.p2pp.wire.WireDecoder;
import org.openvoip.p2pp.wire.WireEncoder;
import org.openvoip.p2pp.wire.WireObject;
import org.openvoip.p2pp.wire.WireObject.P2pOptions;
import org.openvoip.p2pp.wire.WireObject.PLookup;
import org.openvoip.p2pp.wire.WireObject.PeerInfo;

/**
 * The engine's answers as a raw P2PP speaker sees them: a hand-driven transaction layer on the
 * simulated network sends single requests to peers of a settled 24-node Chord overlay.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EngineOnTheWireTest {
  private SimOverlay o;
  private TransactionLayer raw;
  private PeerRef rawSelf;
  private int txid = 1;

  @BeforeAll
  void overlay() {
    o = new SimOverlay(OverlayConfig.DEFAULTS, 5, 0);
    o.addNodes(24, 1000);
    o.run(120_000);
    int me = o.network().addNode((b, t, f) -> {});
    Bytes id = Bytes.fromHex("00112233445566778899aabbccddeeff00112233");
    rawSelf = new PeerRef(id, o.network().endpoint(me));
    raw = new TransactionLayer(o.network().env(me), TransactionConfig.DEFAULTS,
        new WireDecoder(20), id, true, rawSelf::toPeerInfo, in -> {}, new Counters());
    o.network().receiver(me, raw::onBytes);
  }

  private Message send(Header h, List<WireObject> objects, Endpoint to) {
    List<WireObject> all = new ArrayList<>();
    all.add(rawSelf.toPeerInfo());
    all.addAll(objects);
    Message[] got = new Message[1];
    raw.sendRequest(new Message(h, all), Transport.UDP, to,
        new TransactionLayer.ResponseListener() {
          @Override
          public void onResponse(Message response, Endpoint from) {
            got[0] = response;
          }

          @Override
          public void onFailure(int code, String reason) {
            throw new AssertionError(reason);
          }
        });
    o.run(6000);
    assertThat(got[0]).as("an answer").isNotNull();
    return got[0];
  }

  /** A node that is not responsible for a key, and the key. */
  private int notResponsibleFor(Bytes key) {
    int owner = o.owner(key);
    return owner == 1 ? 2 : 1;
  }

  @Test
  void aRoutedRequestThatArrivesWithTtlZeroGets410() {
    Bytes key = Bytes.fromHex("8000000000000000000000000000000000000000");
    int n = notResponsibleFor(key);
    Header h = Header.request(Method.LOOKUP_PEER, true, true, 0, txid++, rawSelf.id());
    Message r = send(h, List.of(new PLookup(1, false, false, key, null)), o.network().endpoint(n));
    assertThat(r.header().responseCode()).isEqualTo(ResponseCode.TTL_EXCEEDED);
    assertThat(r.header().responseId()).isEqualTo(o.id(n));
    assertThat(o.node(n).snapshotNow().counters()).containsEntry("routing.ttl-exceeded", 1L);
  }

  @Test
  void anIterativeRequestToTheWrongPeerGets302WithNextHopsNearerTheKey() {
    Bytes key = Bytes.fromHex("4000000000000000000000000000000000000001");
    int n = notResponsibleFor(key);
    Header h = Header.request(Method.LOOKUP_PEER, true, false, 10, txid++, rawSelf.id());
    Message r = send(h, List.of(new PLookup(1, false, false, key, null)), o.network().endpoint(n));
    assertThat(r.header().responseCode()).isEqualTo(ResponseCode.NEXT_HOP);
    List<PeerInfo> infos = r.all(PeerInfo.class);
    assertThat(infos.get(0).id()).as("the responder comes first").isEqualTo(o.id(n));
    assertThat(infos.size()).as("with at least one next hop").isGreaterThan(1);
    // Following the first next hop repeatedly ends at the owner.
    Endpoint at = PeerRef.from(infos.get(1)).endpoint();
    for (int hop = 0; hop < 10; hop++) {
      Message next = send(Header.request(Method.LOOKUP_PEER, true, false, 10, txid++,
          rawSelf.id()), List.of(new PLookup(1, false, false, key, null)), at);
      if (next.header().responseCode() == ResponseCode.OK) {
        assertThat(next.first(PeerInfo.class).id()).isEqualTo(o.id(o.owner(key)));
        return;
      }
      at = PeerRef.from(next.all(PeerInfo.class).get(1)).endpoint();
    }
    throw new AssertionError("no owner within 10 redirects");
  }

  @Test
  void queryAnswersWithTheOverlaysOptions() {
    Message r = send(Header.request(Method.QUERY, true, false, 1, txid++, rawSelf.id()), List.of(),
        o.network().endpoint(3));
    assertThat(r.header().responseCode()).isEqualTo(ResponseCode.OK);
    P2pOptions p = r.first(P2pOptions.class);
    assertThat(p.p2pAlgorithm()).isEqualTo(P2pOptions.P2P_CHORD);
    assertThat(p.hashLength()).isEqualTo(20);
  }

  @Test
  void garbageIsCountedAndDroppedAndTheNodeKeepsAnswering() {
    int victim = 4;
    Endpoint to = o.network().endpoint(victim);
    var env = o.network().env(o.network().size() - 1);
    env.send(Transport.UDP, to, new byte[] {1, 2, 3});
    env.send(Transport.UDP, to, new byte[200]);
    o.run(1000);
    long malformed = o.node(victim).snapshotNow().counters().entrySet().stream()
        .filter(e -> e.getKey().startsWith("drop.malformed.")).mapToLong(e -> e.getValue()).sum();
    assertThat(malformed).isEqualTo(2);
    CompletableFuture<Results.PeerLookup> f =
        o.node(victim).lookupPeer(OverlayContract.randomKey(new SplittableRandom(1)), 1);
    o.run(5000);
    assertThat(f.join().peers()).isNotEmpty();
  }

  @Test
  void aNodeConfiguredForAnotherIdLengthIsToldWhyItCannotJoin() {
    int slot = o.network().addNode((b, t, f) -> {});
    OverlayConfig other = OverlayConfig.builder().idLength(16).build();
    Node n = new Node(NodeConfig.peer(o.network().endpoint(slot), other, o.bootstrap()),
        o.network().env(slot), Runnable::run);
    o.network().receiver(slot, n::onBytes);
    CompletableFuture<Results.Route> f = n.join();
    o.run(5000);
    assertThat(f).isCompletedExceptionally();
    P2ppException e = (P2ppException) org.assertj.core.api.Assertions.catchThrowableOfType(
        CompletionException.class, f::join).getCause();
    assertThat(e.code()).isEqualTo(ResponseCode.REQUEST_REJECTED);
    assertThat(e.getMessage()).contains("20-byte IDs").contains("16-byte IDs");
  }

  @Test
  void aCrashedNodeCountsAndDropsWhatStillReachesIt() {
    SimOverlay small = new SimOverlay(OverlayConfig.DEFAULTS, 9, 0);
    small.addNodes(3, 1000);
    small.run(30_000);
    Node victim = small.node(2);
    byte[] query = WireEncoder.encode(new Message(
        Header.request(Method.QUERY, true, false, 1, 77, rawSelf.id()),
        List.of(rawSelf.toPeerInfo())));
    Endpoint from = small.network().endpoint(1);
    // Alive, it answers (a responseACK goes out, and is resent until acknowledged).
    long sent = small.network().bytesSent(2);
    victim.receiver().onBytes(query, Transport.UDP, from);
    assertThat(small.network().bytesSent(2)).isGreaterThan(sent);
    victim.crashNow();
    small.network().setOnline(2, false); // the others' packets to it now end in the network
    sent = small.network().bytesSent(2);
    // Both doors, the direct one a runtime keeps and the node's own, count and drop.
    victim.receiver().onBytes(query, Transport.UDP, from);
    victim.onBytes(query, Transport.UDP, from);
    small.run(10_000);
    assertThat(small.network().bytesSent(2)).isEqualTo(sent);
    assertThat(victim.snapshotNow().counters()).containsEntry("drop.node-closed", 2L);
  }
}
