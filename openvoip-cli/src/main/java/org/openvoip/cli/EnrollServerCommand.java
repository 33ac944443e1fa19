package org.openvoip.cli;

import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.openvoip.p2pp.node.OverlayConfig;
import org.openvoip.p2pp.security.OverlayDocument;
import org.openvoip.p2pp.security.SignatureScheme;
import org.openvoip.server.OverlayKinds;
import org.openvoip.server.enroll.EnrollmentAuthority;
import org.openvoip.server.enroll.EnrollmentClient;
import org.openvoip.server.enroll.EnrollmentServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(
    name = "enroll-server",
    description = {
      "Run the overlay's enrollment server: its certificate authority, with user accounts in",
      "--data-dir, answering P2PP Enroll and Authenticate over TLS 1.3. Nodes enroll with",
      "'openvoip enroll' and get a certificate binding their user, a node-ID it assigns and",
      "their key, with the overlay document it signs (configuration, kinds, bootstrap peers,",
      "revoked certificates). Prints the CA's SHA-256 fingerprint, which nodes pin."
    },
    subcommands = {EnrollServerCommand.AddUser.class, EnrollServerCommand.Revoke.class},
    footer = {"", "Exit status: 0 stopped, 1 could not open the data directory or listen,"
        + " 2 usage error."})
final class EnrollServerCommand implements Callable<Integer> {

  /** What the server and its subcommands share. */
  static final class Authority {
    @Option(names = "--data-dir", paramLabel = "D",
        description = "Where the CA key (ca.key, owner-only), ca.crt, users (PBKDF2 hashes,"
            + " never passwords), issued and revoked are kept; created if needed.")
    Path dataDir;

    @Option(names = "--overlay-name", defaultValue = "openvoip", paramLabel = "NAME",
        description = "The overlay's name in certificates and its document (default:"
            + " ${DEFAULT-VALUE}).")
    String overlayName;

    @Option(names = "--scheme", defaultValue = "ed25519", paramLabel = "ALG",
        converter = NetSupport.SchemeConverter.class,
        description = "The CA key's algorithm when a new CA is made: ed25519 or ecdsa-p256"
            + " (default: ${DEFAULT-VALUE}).")
    SignatureScheme scheme;

    @Option(names = "--pbkdf2-iterations", hidden = true,
        defaultValue = "" + EnrollmentAuthority.DEFAULT_ITERATIONS)
    int iterations;

    EnrollmentAuthority open(CommandSpec spec, int idLength) throws IOException {
      if (dataDir == null) {
        throw new ParameterException(spec.commandLine(), "Missing required option: "
            + "'--data-dir=D'");
      }
      return EnrollmentAuthority.open(dataDir, overlayName, idLength, scheme,
          System.currentTimeMillis(), 10L * 365 * 86_400_000L, iterations, new SecureRandom());
    }
  }

  @Spec CommandSpec spec;

  @Mixin Authority authority;

  @Option(names = "--listen", paramLabel = "HOST:PORT",
      converter = NetSupport.HostPortConverter.class,
      description = "Address and port for TLS (port 0: any free port; 7081 by convention);"
          + " required to run the server.")
  InetSocketAddress listen;

  @Option(names = "--advertise", paramLabel = "HOST:PORT",
      description = "The address nodes reach this server at, in the overlay document (default:"
          + " the address it listens on).")
  String advertise;

  @Option(names = "--overlay", defaultValue = "chord", paramLabel = "ALGORITHM",
      description = "The overlay algorithm the document prescribes (default: ${DEFAULT-VALUE}).")
  String overlay;

  @Option(names = "--bootstrap", paramLabel = "HOST:PORT",
      description = "A bootstrap peer to list in the document (repeatable).")
  List<String> bootstrap = new ArrayList<>();

  @Option(names = "--validity", defaultValue = "30d", paramLabel = "DURATION",
      converter = Durations.Converter.class,
      description = "How long issued certificates are valid (default: ${DEFAULT-VALUE}).")
  long validityMillis;

  private final CountDownLatch stop = new CountDownLatch(1);
  private volatile InetSocketAddress bound;

  /** Where the server listens once started; null before. */
  InetSocketAddress bound() {
    return bound;
  }

