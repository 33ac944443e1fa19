package org.openvoip.cli;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import org.openvoip.p2pp.node.NodeConfig;
import org.openvoip.p2pp.node.OverlayConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "bootstrap",
    description = {
      "Run a bootstrap server that is also the overlay's first peer.",
      "Other nodes join with 'openvoip node --bootstrap HOST:PORT'. Prints its address and runs",
      "until killed; Ctrl-C leaves the overlay gracefully."
    },
    footer = {"", "Exit status: 0 stopped, 1 could not listen or join, 2 usage error."})
final class BootstrapCommand implements java.util.concurrent.Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--listen", required = true, paramLabel = "HOST:PORT",
      converter = NetSupport.HostPortConverter.class,
      description = "Address and port for UDP and TCP (port 0: any free port).")
  InetSocketAddress listen;

  @Option(names = "--overlay", defaultValue = "chord", paramLabel = "ALGORITHM",
      description = "Overlay algorithm (default: ${DEFAULT-VALUE}).")
  String overlay;

  @Option(names = "--data-dir", paramLabel = "D",
      description = "Keep the objects it stores in D/" + NodeCommand.STORED_FILE + " and, in a"
          + " secured overlay, its key and certificate (as 'openvoip enroll' or --self-signed"
          + " wrote them).")
  Path dataDir;

  @Mixin NodeSecurity.Options security;

  final Serving serving = new Serving();

  @Override
  public Integer call() throws InterruptedException {
    OverlayConfig oc = NetSupport.overlay(spec, overlay);
    NodeSecurity.Secured secured;
    try {
      secured = NodeSecurity.load(dataDir, security, oc, new java.security.SecureRandom());
    } catch (java.io.IOException | org.openvoip.p2pp.security.CertificateProblem e) {
      spec.commandLine().getErr().println("error: " + e.getMessage());
      return 1;
    }
    if (secured != null) {
      oc = secured.config();
    }
    NodeConfig c = new NodeConfig(secured == null ? null : secured.identity().nodeId(),
        NetSupport.endpoint(listen), oc, null, true,
        secured == null ? null : secured.security());
    return serving.run(spec, c, "bootstrap server and first peer",
        dataDir == null ? null : dataDir.resolve(NodeCommand.STORED_FILE), secured, dataDir);
  }
}
