package org.openvoip.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openvoip.p2pp.env.Endpoint;
import picocli.CommandLine;

/**
 * The network commands in-process on loopback: a bootstrap server and a node run as the
 * commands themselves (in threads), and put/get talk to them as real P2PP clients. Waits are
 * bounded; nothing asserts a duration.
 */
class NetworkCommandsTest {

  @TempDir Path dir;

  static OpenVoipCliTest.Result run(String... args) {
    return OpenVoipCliTest.run(args);
  }

  /** A long-running command (bootstrap or node) in a thread of its own. */
  static final class Running implements AutoCloseable {
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();
    final Serving serving;
    final CompletableFuture<Integer> exit = new CompletableFuture<>();

    Running(String... args) throws InterruptedException {
      CommandLine cli = OpenVoipCli.commandLine();
      cli.setOut(new PrintWriter(out, true));
      cli.setErr(new PrintWriter(err, true));
      Object cmd = cli.getSubcommands().get(args[0]).getCommand();
      serving = cmd instanceof BootstrapCommand b ? b.serving : ((NodeCommand) cmd).serving;
      Thread t = new Thread(() -> exit.complete(cli.execute(args)), "test-" + args[0]);
      t.setDaemon(true);
      t.start();
      for (int i = 0; i < 300 && serving.bound() == null && !exit.isDone(); i++) {
        Thread.sleep(50);
      }
      assertThat(serving.bound()).as("listening within 15 s; stderr: %s", err).isNotNull();
    }

    String at() {
      Endpoint e = serving.bound();
      return e.toString();
    }

    synchronized String output() {
      return out.toString();
    }

    @Override
    public void close() throws Exception {
      serving.stop();
      assertThat(exit.get(15, TimeUnit.SECONDS)).as(err.toString()).isZero();
    }
  }

