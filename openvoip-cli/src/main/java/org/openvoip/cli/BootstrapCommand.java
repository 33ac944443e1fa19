package org.openvoip.cli;

import java.net.InetSocketAddress;
import org.openvoip.p2pp.node.NodeConfig;
import org.openvoip.p2pp.node.OverlayConfig;
import picocli.CommandLine.Command;
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

  final Serving serving = new Serving();

  @Override
  public Integer call() throws InterruptedException {
    OverlayConfig oc = NetSupport.overlay(spec, overlay);
    NodeConfig c = new NodeConfig(null, NetSupport.endpoint(listen), oc, null, true);
    return serving.run(spec, c, "bootstrap server and first peer");
  }
}