  void stop() {
    stop.countDown();
  }

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (listen == null) {
      throw new ParameterException(spec.commandLine(),
          "Missing required option: '--listen=HOST:PORT'");
    }
    OverlayConfig oc = NetSupport.overlay(spec, overlay);
    for (String b : bootstrap) {
      NetSupport.parseHostPort(b); // a bad address is a usage error, now
    }
    EnrollmentAuthority ca;
    try {
      ca = authority.open(spec, oc.idLength());
    } catch (IOException e) {
      err.println("error: cannot open the certificate authority in " + authority.dataDir + ": "
          + WireIo.reason(e));
      return 1;
    }
    EventLoopGroup group = NetSupport.eventLoops(1);
    EnrollmentServer server = null;
    try {
      OverlayDocument template = new OverlayDocument(authority.overlayName, 1, oc, false,
          OverlayKinds.defaults(), List.of(), bootstrap, advertise, List.of());
      try {
        server = EnrollmentServer.start(group, listen, ca, template, validityMillis,
            new SecureRandom());
      } catch (Exception e) {
        err.println("error: cannot listen on " + listen + ": " + NetSupport.describe(e));
        return 1;
      }
      if (advertise == null) {
        InetSocketAddress a = server.address();
        String host = a.getAddress().getHostAddress();
        server.advertise((host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort());
      }
      bound = server.address();
      out.printf("enrollment server for overlay %s listening on %s (TLS 1.3)%n",
          authority.overlayName, NetSupport.endpoint(server.address()));
      out.printf("CA certificate %s, SHA-256 fingerprint %s%n",
          authority.dataDir.resolve("ca.crt"), EnrollmentClient.fingerprint(ca.certificate()));
      out.printf("nodes enroll with: openvoip enroll --server %s --ca-fingerprint %s"
          + " --user NAME --data-dir DIR%n", NetSupport.endpoint(server.address()),
          EnrollmentClient.fingerprint(ca.certificate()));
      out.println("Ctrl-C stops it.");
      out.flush();
      Thread hook = new Thread(stop::countDown, "openvoip-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      try {
        stop.await();
      } finally {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
          // the hook runs
        }
      }
      return 0;
    } finally {
      if (server != null) {
        server.close();
      }
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  @Command(name = "add-user",
      description = "Add a user (or set a new password), asking for the password unless"
          + " --password-file is given. A running server takes it in within 5 s.")
  static final class AddUser implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin Authority authority;

    @Option(names = "--user", required = true, paramLabel = "NAME",
        description = "The user's name, e.g. alice@example.org (no spaces).")
    String user;

    @Option(names = "--password-file", paramLabel = "FILE",
        description = "Read the password from FILE (its first line) instead of asking.")
    Path passwordFile;

    @Override
    public Integer call() {
      try {
        char[] password = Passwords.read(spec, passwordFile, true);
        EnrollmentAuthority ca = authority.open(spec, 20);
        ca.setPassword(user, password);
        spec.commandLine().getOut().printf("user %s can enroll now%n", user);
        return 0;
      } catch (IllegalArgumentException | Passwords.Unavailable e) {
        spec.commandLine().getErr().println("error: " + e.getMessage());
        return 1;
      } catch (IOException e) {
        spec.commandLine().getErr().println("error: " + WireIo.reason(e));
        return 1;
      }
    }
  }

  @Command(name = "revoke",
      description = "Revoke certificates: by serial number (hex, as 'openvoip enroll' prints it)"
          + " or every one issued to --user. A running server lists them in its next overlay"
          + " document within 5 s, and nodes refuse them once they fetch it.")
  static final class Revoke implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin Authority authority;

    @Option(names = "--user", paramLabel = "NAME", description = "Revoke all of NAME's.")
    String user;

    @Parameters(arity = "0..*", paramLabel = "SERIAL", description = "Serial numbers in hex.")
    List<String> serials = new ArrayList<>();

    @Override
    public Integer call() {
      if (user == null && serials.isEmpty()) {
        throw new ParameterException(spec.commandLine(), "name a SERIAL or a --user");
      }
      try {
        EnrollmentAuthority ca = authority.open(spec, 20);
        List<BigInteger> todo = new ArrayList<>();
        for (String s : serials) {
          try {
            todo.add(new BigInteger(s.replace(":", ""), 16));
          } catch (NumberFormatException e) {
            throw new ParameterException(spec.commandLine(), "'" + s + "' is not a hex serial");
          }
        }
        if (user != null) {
          List<BigInteger> his = ca.issuedTo(user);
          if (his.isEmpty()) {
            spec.commandLine().getErr().println("error: no certificate was issued to " + user);
            return 1;
          }
          todo.addAll(his);
        }
        for (BigInteger s : todo) {
          ca.revoke(s);
          spec.commandLine().getOut().printf("revoked %s%n", s.toString(16));
        }
        return 0;
      } catch (IOException e) {
        spec.commandLine().getErr().println("error: " + WireIo.reason(e));
        return 1;
      }
    }
  }
}