  @Test
  void theDemoLooksEveryObjectUpAndEndsWithOneJsonLine() throws Exception {
    OpenVoipCliTest.Result r = run("demo", "--peers", "10", "--lookups", "50", "--seed", "7");
    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).startsWith("wire format: ").contains("crashed peer", "restarted 1 peers");
    String[] lines = r.out().strip().split("\n");
    JsonNode json = new ObjectMapper().readTree(lines[lines.length - 1]);
    assertThat(json.get("peers").asInt()).isEqualTo(10);
    assertThat(json.get("lookups").asInt()).isEqualTo(50);
    assertThat(json.get("succeeded").asInt()).isEqualTo(50);
    assertThat(json.get("p50Ms").asDouble()).isPositive();
    assertThat(json.get("p99Ms").asDouble()).isGreaterThanOrEqualTo(json.get("p50Ms").asDouble());
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"kademlia", "bamboo"})
  void theDemoRunsOnTheOtherOverlaysToo(String overlay) throws Exception {
    OpenVoipCliTest.Result r = run("demo", "--overlay", overlay, "--peers", "12", "--lookups",
        "60", "--seed", "8");
    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("overlay: " + overlay, "its neighbours noticed",
        "restarted 1 peers");
    String[] lines = r.out().strip().split("\n");
    JsonNode json = new ObjectMapper().readTree(lines[lines.length - 1]);
    assertThat(json.get("overlay").asText()).isEqualTo(overlay);
    assertThat(json.get("succeeded").asInt()).isEqualTo(60);
  }

  /**
   * {@code openvoip stun} against a running node: its partner peer (the bootstrap server, its
   * neighbour) answers the change request, so on loopback it finds no NAT and open filtering.
   */
  @Test
  void stunAsksANodeAndItsPartnerWhatNatThisIsBehind() throws Exception {
    try (Running boot = new Running("bootstrap", "--listen", "127.0.0.1:0");
        Running node = new Running("node", "--listen", "127.0.0.1:0", "--bootstrap",
            boot.at(), "--data-dir", dir.resolve("n").toString())) {
      // Once a put through the node works, the node has joined and knows its neighbour.
      assertThat(run("put", "k", "v", "--via", node.at()).exit()).isZero();
      OpenVoipCliTest.Result r = run("stun", node.at(), "--bind", "127.0.0.1:0", "--json");
      assertThat(r.exit()).as(r.err()).isZero();
      JsonNode json = new ObjectMapper().readTree(r.out());
      assertThat(json.get("second_server").asText()).isEqualTo(boot.at());
      assertThat(json.get("mapping").asText()).isEqualTo("none");
      assertThat(json.get("filtering").asText()).isEqualTo("endpoint-independent");
      assertThat(json.get("NAT_type").asText()).isEqualTo("open internet");
      assertThat(json.get("reachable").asBoolean()).isTrue();
      assertThat(r.err()).startsWith("asking " + node.at());
      // The node asked the bootstrap server the same, on its own port, after joining. The
      // bootstrap server's only other peer was the node itself: no one to answer from elsewhere.
      awaitOutput(node, "NAT discovery:");
      assertThat(node.output()).contains("NAT discovery: no NAT (filtering unknown), public"
          + " address " + node.at() + ", NOT reachable");
      // A third node finds the bootstrap server with a partner, and the whole answer.
      try (Running third = new Running("node", "--listen", "127.0.0.1:0", "--bootstrap",
          boot.at(), "--data-dir", dir.resolve("n3").toString())) {
        awaitOutput(third, "NAT discovery:");
        assertThat(third.output()).contains("NAT discovery: open internet, public address "
            + third.at() + ", reachable by any node");
      }
    }
    OpenVoipCliTest.Result bad = run("stun", "no-port-here");
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err()).contains("is not HOST:PORT");
  }

  /** `openvoip relay` starts a TURN relay, answers a Binding request, stops; bad options say why. */
  @Test
  void theRelayCommandServesTurnAndRefusesAnOpenRelayByAccident() throws Exception {
    OpenVoipCliTest.Result noUser = run("relay", "--listen", "127.0.0.1:0");
    assertThat(noUser.exit()).isEqualTo(2);
    assertThat(noUser.err()).contains("give at least one --user NAME:PASSWORD, or --open");
    OpenVoipCliTest.Result badUser = run("relay", "--listen", "127.0.0.1:0", "--user", "alice");
    assertThat(badUser.exit()).isEqualTo(2);
    assertThat(badUser.err()).contains("--user 'alice' is not NAME:PASSWORD");

    CommandLine cli = OpenVoipCli.commandLine();
    StringWriter out = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    RelayCommand cmd = (RelayCommand) cli.getSubcommands().get("relay").getCommand();
    CompletableFuture<Integer> exit = new CompletableFuture<>();
    Thread t = new Thread(() -> exit.complete(cli.execute("relay", "--listen", "127.0.0.1:0",
        "--user", "alice:secret")), "test-relay");
    t.setDaemon(true);
    t.start();
    for (int i = 0; i < 300 && cmd.bound == null; i++) {
      Thread.sleep(50);
    }
    assertThat(cmd.bound).isNotNull();
    assertThat(out.toString()).startsWith("relay listening on " + cmd.bound
        + " (TURN over UDP, realm openvoip, 1 user)");
    try (DatagramSocket s = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
      s.setSoTimeout(5000);
      byte[] req = new org.openvoip.p2pp.stun.StunMessage(
          org.openvoip.p2pp.stun.StunMessage.BINDING_REQUEST,
          org.openvoip.p2pp.wire.Bytes.of(new byte[12]), java.util.List.of()).encode();
      s.send(new java.net.DatagramPacket(req, req.length, InetAddress.getByName("127.0.0.1"),
          cmd.bound.port()));
      java.net.DatagramPacket p = new java.net.DatagramPacket(new byte[1500], 1500);
      s.receive(p);
      // Unauthenticated, even a Binding request is challenged: 401 with a realm and a nonce.
      org.openvoip.p2pp.stun.StunMessage answer = org.openvoip.p2pp.stun.StunMessage.decode(
          java.util.Arrays.copyOf(p.getData(), p.getLength()));
      assertThat(answer.isError()).isTrue();
      assertThat(answer.attribute(0x0015)).isNotNull();
    }
    cmd.stop.countDown();
    assertThat(exit.get(15, TimeUnit.SECONDS)).isZero();
  }

  private static void awaitOutput(Running r, String text) throws InterruptedException {
    for (int i = 0; i < 300 && !r.output().contains(text); i++) {
      Thread.sleep(50);
    }
  }

  @Test
  void putAndGetThroughABootstrapServerAndANode() throws Exception {
    Path data = dir.resolve("node1");
    try (Running boot = new Running("bootstrap", "--listen", "127.0.0.1:0")) {
      assertThat(boot.output()).startsWith("bootstrap server and first peer ")
          .contains("listening on " + boot.at());
      String firstId;
      try (Running node = new Running("node", "--listen", "127.0.0.1:0", "--bootstrap",
          boot.at(), "--data-dir", data.toString())) {
        firstId = Files.readString(data.resolve("node-id"), StandardCharsets.US_ASCII).strip();
        assertThat(node.output()).startsWith("peer " + firstId + " listening on ");

        OpenVoipCliTest.Result put = run("put", "alice", "sip:alice@192.0.2.7", "--via",
            node.at());
        assertThat(put.exit()).as(put.err()).isZero();
        assertThat(put.out()).startsWith("stored alice for 3600 s at ");

        OpenVoipCliTest.Result get = run("get", "alice", "--via", boot.at());
        assertThat(get.exit()).as(get.err()).isZero();
        assertThat(get.out()).isEqualTo("sip:alice@192.0.2.7\n");

        // A second put from the command line replaces the value.
        assertThat(run("put", "alice", "sip:alice@198.51.100.1", "--via", boot.at()).exit())
            .isZero();
        assertThat(run("get", "alice", "--via", node.at()).out())
            .isEqualTo("sip:alice@198.51.100.1\n");

        OpenVoipCliTest.Result missing = run("get", "bob", "--via", node.at());
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.out()).isEqualTo("not found\n");
      }
      // The node comes back with the ID kept in its data directory.
      try (Running again = new Running("node", "--listen", "127.0.0.1:0", "--bootstrap",
          boot.at(), "--data-dir", data.toString())) {
        assertThat(again.output()).startsWith("peer " + firstId + " listening on ");
        assertThat(run("get", "alice", "--via", again.at()).out())
            .isEqualTo("sip:alice@198.51.100.1\n");
      }
    }
  }

  @Test
  void aNodeKeepsWhatItStoresAcrossARestartEvenIntoANewOverlay() throws Exception {
    Path data = dir.resolve("keeper");
    try (Running boot = new Running("bootstrap", "--listen", "127.0.0.1:0");
        Running node = new Running("node", "--listen", "127.0.0.1:0", "--bootstrap", boot.at(),
            "--data-dir", data.toString())) {
      assertThat(run("put", "carol", "sip:carol@192.0.2.9", "--via", node.at()).exit()).isZero();
    }
    assertThat(data.resolve("stored")).exists();
    // Everyone that held the value is gone; the node brings it into a new overlay.
    try (Running boot = new Running("bootstrap", "--listen", "127.0.0.1:0");
        Running node = new Running("node", "--listen", "127.0.0.1:0", "--bootstrap", boot.at(),
            "--data-dir", data.toString())) {
      assertThat(node.output()).contains("took back 1 of 1 objects kept in ");
      // The node hands what it took back to the responsible peer at its next replication pass
      // (within a second or so): ask until it is there, for at most 15 s.
      String got = "";
      for (int i = 0; i < 75 && !got.equals("sip:carol@192.0.2.9\n"); i++) {
        if (i > 0) {
          Thread.sleep(200);
        }
        got = run("get", "carol", "--via", boot.at()).out();
      }
      assertThat(got).isEqualTo("sip:carol@192.0.2.9\n");
    }
    // A damaged file is named, and the node runs without it.
    Files.write(data.resolve("stored"), new byte[] {'j', 'u', 'n', 'k'});
    try (Running boot = new Running("bootstrap", "--listen", "127.0.0.1:0");
        Running node = new Running("node", "--listen", "127.0.0.1:0", "--bootstrap", boot.at(),
            "--data-dir", data.toString())) {
      assertThat(node.err.toString()).contains("warning: the objects kept in ")
          .contains("cut short");
    }
  }

  @Test
  void aViaAddressWithNobodyThereIsNamedInTheError() throws Exception {
    int port;
    try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    OpenVoipCliTest.Result r = run("get", "alice", "--via", "127.0.0.1:" + port);
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).startsWith("error: no answer from 127.0.0.1:" + port + " after 5 s");
  }

  @Test
  void aCorruptNodeIdFileIsAnError() throws Exception {
    Files.writeString(dir.resolve("node-id"), "not hex\n");
    OpenVoipCliTest.Result r = run("node", "--listen", "127.0.0.1:0", "--bootstrap",
        "127.0.0.1:9", "--data-dir", dir.toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).startsWith("error: ").contains("node-id is not a hex node ID");
  }

  @Test
  void badArgumentsExitWith2AndSayWhatIsWrong() {
    assertUsage(run("put", "k", "v"), "--via");
    assertUsage(run("get"), "KEY");
    assertUsage(run("get", "k", "--via", "localhost"), "'localhost' is not HOST:PORT");
    assertUsage(run("get", "k", "--via", "127.0.0.1:99999"), "the port must be 0..65535");
    assertUsage(run("get", "k", "--via", "127.0.0.1:http"), "is not a number");
    assertUsage(run("node", "--listen", "127.0.0.1:0"), "--bootstrap");
    assertUsage(run("bootstrap"), "--listen");
    assertUsage(run("bootstrap", "--listen", "127.0.0.1:0", "--overlay", "pastry"),
        "unknown overlay 'pastry'");
    assertUsage(run("demo", "--peers", "1"), "--peers must be 2..2000");
    assertUsage(run("demo", "--lookups", "0"), "--lookups must be");
    assertUsage(run("demo", "--peers", "5", "--crashes", "4"), "--crashes must be 0..3");
    assertUsage(run("put", "k", "v", "--via", "127.0.0.1:1", "--lifetime", "0"),
        "--lifetime must be");
  }

  private static void assertUsage(OpenVoipCliTest.Result r, String says) {
    assertThat(r.exit()).as(r.err()).isEqualTo(2);
    assertThat(r.err()).contains(says);
  }

  @Test
  void helpNamesTheDataDirectory() {
    OpenVoipCliTest.Result r = run("node", "--help");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("--data-dir", "node-id", "restart keeps its");
  }
}
