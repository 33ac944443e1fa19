package org.openvoip.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The secured commands in-process on loopback: an enrollment server with accounts, nodes that
 * enroll with it and then run over DTLS/TLS, signed put and get; self-signed and shared-secret
 * overlays; and the refusals a user sees (wrong password, wrong CA, a node without the secret).
 */
class SecureCommandsTest {

  @TempDir Path dir;

  static OpenVoipCliTest.Result run(String... args) {
    return OpenVoipCliTest.run(args);
  }

  /** The enrollment server command in a thread. */
  static final class Server implements AutoCloseable {
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();
    final EnrollServerCommand command;
    final CompletableFuture<Integer> exit = new CompletableFuture<>();

    Server(String... args) throws InterruptedException {
      CommandLine cli = OpenVoipCli.commandLine();
      cli.setOut(new PrintWriter(out, true));
      cli.setErr(new PrintWriter(err, true));
      command = (EnrollServerCommand) cli.getSubcommands().get("enroll-server").getCommand();
      Thread t = new Thread(() -> exit.complete(cli.execute(args)), "test-enroll-server");
      t.setDaemon(true);
      t.start();
      for (int i = 0; i < 300 && command.bound() == null && !exit.isDone(); i++) {
        Thread.sleep(50);
      }
      assertThat(command.bound()).as("listening within 15 s; stderr: %s", err).isNotNull();
    }

    String at() {
      return "127.0.0.1:" + command.bound().getPort();
    }

    /** The CA fingerprint the server printed. */
    String fingerprint() {
      String o = out.toString();
      int i = o.indexOf("SHA-256 fingerprint ");
      return o.substring(i + 20, i + 20 + 64);
    }

    @Override
    public void close() throws Exception {
      command.stop();
      assertThat(exit.get(15, TimeUnit.SECONDS)).as(err.toString()).isZero();
    }
  }

  @Test
  void nodesEnrollWithTheServerThenStoreAndFindSignedValuesOverSecureLinks() throws Exception {
    Path ca = dir.resolve("ca");
    Path pw = dir.resolve("alice.pw");
    Files.writeString(pw, "correct horse battery\n");
    Path bpw = dir.resolve("bob.pw");
    Files.writeString(bpw, "staple tuning fork\n");
    for (String[] u : new String[][] {{"alice@test", pw.toString()},
        {"bob@test", bpw.toString()}}) {
      OpenVoipCliTest.Result add = run("enroll-server", "add-user", "--data-dir", ca.toString(),
          "--pbkdf2-iterations", "1000", "--user", u[0], "--password-file", u[1]);
      assertThat(add.exit()).as(add.err()).isZero();
    }
    assertThat(Files.getPosixFilePermissions(ca.resolve("ca.key")))
        .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ,
            PosixFilePermission.OWNER_WRITE);
    assertThat(Files.readString(ca.resolve("users"))).doesNotContain("correct horse");

