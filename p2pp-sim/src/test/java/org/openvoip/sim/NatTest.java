package org.openvoip.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openvoip.p2pp.env.Counters;
import org.openvoip.p2pp.env.Endpoint;
import org.openvoip.p2pp.stun.NatDiscovery;
import org.openvoip.p2pp.stun.StunAgent;
import org.openvoip.p2pp.stun.StunMessage;

/**
 * The simulator's NAT boxes, and NAT behaviour discovery against them: two public peers serve
 * STUN, a node behind each kind of NAT asks them what it sits behind.
 */
class NatTest {
  final Simulator sim = new Simulator();
  final SimNetwork net = new SimNetwork(sim, new LatencyModel(7), 0, 7);

  /** A node running only a STUN agent; its number is {@code agents[i]}'s index. */
  StunAgent stunNode(NatBox nat) {
    int n = net.addNode((b, t, f) -> {}, nat);
    StunAgent a = new StunAgent(net.env(n), new Counters());
    net.receiver(n, (bytes, t, from) -> a.onDatagram(bytes, from));
    return a;
  }

  @ParameterizedTest
  @CsvSource({
      ",              NONE,                          ENDPOINT_INDEPENDENT,          open internet",
      "full-cone,     ENDPOINT_INDEPENDENT,          ENDPOINT_INDEPENDENT,          full cone",
      "address-restricted, ENDPOINT_INDEPENDENT,     ADDRESS_DEPENDENT_OR_STRICTER, restricted cone (address- or port-restricted)",
      "port-restricted, ENDPOINT_INDEPENDENT,        ADDRESS_DEPENDENT_OR_STRICTER, restricted cone (address- or port-restricted)",
      "symmetric,     ADDRESS_DEPENDENT_OR_STRICTER, ADDRESS_DEPENDENT_OR_STRICTER, symmetric"})
  void discoveryWithTwoPeersTellsEachKindOfNat(String kind, NatDiscovery.Mapping mapping,
      NatDiscovery.Filtering filtering, String name) {
    StunAgent a = stunNode(null);
    StunAgent b = stunNode(null);
    stunNode(null);
    Endpoint aAt = net.endpoint(0);
    Endpoint bAt = net.endpoint(1);
    Endpoint cAt = net.endpoint(2);
    a.partner(from -> bAt);
    b.forwarders(e -> e.equals(aAt));
    NatBox box = kind == null ? null
        : net.addNat(NatBox.Kind.ofLabel(kind), false, NatBox.DEFAULT_TIMEOUT_MILLIS);
    StunAgent client = stunNode(box);
    CompletableFuture<NatDiscovery.Result> f = new CompletableFuture<>();
    // B answers the filtering test; C, a third peer, the mapping test.
    NatDiscovery.run(client, List.of(net.endpoint(3)), aAt, List.of(aAt, bAt, cAt),
        StunAgent.Retransmit.QUICK, f::complete);
    sim.runUntil(60_000);
    NatDiscovery.Result r = f.join();
    assertThat(r.mapping()).isEqualTo(mapping);
    assertThat(r.filtering()).isEqualTo(filtering);
    assertThat(r.natType()).isEqualTo(name);
    assertThat(r.other()).isEqualTo(cAt);
    assertThat(r.reachable()).isEqualTo(kind == null || kind.equals("full-cone"));
    if (box != null) {
      assertThat(r.mapped().address()).isEqualTo(box.publicAddress());
    } else {
      assertThat(r.mapped()).isEqualTo(net.endpoint(3));
    }
  }

  /**
   * With only the peer that answered the filtering test to compare mappings with, a changed
   * mapping behind a filtering NAT proves nothing (a real NAT may have kept state for the
   * dropped packet): it is reported unknown, with the advice to ask a third server.
   */
  @Test
  void withOnlyTwoPeersASymmetricLookingMappingIsReportedUnknown() {
    StunAgent a = stunNode(null);
    StunAgent b = stunNode(null);
    Endpoint aAt = net.endpoint(0);
    Endpoint bAt = net.endpoint(1);
    a.partner(from -> bAt);
    b.forwarders(e -> e.equals(aAt));
    NatBox box = net.addNat(NatBox.Kind.SYMMETRIC, false, NatBox.DEFAULT_TIMEOUT_MILLIS);
    StunAgent client = stunNode(box);
    CompletableFuture<NatDiscovery.Result> f = new CompletableFuture<>();
    NatDiscovery.run(client, List.of(net.endpoint(2)), aAt, List.of(),
        StunAgent.Retransmit.QUICK, f::complete);
    sim.runUntil(60_000);
    NatDiscovery.Result r = f.join();
    assertThat(r.mapping()).isEqualTo(NatDiscovery.Mapping.UNKNOWN);
    assertThat(r.note()).contains("ask a third server");
    assertThat(r.natType()).isEqualTo("NAT of unknown mapping");
  }

  @Test
  void aNodeThatNobodyAnswersIsReportedBlocked() {
    NatBox box = net.addNat(NatBox.Kind.PORT_RESTRICTED, false, NatBox.DEFAULT_TIMEOUT_MILLIS);
    StunAgent client = stunNode(box);
    CompletableFuture<NatDiscovery.Result> f = new CompletableFuture<>();
    NatDiscovery.run(client, List.of(), Endpoint.of("100.64.99.99", SimNetwork.PORT), List.of(),
        StunAgent.Retransmit.QUICK, f::complete);
    sim.runUntil(60_000);
    assertThat(f.join().answered()).isFalse();
    assertThat(f.join().natType()).isEqualTo("UDP blocked (no answer)");
  }

