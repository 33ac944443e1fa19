package org.openvoip.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class SimCommandTest {

  @Test
  void jsonLastLineCarriesTheReport() throws Exception {
    OpenVoipCliTest.Result r =
        OpenVoipCliTest.run("sim", "--nodes", "30", "--duration", "1m", "--seed", "1", "--json");
    assertThat(r.exit()).as(r.err()).isZero();
    String[] lines = r.out().strip().split("\n");
    assertThat(r.out()).contains("lookup success ratio", "latency p50/p90/p99", "mean hops",
        "bytes/node/s", "per wall-clock second", "fingerprint");
    JsonNode j = new ObjectMapper().readTree(lines[lines.length - 1]);
    for (String field : new String[] {"lookupsIssued", "successRatio", "latencyP50Millis",
        "latencyP90Millis", "latencyP99Millis", "meanHops", "bytesPerNodePerSecond",
        "eventsPerWallSecond", "fingerprint"}) {
      assertThat(j.has(field)).as("field %s in %s", field, j).isTrue();
    }
    assertThat(j.get("nodes").asInt()).isEqualTo(30);
    assertThat(j.get("seed").asLong()).isEqualTo(1);
    assertThat(j.get("durationMillis").asLong()).isEqualTo(60_000);
    assertThat(j.get("churn").asText()).isEqualTo("none");
    assertThat(j.get("lookupsIssued").asLong()).isPositive();
    assertThat(j.get("successRatio").asDouble()).isEqualTo(1.0);
    // Without churn every object stays at its owner, and the mean latency lies among the rest.
    assertThat(j.get("peerLookupSuccess").asDouble()).isEqualTo(1.0);
    assertThat(j.get("objectLookupSuccess").asDouble()).isEqualTo(1.0);
    assertThat(j.get("objectsPublished").asInt()).isEqualTo(100);
    assertThat(j.get("objectsAtOwnerMin").asDouble()).isEqualTo(1.0);
    assertThat(j.get("objectsLost").asInt()).isZero();
    assertThat(j.get("latencyMeanMillis").asDouble()).isPositive()
        .isLessThanOrEqualTo(j.get("latencyP99Millis").asDouble());
    assertThat(r.out()).contains("objects               100 published; at their owner 100.00%");
    assertThat(j.get("fingerprint").asText()).matches("[0-9a-f]{16}");
    assertThat(r.out()).contains("fingerprint           " + j.get("fingerprint").asText());
    // Progress goes to stderr, never into the summary.
    assertThat(r.err()).contains("sim: ");
    assertThat(r.out()).doesNotContain("events/s");
  }

  @Test
  void simNatReportsHowPairsConnectAndRefusesABadMix() throws Exception {
    OpenVoipCliTest.Result r = OpenVoipCliTest.run("sim", "nat", "--nodes", "30", "--pairs",
        "100", "--mix", "open=0.5,symmetric=0.5", "--seed", "3", "--json");
    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode json = new ObjectMapper().readTree(r.out());
    assertThat(json.get("direct").asInt() + json.get("afterIce").asInt()
        + json.get("relayOnly").asInt()).isEqualTo(100);
    // Only symmetric meets symmetric without a way through; open pairs are always direct.
    assertThat(json.get("byKinds").get("symmetric/symmetric").get("relayOnly").asInt())
        .isPositive();
    assertThat(json.get("byKinds").get("open/open").get("afterIce").asInt()).isZero();
    assertThat(json.get("discoveryAgreed").asInt()).isEqualTo(30);
    assertThat(r.err()).contains("discovering NATs", "100 of 100 pairs done");

    OpenVoipCliTest.Result bad = OpenVoipCliTest.run("sim", "nat", "--mix", "open=0.3");
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err()).contains("the shares sum to 0.300, not 1");
  }

  @Test
  void churnOptionsTurnChurnOn() throws Exception {
    OpenVoipCliTest.Result r = OpenVoipCliTest.run("sim", "--nodes", "25", "--duration", "30s",
        "--session-median", "1m", "--churn-model", "pareto", "--leave-fraction", "0.5",
        "--lookups-per-second", "5", "--join-time", "20s", "--stabilization", "40s", "--counters",
        "--json");
    assertThat(r.exit()).as(r.err()).isZero();
    String[] lines = r.out().strip().split("\n");
    JsonNode j = new ObjectMapper().readTree(lines[lines.length - 1]);
    assertThat(j.get("churn").asText()).startsWith("sessions pareto(shape=1.50");
    assertThat(r.out()).containsPattern("counter chord\\.fix-fingers +[1-9]");
    assertThat(j.get("lookupsSucceeded").asLong() + j.get("lookupsWrong").asLong()
        + j.get("lookupsFailed").asLong() + j.get("lookupsAbandoned").asLong())
        .isEqualTo(j.get("lookupsIssued").asLong());
  }

  @Test
  void aTraceDrivesChurnAndABadOneIsAUsageError(@org.junit.jupiter.api.io.TempDir
      java.nio.file.Path dir) throws Exception {
    java.nio.file.Path trace = dir.resolve("sessions.csv");
    java.nio.file.Files.writeString(trace, "node,join,leave\na,0,10\na,20,\nb,5,25\n");
    OpenVoipCliTest.Result r = OpenVoipCliTest.run("sim", "--nodes", "12", "--duration", "30s",
        "--overlay", "kademlia", "--churn-trace", trace.toString(), "--json");
    assertThat(r.exit()).as(r.err()).isZero();
    String[] lines = r.out().strip().split("\n");
    JsonNode j = new ObjectMapper().readTree(lines[lines.length - 1]);
    assertThat(j.get("churn").asText()).startsWith("trace sessions.csv (2 nodes, 3 sessions)");
    assertThat(j.get("crashes").asLong()).isEqualTo(3); // b at 0, a at 10, b at 25
    assertThat(j.get("restarts").asLong()).isEqualTo(2); // b at 5, a at 20
    java.nio.file.Files.writeString(trace, "a,0,10\nb,oops,3\n");
    r = OpenVoipCliTest.run("sim", "--duration", "1m", "--churn-trace", trace.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("bad --churn-trace: sessions.csv line 2: join time is not a"
        + " number of seconds: 'oops'");
    r = OpenVoipCliTest.run("sim", "--duration", "1m", "--churn-model", "lognormal",
        "--session-median", "1m");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--churn-model must be exponential, pareto or weibull");
  }

  @Test
  void maintenancePeriodsAndReplicasCanBeSet() throws Exception {
    OpenVoipCliTest.Result slow = OpenVoipCliTest.run("sim", "--nodes", "20", "--duration",
        "1m", "--overlay", "bamboo", "--json");
    OpenVoipCliTest.Result fast = OpenVoipCliTest.run("sim", "--nodes", "20", "--duration",
        "1m", "--overlay", "bamboo", "--keepalive", "2s", "--neighbor-maintenance", "5s",
        "--routing-maintenance", "10s", "--replication", "5s", "--replicas", "4", "--json");
    assertThat(fast.exit()).as(fast.err()).isZero();
    String[] a = slow.out().strip().split("\n");
    String[] b = fast.out().strip().split("\n");
    JsonNode js = new ObjectMapper().readTree(a[a.length - 1]);
    JsonNode jf = new ObjectMapper().readTree(b[b.length - 1]);
    // Faster maintenance sends more: the idle overlay's traffic rises.
    assertThat(jf.get("idleBytesPerNodePerSecond").asDouble())
        .isGreaterThan(1.5 * js.get("idleBytesPerNodePerSecond").asDouble());
    OpenVoipCliTest.Result bad = OpenVoipCliTest.run("sim", "--duration", "1m", "--replicas",
        "9");
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err()).contains("need 1 <= replicas <= successors + 1");
  }

  @Test
  void routingModeAndTableSizesCanBeSet() throws Exception {
    OpenVoipCliTest.Result rec = OpenVoipCliTest.run("sim", "--nodes", "30", "--duration", "1m",
        "--routing", "recursive", "--counters", "--json");
    assertThat(rec.exit()).as(rec.err()).isZero();
    assertThat(rec.out()).containsPattern("counter routing\\.recursive-sent +[1-9]");
    OpenVoipCliTest.Result kad = OpenVoipCliTest.run("sim", "--nodes", "30", "--duration", "1m",
        "--overlay", "kademlia", "--bucket-size", "8", "--parallelism", "5", "--json");
    assertThat(kad.exit()).as(kad.err()).isZero();
    OpenVoipCliTest.Result bamboo = OpenVoipCliTest.run("sim", "--nodes", "30", "--duration",
        "1m", "--overlay", "bamboo", "--digit-bits", "2", "--json");
    assertThat(bamboo.exit()).as(bamboo.err()).isZero();
    String[] b = bamboo.out().strip().split("\n");
    assertThat(new ObjectMapper().readTree(b[b.length - 1]).get("successRatio").asDouble())
        .isEqualTo(1.0);
    OpenVoipCliTest.Result bad = OpenVoipCliTest.run("sim", "--duration", "1m", "--digit-bits",
        "9");
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err()).contains("bits per digit (b) must be 1..7, not 9");
    bad = OpenVoipCliTest.run("sim", "--duration", "1m", "--routing", "flooding");
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err()).contains("--routing", "flooding", "iterative", "recursive");
    bad = OpenVoipCliTest.run("sim", "--duration", "1m", "--parallelism", "0");
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err()).contains("parallelism (alpha) must be 1..16");
  }

  @Test
  void badValuesAreUsageErrorsThatSayWhatIsWrong() {
    OpenVoipCliTest.Result r = OpenVoipCliTest.run("sim", "--duration", "ten minutes");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--duration", "'ten minutes' is not a duration", "30s");
    r = OpenVoipCliTest.run("sim", "--duration", "0s");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("not a positive duration");
    r = OpenVoipCliTest.run("sim", "--duration", "1m", "--session-median", "5x");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--session-median", "'5x' is not a duration");
    r = OpenVoipCliTest.run("sim", "--duration", "1m", "--overlay", "pastry");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("unknown overlay 'pastry'", "chord");
    r = OpenVoipCliTest.run("sim", "--duration", "1m", "--nodes", "0");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--nodes must be at least 1");
    r = OpenVoipCliTest.run("sim", "--nodes", "10");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--duration");
  }

  @Test
  void durationsParse() {
    assertThat(Durations.parseMillis("30s")).isEqualTo(30_000);
    assertThat(Durations.parseMillis("10m")).isEqualTo(600_000);
    assertThat(Durations.parseMillis("1.4m")).isEqualTo(84_000);
    assertThat(Durations.parseMillis("3h")).isEqualTo(10_800_000);
    assertThat(Durations.parseMillis("250ms")).isEqualTo(250);
    assertThat(Durations.parseMillis(" 2D ")).isEqualTo(172_800_000);
    for (String bad : new String[] {"", "10", "m", "-5s", "1.m", "1e3s", "5 minutes", "0.0001ms"}) {
      assertThatThrownBy(() -> Durations.parseMillis(bad)).as(bad)
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'" + bad + "'");
    }
    assertThat(Durations.format(84_000)).isEqualTo("1m24s");
    assertThat(Durations.format(10_800_000)).isEqualTo("3h00m00s");
  }
}
