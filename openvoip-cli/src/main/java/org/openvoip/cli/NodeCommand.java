package org.openvoip.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.openvoip.p2pp.node.NodeConfig;
import org.openvoip.p2pp.node.OverlayConfig;
import java.security.SecureRandom;
import org.openvoip.p2pp.security.CertificateProblem;
import org.openvoip.p2pp.wire.Bytes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "node",
    description = {
      "Run a peer: join the overlay through a bootstrap server and serve it until killed.",
      "Ctrl-C leaves the overlay gracefully (stored objects go to the neighbours)."
    },
    footer = {"", "Exit status: 0 stopped, 1 could not listen, join or keep its ID, 2 usage error."})
final class NodeCommand implements Callable<Integer> {

  static final String ID_FILE = "node-id";
  static final String STORED_FILE = "stored";

  @Spec CommandSpec spec;

  @Option(names = "--listen", required = true, paramLabel = "HOST:PORT",
      converter = NetSupport.HostPortConverter.class,
      description = "Address and port for UDP and TCP (port 0: any free port).")
  InetSocketAddress listen;

  @Option(names = "--bootstrap", paramLabel = "HOST:PORT",
      converter = NetSupport.HostPortConverter.class,
      description = "The bootstrap server to join through (an enrolled node may take the first"
          + " of its overlay document's).")
  InetSocketAddress bootstrap;

  @Option(names = "--overlay", defaultValue = "chord", paramLabel = "ALGORITHM",
      description = "Overlay algorithm (default: ${DEFAULT-VALUE}).")
  String overlay;

  @Option(names = "--data-dir", paramLabel = "D",
      description = "Keep the node's ID in D/" + ID_FILE + " (hex) and the objects it stores in"
          + " D/" + STORED_FILE + " (every minute and when it stops), so that a restart keeps its"
          + " identity and data; D is created if needed. Without it, each run draws a new"
          + " random ID and starts empty. A directory written by 'openvoip enroll' makes the"
          + " node secured: its certificate, its CA and the overlay document apply.")
  Path dataDir;

  @Mixin NodeSecurity.Options security;

  final Serving serving = new Serving();

  @Override
  public Integer call() throws InterruptedException {
    OverlayConfig oc = NetSupport.overlay(spec, overlay);
    NodeSecurity.Secured secured;
    try {
      secured = NodeSecurity.load(dataDir, security, oc, new SecureRandom());
    } catch (IOException | CertificateProblem e) {
      spec.commandLine().getErr().println("error: " + e.getMessage());
      return 1;
    }
    Bytes id = null;
    InetSocketAddress via = bootstrap;
    if (secured != null) {
      oc = secured.config();
      id = secured.identity().nodeId();
      if (via == null && secured.document() != null
          && !secured.document().bootstrap().isEmpty()) {
        via = NetSupport.parseHostPort(secured.document().bootstrap().get(0));
      }
    } else if (dataDir != null) {
      try {
        id = loadOrCreateId(dataDir, oc.idLength());
      } catch (IOException | IllegalArgumentException e) {
        spec.commandLine().getErr().println("error: " + e.getMessage());
        return 1;
      }
    }
    if (via == null) {
      throw new ParameterException(spec.commandLine(),
          "Missing required option: '--bootstrap=HOST:PORT'");
    }
    NodeConfig c = new NodeConfig(id, NetSupport.endpoint(listen), oc, NetSupport.endpoint(via),
        false, secured == null ? null : secured.security());
    return serving.run(spec, c, "peer", dataDir == null ? null : dataDir.resolve(STORED_FILE),
        secured, dataDir);
  }

  /** The ID kept in {@code dir}, or a new random one written there. */
  static Bytes loadOrCreateId(Path dir, int length) throws IOException {
    Path file = dir.resolve(ID_FILE);
    if (Files.exists(file)) {
      String hex = Files.readString(file, StandardCharsets.US_ASCII).strip();
      Bytes id;
      try {
        id = Bytes.of(Bytes.parseHex(hex));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(file + " is not a hex node ID: " + e.getMessage());
      }
      if (id.length() != length) {
        throw new IllegalArgumentException(file + " holds a " + id.length()
            + "-byte ID; this overlay uses " + length + "-byte IDs");
      }
      return id;
    }
    try {
      Files.createDirectories(dir);
      Bytes id = NetSupport.randomId(length);
      Files.writeString(file, id.hex() + "\n", StandardCharsets.US_ASCII);
      return id;
    } catch (IOException e) {
      throw new IOException("cannot keep the node ID in " + file + ": " + WireIo.reason(e), e);
    }
  }
}