    try (Server server = new Server("enroll-server", "--listen", "127.0.0.1:0", "--data-dir",
        ca.toString(), "--pbkdf2-iterations", "1000")) {
      Path alice = dir.resolve("alice");
      Path bob = dir.resolve("bob");
      OpenVoipCliTest.Result wrong = run("enroll", "--server", server.at(), "--ca-fingerprint",
          "00".repeat(32), "--user", "alice@test", "--password-file", pw.toString(),
          "--data-dir", alice.toString());
      assertThat(wrong.exit()).isEqualTo(1);
      assertThat(wrong.err()).contains("not the expected CA");

      OpenVoipCliTest.Result badPw = run("enroll", "--server", server.at(), "--ca-fingerprint",
          server.fingerprint(), "--user", "alice@test", "--password-file", bpw.toString(),
          "--data-dir", alice.toString());
      assertThat(badPw.exit()).isEqualTo(1);
      assertThat(badPw.err()).contains("refused (401)");

      OpenVoipCliTest.Result a = run("enroll", "--server", server.at(), "--ca-fingerprint",
          server.fingerprint(), "--user", "alice@test", "--password-file", pw.toString(),
          "--data-dir", alice.toString());
      assertThat(a.exit()).as(a.err()).isZero();
      assertThat(a.out()).startsWith("enrolled alice@test as node ");
      OpenVoipCliTest.Result b = run("enroll", "--server", server.at(), "--ca",
          ca.resolve("ca.crt").toString(), "--user", "bob@test", "--password-file",
          bpw.toString(), "--data-dir", bob.toString());
      assertThat(b.exit()).as(b.err()).isZero();
      for (String f : new String[] {"node.key", "node.crt", "ca.crt", "overlay.json"}) {
        assertThat(alice.resolve(f)).exists();
      }

      try (NetworkCommandsTest.Running boot = new NetworkCommandsTest.Running("bootstrap",
              "--listen", "127.0.0.1:0", "--data-dir", alice.toString());
          NetworkCommandsTest.Running node = new NetworkCommandsTest.Running("node",
              "--listen", "127.0.0.1:0", "--bootstrap", boot.at(), "--data-dir",
              bob.toString())) {
        assertThat(boot.output()).contains("DTLS and TLS, enrolled as alice@test");
        assertThat(node.output()).contains("DTLS and TLS, enrolled as bob@test");

        OpenVoipCliTest.Result put = run("put", "alice@test", "sip:alice@192.0.2.7", "--via",
            node.at(), "--data-dir", alice.toString());
        assertThat(put.exit()).as(put.err()).isZero();
        OpenVoipCliTest.Result board = run("put", "lunch", "pizza", "--via", boot.at(),
            "--data-dir", bob.toString());
        assertThat(board.exit()).as(board.err()).isZero();

        OpenVoipCliTest.Result get = run("get", "alice@test", "--via", boot.at(), "--data-dir",
            bob.toString());
        assertThat(get.exit()).as(get.out() + get.err()).isZero();
        assertThat(get.out()).isEqualTo("sip:alice@192.0.2.7\t(user-info, signed by "
            + "alice@test)\n");
        OpenVoipCliTest.Result lunch = run("get", "lunch", "--via", node.at(), "--data-dir",
            alice.toString());
        assertThat(lunch.out()).isEqualTo("pizza\t(shared, signed by bob@test)\n");

        // Bob cannot write Alice's record: a put under her name is his entry on the shared
        // board at that key, and her record stays hers.
        OpenVoipCliTest.Result other = run("put", "alice@test", "sip:mallory@192.0.2.66",
            "--via", node.at(), "--data-dir", bob.toString());
        assertThat(other.exit()).as(other.err()).isZero();
        OpenVoipCliTest.Result both = run("get", "alice@test", "--via", node.at(), "--data-dir",
            alice.toString());
        assertThat(both.out()).isEqualTo("sip:alice@192.0.2.7\t(user-info, signed by "
            + "alice@test)\nsip:mallory@192.0.2.66\t(shared, signed by bob@test)\n");
        // An unsecured client cannot even talk to the secured peers.
        OpenVoipCliTest.Result plain = run("get", "alice@test", "--via", boot.at());
        assertThat(plain.exit()).isEqualTo(1);
      }
    }
  }

  @Test
  void theSecureDemoEnrollsEveryPeerAndShowsEveryAttackRefused() throws Exception {
    OpenVoipCliTest.Result r = run("demo", "--secure", "--peers", "10", "--lookups", "60",
        "--seed", "3");
    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("enrolled 10 peers over TLS", "== attacks by the rogue peer")
        .doesNotContain("FAILED");
    for (String attack : new String[] {"forged signature", "overwrite by a non-owner",
        "spoofed node-ID", "replay of an older value", "oversized value",
        "one identity filling a peer's storage", "request flood", "expired certificate",
        "unknown-CA certificate", "link with an unknown-CA certificate",
        "revoked certificate"}) {
      assertThat(r.out()).containsPattern("(?m)^" + java.util.regex.Pattern.quote(attack)
          + ".* REFUSED ");
    }
    String[] lines = r.out().strip().split("\n");
    com.fasterxml.jackson.databind.JsonNode json = new com.fasterxml.jackson.databind
        .ObjectMapper().readTree(lines[lines.length - 1]);
    assertThat(json.get("secure").asBoolean()).isTrue();
    assertThat(json.get("attacks").asInt()).isEqualTo(11);
    assertThat(json.get("attacksRefused").asInt()).isEqualTo(11);
    assertThat(json.get("succeeded").asInt()).isEqualTo(60);
  }

  @Test
  void aSharedSecretOverlayKeepsOutNodesThatDoNotKnowIt() throws Exception {
    Path secret = dir.resolve("secret");
    Files.writeString(secret, "a long shared overlay secret\n");
    Path wrongSecret = dir.resolve("wrong");
    Files.writeString(wrongSecret, "another long wrong secret\n");
    try (NetworkCommandsTest.Running boot = new NetworkCommandsTest.Running("bootstrap",
        "--listen", "127.0.0.1:0", "--secret-file", secret.toString(), "--data-dir",
        dir.resolve("boot").toString())) {
      assertThat(boot.output()).contains("DTLS and TLS, shared secret as node-");
      assertThat(dir.resolve("boot").resolve("node.key")).exists();
      OpenVoipCliTest.Result put = run("put", "room", "open", "--via", boot.at(),
          "--secret-file", secret.toString());
      assertThat(put.exit()).as(put.err()).isZero();
      OpenVoipCliTest.Result get = run("get", "room", "--via", boot.at(), "--secret-file",
          secret.toString());
      assertThat(get.exit()).as(get.err()).isZero();
      assertThat(get.out()).startsWith("open\t(shared, signed by node-");

      OpenVoipCliTest.Result outsider = run("get", "room", "--via", boot.at(),
          "--secret-file", wrongSecret.toString());
      assertThat(outsider.exit()).isEqualTo(1);
      OpenVoipCliTest.Result selfSigned = run("get", "room", "--via", boot.at(),
          "--self-signed");
      assertThat(selfSigned.exit()).isEqualTo(1);
    }
  }
}
