package org.openvoip.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.concurrent.Callable;
import org.openvoip.p2pp.security.Identity;
import org.openvoip.p2pp.security.SignatureScheme;
import org.openvoip.p2pp.wire.Method;
import org.openvoip.server.enroll.EnrollmentAuthority;
import org.openvoip.server.enroll.EnrollmentClient;
import org.openvoip.server.enroll.EnrollmentException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(
    name = "enroll",
    description = {
      "Enroll this node with an overlay's enrollment server (P2PP Enroll over TLS 1.3) and keep",
      "what it gets in --data-dir: node.key (owner-only), node.crt, ca.crt and overlay.json.",
      "'openvoip node --data-dir DIR' then runs it secured. The server must be the CA named by",
      "--ca or --ca-fingerprint, checked before the password is sent. With a key already in DIR,",
      "it authenticates again (P2PP Authenticate) and keeps its node-ID."
    },
    footer = {"", "Exit status: 0 enrolled, 1 refused or unreachable, 2 usage error."})
final class EnrollCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--server", required = true, paramLabel = "HOST:PORT",
      converter = NetSupport.HostPortConverter.class,
      description = "The enrollment server.")
  InetSocketAddress server;

  static final class Trust {
    @Option(names = "--ca", paramLabel = "FILE", description = "The overlay CA's certificate"
        + " (PEM), from its operator.")
    Path caFile;

    @Option(names = "--ca-fingerprint", paramLabel = "HEX", description = "The SHA-256"
        + " fingerprint of the CA's certificate, as the enrollment server prints it.")
    String fingerprint;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Trust trust;

  @Option(names = "--user", required = true, paramLabel = "NAME",
      description = "Your user name, e.g. alice@example.org.")
  String user;

  @Option(names = "--password-file", paramLabel = "FILE",
      description = "Read the password from FILE (its first line) instead of asking.")
  Path passwordFile;

  @Option(names = "--data-dir", required = true, paramLabel = "DIR",
      description = "Where the key, certificates and overlay document are kept.")
  Path dataDir;

  @Option(names = "--scheme", defaultValue = "ed25519", paramLabel = "ALG",
      converter = NetSupport.SchemeConverter.class,
      description = "The algorithm of a new key: ed25519 or ecdsa-p256 (default:"
          + " ${DEFAULT-VALUE}).")
  SignatureScheme scheme;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    EnrollmentClient.Pin pin;
    try {
      pin = trust.caFile != null
          ? EnrollmentClient.Pin.of(EnrollmentAuthority.readCertificate(trust.caFile))
          : EnrollmentClient.Pin.fingerprint(trust.fingerprint);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    } catch (IOException e) {
      err.println("error: cannot read the CA certificate: " + WireIo.reason(e));
      return 1;
    }
    SecureRandom random = new SecureRandom();
    try {
      KeyPair keys;
      Method method;
      if (Files.exists(dataDir.resolve(NodeSecurity.KEY))
          && Files.exists(dataDir.resolve(NodeSecurity.CERT))) {
        keys = NodeSecurity.read(dataDir).keys();
        method = Method.AUTHENTICATE;
      } else {
        keys = scheme.generate(random);
        method = Method.ENROLL;
      }
      char[] password = Passwords.read(spec, passwordFile, false);
      EnrollmentClient.Enrolled e = EnrollmentClient.enroll(server, pin, method, user, password,
          keys, null, random, 30_000);
      Identity me = e.identity();
      NodeSecurity.write(dataDir, me);
      EnrollmentAuthority.writeAtomically(dataDir.resolve(NodeSecurity.CA),
          EnrollmentAuthority.pem(e.ca()));
      EnrollmentAuthority.writeAtomically(dataDir.resolve(NodeSecurity.DOCUMENT),
          new String(e.signedDocument().toByteArray(), StandardCharsets.UTF_8));
      out.printf("%s %s as node %s in overlay %s (%s)%n",
          method == Method.ENROLL ? "enrolled" : "authenticated", user, me.nodeId().hex(),
          e.document().overlay(), e.document().config().algorithm());
      out.printf("certificate serial %s, valid until %s; kept in %s%n",
          me.certificate().getSerialNumber().toString(16),
          Instant.ofEpochMilli(me.certificate().getNotAfter().getTime()), dataDir);
      out.printf("run it with: openvoip node --listen HOST:PORT --data-dir %s%s%n", dataDir,
          e.document().bootstrap().isEmpty() ? " --bootstrap HOST:PORT" : "");
      return 0;
    } catch (EnrollmentException e) {
      err.printf("error: the enrollment server refused (%d): %s%n", e.code(), e.getMessage());
      return 1;
    } catch (Passwords.Unavailable e) {
      err.println("error: " + e.getMessage());
      return 1;
    } catch (IOException e) {
      err.println("error: cannot enroll with " + NetSupport.endpoint(server) + ": "
          + WireIo.reason(e));
      return 1;
    }
  }
}
