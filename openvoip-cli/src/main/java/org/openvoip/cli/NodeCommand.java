package org.openvoip.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.openvoip.p2pp.node.NodeConfig;
import org.openvoip.p2pp.node.OverlayConfig;
import org.openvoip.p2pp.wire.Bytes;
import picocli.CommandLine.Command;
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

  @Option(names = "--bootstrap", required = true, paramLabel = "HOST:PORT",
      converter = NetSupport.HostPortConverter.class,
      description = "The bootstrap server to join through.")
  InetSocketAddress bootstrap;

  @Option(names = "--overlay", defaultValue = "chord", paramLabel = "ALGORITHM",
      description = "Overlay algorithm (default: ${DEFAULT-VALUE}).")
  String overlay;

  @Option(names = "--data-dir", paramLabel = "D",
      description = "Keep the node's ID in D/" + ID_FILE + " (hex) and the objects it stores in"
          + " D/" + STORED_FILE + " (every minute and when it stops), so that a restart keeps its"
          + " identity and data; D is created if needed. Without it, each run draws a new"
          + " random ID and starts empty.")
  Path dataDir;

  final Serving serving = new Serving();

  @Override
  public Integer call() throws InterruptedException {
    OverlayConfig oc = NetSupport.overlay(spec, overlay);
    Bytes id = null;
    if (dataDir != null) {
      try {
        id = loadOrCreateId(dataDir, oc.idLength());
      } catch (IOException | IllegalArgumentException e) {
        spec.commandLine().getErr().println("error: " + e.getMessage());
        return 1;
      }
    }
    NodeConfig c = new NodeConfig(id, NetSupport.endpoint(listen), oc,
        NetSupport.endpoint(bootstrap), false);
    return serving.run(spec, c, "peer", dataDir == null ? null : dataDir.resolve(STORED_FILE));
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
