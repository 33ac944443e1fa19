package org.openvoip.sim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.openvoip.p2pp.node.OverlayConfig;
import org.openvoip.sim.churn.Distribution;

class ExperimentTest {

  private static Experiment.Config small(int nodes, long seed, long durationMillis) {
    return Experiment.Config.of(OverlayConfig.DEFAULTS, nodes, seed, durationMillis);
  }

  @Test
  void sameSeedSameReportDifferentSeedDifferentFingerprint() {
    Experiment.Config c = small(40, 7, 60_000)
        .withChurn(Distribution.exponentialMedian(120_000), null, 0.2);
    SimReport a = new Experiment(c).run();
    SimReport b = new Experiment(c).run();
    SimReport other = new Experiment(c.withSeed(8)).run();
    assertThat(b.withoutWallClock()).as("seed 7").isEqualTo(a.withoutWallClock());
    assertThat(b.fingerprint()).isEqualTo(a.fingerprint());
    assertThat(a.lookupsIssued()).as("seed 7").isPositive();
    assertThat(other.fingerprint()).as("seeds 7 and 8").isNotEqualTo(a.fingerprint());
  }

  @Test
  void aSecuredRunSignsAndChecksEveryObjectAndReplaysExactly() {
    Experiment.Config c = small(60, 4, 180_000)
        .withChurn(Distribution.exponentialMedian(300_000), null, 0);
    Experiment secured = new Experiment(c).secured(true);
    SimReport a = secured.run();
    java.util.Map<String, Long> counters = secured.counters();
    SimReport b = new Experiment(c).secured(true).run();
    SimReport plain = new Experiment(c).run();
    assertThat(a.fingerprint()).isEqualTo(b.fingerprint());
    assertThat(a.fingerprint()).isNotEqualTo(plain.fingerprint());
    assertThat(a.objectsPublished()).as("%s", a).isEqualTo(100);
    assertThat(a.objectLookupSuccess()).as("%s", a).isGreaterThan(0.99);
    // Signatures and certificates ride with every object: more bytes, nothing refused.
    assertThat(a.bytesPerNodePerSecond()).isGreaterThan(plain.bytesPerNodePerSecond());
    assertThat(counters.keySet()).noneMatch(k -> k.startsWith("security."));
    assertThat(counters.get("storage.copies-received")).isPositive();
  }

  /**
   * The modelled cost of security gives the run a real one gives: the same lookups, latency and
   * bytes (signatures of the same length), with no signature computed or verified; only the
   * signatures' bytes, hence the fingerprint, differ.
   */
  @Test
  void modelledSecurityCostsWhatRealSecurityCosts() {
    Experiment.Config c = small(60, 4, 180_000)
        .withChurn(Distribution.exponentialMedian(300_000), null, 0);
    SimReport real = new Experiment(c).secured(true).run().withoutWallClock();
    SimReport modelled = new Experiment(c).secured(true).securityModelled(true).run()
        .withoutWallClock();
    assertThat(modelled.objectLookupSuccess()).isEqualTo(real.objectLookupSuccess());
    assertThat(modelled.latencyP50Millis()).isEqualTo(real.latencyP50Millis());
    assertThat(modelled.latencyP99Millis()).isEqualTo(real.latencyP99Millis());
    assertThat(modelled.bytesPerNodePerSecond()).isEqualTo(real.bytesPerNodePerSecond());
    assertThat(modelled.fingerprint()).isNotEqualTo(real.fingerprint());
  }

  @Test
  void republishingBringsBackObjectsThatChurnKilled() {
    Experiment.Config c = small(60, 5, 360_000)
        .withChurn(Distribution.exponentialMedian(40_000), null, 0);
    SimReport once = new Experiment(c).run();
    SimReport refreshed = new Experiment(c.withRepublish(30_000)).run();
    assertThat(once.objectsLost()).as("without republishing: %s", once).isPositive();
    assertThat(refreshed.objectsLost()).as("republished every 30 s: %s", refreshed)
        .isLessThan(once.objectsLost());
    assertThat(refreshed.objectLookupSuccess()).isGreaterThan(once.objectLookupSuccess());
  }

  @Test
  void withoutChurnEveryLookupSucceeds() {
    long seed = 3;
    SimReport r = new Experiment(small(100, seed, 120_000)).run();
    assertThat(r.lookupsIssued()).as("seed %d: %s", seed, r).isGreaterThan(500);
    assertThat(r.objectsPublished()).as("seed %d: %s", seed, r).isEqualTo(100);
    assertThat(r.successRatio()).as("seed %d: %s", seed, r).isEqualTo(1.0);
    assertThat(r.liveNodesAtEnd()).as("seed %d", seed).isEqualTo(100);
    assertThat(r.meanHops()).as("seed %d: %s", seed, r).isPositive();
    assertThat(r.latencyP50Millis()).isPositive();
    assertThat(r.latencyP50Millis()).isLessThanOrEqualTo(r.latencyP90Millis());
    assertThat(r.latencyP90Millis()).isLessThanOrEqualTo(r.latencyP99Millis());
    assertThat(r.bytesPerNodePerSecond()).isGreaterThan(r.idleBytesPerNodePerSecond());
    assertThat(r.idleBytesPerNodePerSecond()).isPositive();
    assertThat(r.crashes() + r.leaves() + r.restarts()).isZero();
  }

  @Test
  void underChurnEveryLookupIsJudged() {
    long seed = 11;
    Experiment.Config c = small(60, seed, 120_000)
        .withChurn(Distribution.paretoMedian(1.5, 60_000), null, 0.3)
        .withLookupsPerSecond(20);
    SimReport r = new Experiment(c).run();
    assertThat(r.crashes()).as("seed %d: %s", seed, r).isPositive();
    assertThat(r.leaves()).as("seed %d: %s", seed, r).isPositive();
    assertThat(r.restarts()).as("seed %d: %s", seed, r).isPositive();
    assertThat(r.lookupsIssued()).as("seed %d: %s", seed, r).isGreaterThan(1000);
    assertThat(r.lookupsSucceeded() + r.lookupsWrong() + r.lookupsFailed()
        + r.lookupsAbandoned()).as("seed %d: %s", seed, r).isEqualTo(r.lookupsIssued());
    assertThat(r.lookupsAbandoned()).as("issuers crashed mid-lookup: %s", r).isPositive();
    assertThat(r.successRatio()).as("seed %d: %s", seed, r).isEqualTo(
        (double) r.lookupsSucceeded() / (r.lookupsIssued() - r.lookupsAbandoned()));
    assertThat(r.successRatio()).as("seed %d: %s", seed, r).isBetween(0.5, 1.0);
  }
}