  @Test
  void aPortRestrictedNatLetsInOnlyWhomItsNodeSentTo() throws Exception {
    StunAgent pub = stunNode(null);
    NatBox box = net.addNat(NatBox.Kind.PORT_RESTRICTED, false, NatBox.DEFAULT_TIMEOUT_MILLIS);
    StunAgent behind = stunNode(box);
    Endpoint mapped = learn(behind, net.endpoint(0));
    StunAgent stranger = stunNode(null);
    // The stranger is filtered; the peer asked is let in; after 2 idle minutes no one is.
    CompletableFuture<StunAgent.Response> fromStranger = ask(stranger, mapped);
    CompletableFuture<StunAgent.Response> fromPeer = ask(pub, mapped);
    sim.runUntil(sim.now() + 10_000);
    assertThat(fromStranger).isCompletedExceptionally();
    assertThat(fromPeer).isCompleted().isNotCompletedExceptionally();
    assertThat(fromPeer.join().mapped()).isEqualTo(net.endpoint(0));
    sim.runUntil(sim.now() + NatBox.DEFAULT_TIMEOUT_MILLIS + 1);
    CompletableFuture<StunAgent.Response> late = ask(pub, mapped);
    sim.runUntil(sim.now() + 10_000);
    assertThat(late).isCompletedExceptionally();
    assertThat(box.mappingsExpired()).isEqualTo(1);
    assertThat(net.packetsFiltered()).isPositive();
  }

  @Test
  void aSymmetricNatGivesEachDestinationItsOwnPublicPort() {
    stunNode(null);
    stunNode(null);
    NatBox box = net.addNat(NatBox.Kind.SYMMETRIC, false, NatBox.DEFAULT_TIMEOUT_MILLIS);
    StunAgent behind = stunNode(box);
    Endpoint viaA = learn(behind, net.endpoint(0));
    Endpoint viaB = learn(behind, net.endpoint(1));
    assertThat(viaA.address()).isEqualTo(viaB.address());
    assertThat(viaA.port()).isNotEqualTo(viaB.port());
    assertThat(box.mappingsCreated()).isEqualTo(2);
  }

  @Test
  void twoNodesBehindOneNatMeetAtThePublicAddressOnlyIfItHairpins() throws Exception {
    for (boolean hairpin : new boolean[] {true, false}) {
      Simulator s = new Simulator();
      SimNetwork n = new SimNetwork(s, new LatencyModel(3), 0, 3);
      StunAgent[] agents = new StunAgent[3];
      NatBox box = n.addNat(NatBox.Kind.FULL_CONE, hairpin, NatBox.DEFAULT_TIMEOUT_MILLIS);
      for (int i = 0; i < 3; i++) {
        int node = n.addNode((b, t, f) -> {}, i == 0 ? null : box);
        StunAgent a = new StunAgent(n.env(node), new Counters());
        n.receiver(node, (bytes, t, from) -> a.onDatagram(bytes, from));
        agents[i] = a;
      }
      CompletableFuture<StunAgent.Response> m = ask(agents[2], n.endpoint(0));
      s.runUntil(1_000);
      Endpoint publicOf2 = m.join().mapped().equals(n.endpoint(2)) ? null : m.join().mapped();
      assertThat(publicOf2.address()).isEqualTo(box.publicAddress());
      CompletableFuture<StunAgent.Response> viaPublic = ask(agents[1], publicOf2);
      CompletableFuture<StunAgent.Response> viaPrivate = ask(agents[1], n.endpoint(2));
      s.runUntil(20_000);
      assertThat(viaPrivate.join().mapped()).isEqualTo(n.endpoint(1));
      assertThat(viaPublic.isCompletedExceptionally()).isEqualTo(!hairpin);
      if (hairpin) {
        // Through the hairpin, node 2 sees node 1's public mapping, not its private address.
        assertThat(viaPublic.join().mapped().address()).isEqualTo(box.publicAddress());
      }
    }
  }

  @Test
  void aPrivateAddressIsUnreachableFromOutside() {
    StunAgent pub = stunNode(null);
    NatBox box = net.addNat(NatBox.Kind.FULL_CONE, false, NatBox.DEFAULT_TIMEOUT_MILLIS);
    stunNode(box);
    CompletableFuture<StunAgent.Response> f = ask(pub, net.endpoint(1));
    sim.runUntil(20_000);
    assertThat(f).isCompletedExceptionally();
    assertThat(net.node(net.endpoint(1))).isEqualTo(1);
  }

  private Endpoint learn(StunAgent agent, Endpoint server) {
    CompletableFuture<StunAgent.Response> f = ask(agent, server);
    sim.runUntil(sim.now() + 1_000);
    try {
      return f.join().mapped();
    } catch (StunMessage.MalformedStunException e) {
      throw new AssertionError(e);
    }
  }

  private static CompletableFuture<StunAgent.Response> ask(StunAgent from, Endpoint to) {
    CompletableFuture<StunAgent.Response> f = new CompletableFuture<>();
    from.send(to, new StunMessage(StunMessage.BINDING_REQUEST, from.newTransactionId(),
        List.of()), null, StunAgent.Retransmit.QUICK,
        StunAgent.Callback.of(f::complete, f::completeExceptionally));
    return f;
  }

}
