package org.openvoip.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openvoip.p2pp.env.Counters;
import org.openvoip.p2pp.env.Endpoint;
import org.openvoip.p2pp.env.Transport;
import org.openvoip.p2pp.transaction.TransactionConfig;
import org.openvoip.p2pp.transaction.TransactionLayer;
import org.openvoip.p2pp.wire.Bytes;
import org.openvoip.p2pp.wire.Examples;
import org.openvoip.p2pp.wire.Header;
import org.openvoip.p2pp.wire.Message;
import org.openvoip.p2pp.wire.Method;
import org.openvoip.p2pp.wire.ResponseCode;
import org.openvoip.p2pp.wire.WireDecoder;
import org.openvoip.p2pp.wire.WireObject.AddressInfo;
import org.openvoip.p2pp.wire.WireObject.Candidate;
import org.openvoip.p2pp.wire.WireObject.PeerInfo;

/** The simulated network running the real transaction layer: determinism, loss, accounting. */
class SimNetworkTest {

  /** What one run of the scenario produced. */
  record Outcome(long fingerprint, int answered, int failed, long lost, long sent, long events) {}

  /**
   * {@code nodes} nodes, each sending {@code requests} Join requests to random others over UDP
   * with the given loss; every node answers at once.
   */
  static Outcome scenario(long seed, int nodes, int requests, double loss) {
    Simulator sim = new Simulator();
    SimNetwork net = new SimNetwork(sim, new LatencyModel(seed), loss, seed);
    List<TransactionLayer> layers = new ArrayList<>();
    List<PeerInfo> selves = new ArrayList<>();
    int[] answered = {0};
    int[] failed = {0};
    for (int i = 0; i < nodes; i++) {
      int n = net.addNode((b, t, f) -> {});
      Bytes id = Examples.sequence(n, 20);
      Endpoint at = net.endpoint(n);
      PeerInfo self = PeerInfo.of(id, AddressInfo.of(Candidate.host(at.address(), at.port())));
      selves.add(self);
      TransactionLayer[] holder = new TransactionLayer[1];
      holder[0] = new TransactionLayer(net.env(n), TransactionConfig.DEFAULTS, new WireDecoder(20),
          id, true, () -> self, in -> holder[0].respond(in, ResponseCode.OK, List.of(self)),
          new Counters());
      net.receiver(n, holder[0]::onBytes);
      layers.add(holder[0]);
    }
    for (int i = 0; i < nodes; i++) {
      TransactionLayer layer = layers.get(i);
      var random = net.env(i).random();
      for (int k = 0; k < requests; k++) {
        int target = (i + 1 + random.nextInt(nodes - 1)) % nodes;
        Message join = Message.of(Header.request(Method.JOIN, true, false, 10, k,
            selves.get(i).id()), selves.get(i));
        long start = random.nextInt(10_000);
        sim.schedule(start, () -> layer.sendRequest(join, Transport.UDP, net.endpoint(target),
            new TransactionLayer.ResponseListener() {
              @Override
              public void onResponse(Message response, Endpoint from) {
                answered[0]++;
              }

              @Override
              public void onFailure(int code, String reason) {
                failed[0]++;
              }
            }));
      }
    }
    sim.runUntil(60_000);
    return new Outcome(net.fingerprint(), answered[0], failed[0], net.packetsLost(),
        net.packetsSent(), sim.eventsExecuted());
  }

  @Test
  void sameSeedSameRunDifferentSeedDifferentRun() {
    Outcome a = scenario(11, 30, 20, 0.05);
    Outcome b = scenario(11, 30, 20, 0.05);
    Outcome c = scenario(12, 30, 20, 0.05);
    assertThat(b).isEqualTo(a);
    assertThat(c.fingerprint()).isNotEqualTo(a.fingerprint());
  }

  @Test
  void retransmissionRidesOutTenPercentLoss() {
    Outcome o = scenario(3, 40, 25, 0.10);
    assertThat(o.answered()).isEqualTo(40 * 25);
    assertThat(o.failed()).isZero();
    double lossSeen = (double) o.lost() / o.sent();
    assertThat(lossSeen).isBetween(0.08, 0.12);
  }

  @Test
  void withoutLossEveryRequestCostsThreeDatagrams() {
    Outcome o = scenario(5, 20, 10, 0);
    assertThat(o.answered()).isEqualTo(200);
    assertThat(o.sent()).isEqualTo(3 * 200); // request, responseACK, ACK
    assertThat(o.lost()).isZero();
  }

  @Test
  void trafficIsCountedPerNodeAndOfflineNodesReceiveNothing() {
    Simulator sim = new Simulator();
    SimNetwork net = new SimNetwork(sim, new LatencyModel(1), 0, 1);
    List<String> got = new ArrayList<>();
    int a = net.addNode((b, t, f) -> got.add("a"));
    int b = net.addNode((bytes, t, from) -> got.add("b from " + net.node(from)));
    net.env(a).send(Transport.UDP, net.endpoint(b), new byte[100]);
    sim.runUntil(10_000);
    net.setOnline(b, false);
    net.env(a).send(Transport.TCP, net.endpoint(b), new byte[50]);
    sim.runUntil(20_000);
    assertThat(got).containsExactly("b from 0");
    assertThat(net.bytesSent(a)).isEqualTo(150);
    assertThat(net.bytesReceived(b)).isEqualTo(100);
    assertThat(net.packetsLost()).isEqualTo(1);
    assertThat(net.endpoint(b)).hasToString("100.64.0.1:7080");
  }

  /** A node busy with cryptography (Env.compute) sends when it is done, to the microsecond. */
  @Test
  void cpuTimeChargedToANodeDelaysWhatItSendsNext() {
    long[] arrivals = new long[2];
    for (int run = 0; run < 2; run++) {
      Simulator sim = new Simulator();
      SimNetwork net = new SimNetwork(sim, new LatencyModel(5), 0, 5);
      int a = net.addNode((b, t, f) -> {});
      long[] at = {-1};
      int b = net.addNode((bytes, t, f) -> at[0] = sim.now());
      if (run == 1) {
        net.env(a).compute(30_000); // 30 ms of signing and checking
        net.env(a).compute(12_000); // and 12 more, queued behind
      }
      net.env(a).send(Transport.UDP, net.endpoint(b), new byte[] {1});
      sim.runUntil(10_000);
      arrivals[run] = at[0];
    }
    assertThat(arrivals[1] - arrivals[0]).isEqualTo(42);
  }
}
