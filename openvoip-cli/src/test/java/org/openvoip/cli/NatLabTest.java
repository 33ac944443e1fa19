package org.openvoip.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * NAT discovery across real kernel NATs: tools/natlab/natlab.sh builds network namespaces with
 * an nftables masquerade router (site 1) and a `masquerade fully-random` router (site 2); three
 * peers run in the "internet" namespace; `openvoip stun` runs behind each router. Needs root,
 * iproute2 and nftables, which .ci/run installs; elsewhere the test says loudly why it does not
 * run, and in CI their absence fails it.
 */
class NatLabTest {
  private static final Path SCRIPT = Path.of("..", "tools", "natlab", "natlab.sh");
  private static final List<Process> PEERS = new ArrayList<>();
  private static Path logs;

  @BeforeAll
  static void lab() throws Exception {
    String missing = missing();
    if (missing != null) {
      if (System.getenv("CI") != null) {
        fail("the NAT lab cannot run: " + missing);
      }
      System.err.println("SKIPPED NatLabTest: " + missing);
      Assumptions.abort(missing);
    }
    logs = Files.createTempDirectory("natlab");
    run(SCRIPT.toString(), "down");
    run(SCRIPT.toString(), "up", "1", "cone");
    run(SCRIPT.toString(), "up", "2", "symmetric");
    peer("bootstrap", "--listen", "203.0.113.1:7080");
    peer("node", "--listen", "203.0.113.2:7080", "--bootstrap", "203.0.113.1:7080");
    peer("node", "--listen", "203.0.113.3:7080", "--bootstrap", "203.0.113.1:7080");
  }

  @AfterAll
  static void tearDown() throws Exception {
    for (Process p : PEERS) {
      p.destroy();
      p.waitFor(10, TimeUnit.SECONDS);
      p.destroyForcibly();
    }
    if (logs != null) {
      run(SCRIPT.toString(), "down");
    }
  }

  /** Why the lab cannot run here, or null. */
  private static String missing() throws Exception {
    Process id = new ProcessBuilder("id", "-u").start();
    String uid = new String(id.getInputStream().readAllBytes()).strip();
    if (!uid.equals("0")) {
      return "not root (network namespaces need root)";
    }
    for (String tool : List.of("ip", "nft")) {
      boolean found = false;
      for (String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin")
          .split(File.pathSeparator)) {
        found |= Files.isExecutable(Path.of(dir, tool));
      }
      if (!found) {
        return tool + " is not installed (Debian: " + (tool.equals("ip") ? "iproute2"
            : "nftables") + ")";
      }
    }
    return null;
  }

  private static void run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", cmd) + ": " + out).isZero();
  }

  /** The openvoip command in a namespace, on this test's class path. */
  private static List<String> openvoip(String namespace, String... args) {
    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", namespace,
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), OpenVoipCli.class.getName()));
    cmd.addAll(List.of(args));
    return cmd;
  }

  private static void peer(String... args) throws Exception {
    Path log = logs.resolve("peer" + PEERS.size() + ".log");
    Process p = new ProcessBuilder(openvoip("nl-inet", args)).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    PEERS.add(p);
    for (int i = 0; i < 600 && !Files.readString(log).contains("listening on"); i++) {
      assertThat(p.isAlive()).as(Files.readString(log)).isTrue();
      Thread.sleep(50);
    }
    assertThat(Files.readString(log)).contains("listening on");
  }

  private static JsonNode stun(String namespace) throws Exception {
    Process p = new ProcessBuilder(openvoip(namespace, "stun", "203.0.113.1:7080",
        "203.0.113.2:7080", "203.0.113.3:7080", "--json")).start();
    String out = new String(p.getInputStream().readAllBytes());
    String err = new String(p.getErrorStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out + err).isZero();
    return new ObjectMapper().readTree(out);
  }

  @Test
  void behindAnNftablesMasqueradeTheNodeFindsARestrictedCone() throws Exception {
    JsonNode r = stun("nl-h1");
    assertThat(r.get("mapped_address").asText()).startsWith("203.0.113.11:");
    assertThat(r.get("mapping").asText()).isEqualTo("endpoint-independent");
    assertThat(r.get("filtering").asText()).isEqualTo("address-dependent-or-stricter");
    assertThat(r.get("NAT_type").asText())
        .isEqualTo("restricted cone (address- or port-restricted)");
    assertThat(r.get("reachable").asBoolean()).isFalse();
  }

  @Test
  void behindAFullyRandomMasqueradeTheNodeFindsASymmetricNat() throws Exception {
    JsonNode r = stun("nl-h2");
    assertThat(r.get("mapped_address").asText()).startsWith("203.0.113.12:");
    assertThat(r.get("mapping").asText()).isEqualTo("address-dependent-or-stricter");
    assertThat(r.get("NAT_type").asText()).isEqualTo("symmetric");
  }
}
