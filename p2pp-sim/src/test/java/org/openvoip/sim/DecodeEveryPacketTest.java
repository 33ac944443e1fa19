package org.openvoip.sim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.openvoip.p2pp.node.OverlayConfig;
import org.openvoip.sim.churn.Distribution;

/**
 * Nodes take the message a packet was encoded from instead of decoding the bytes
 * ({@link SimNetwork#decodeEveryPacket}). That must not change the run: with churn (crashes,
 * leaves, restarts) and lost datagrams (retransmissions, duplicates), decoding every packet gives
 * the same report and the same trace, byte for byte.
 */
class DecodeEveryPacketTest {

  @Test
  void decodingEveryPacketGivesTheSameRun() {
    long seed = 5;
    Experiment.Config c = Experiment.Config.of(OverlayConfig.DEFAULTS, 60, seed, 120_000)
        .withChurn(Distribution.exponentialMedian(90_000), null, 0.3)
        .withLossRate(0.05)
        .withLookupsPerSecond(20);
    Experiment taking = new Experiment(c);
    SimReport took = taking.run();
    Experiment decoding = new Experiment(c).decodeEveryPacket(true);
    SimReport decoded = decoding.run();

    assertThat(took.withoutWallClock()).as("seed %d", seed).isEqualTo(decoded.withoutWallClock());
    assertThat(took.fingerprint()).as("seed %d", seed).isEqualTo(decoded.fingerprint());
    assertThat(took.crashes()).as("seed %d: %s", seed, took).isPositive();
    assertThat(took.leaves()).as("seed %d: %s", seed, took).isPositive();
    assertThat(taking.counters().get("transaction.retransmissions")).as("seed %d", seed)
        .isPositive();

    // And the default run did take the senders' messages: all but ACKs came with one.
    SimNetwork net = taking.overlay().network();
    assertThat(net.packetsWithMessage()).as("seed %d", seed)
        .isGreaterThan(net.packetsSent() / 2);
    assertThat(decoding.overlay().network().packetsWithMessage()).isZero();
  }
}
