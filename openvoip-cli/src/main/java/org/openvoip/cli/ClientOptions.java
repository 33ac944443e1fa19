package org.openvoip.cli;

import java.net.InetSocketAddress;
import picocli.CommandLine.Option;

/** The options every client command (put, get) shares: which peer to go through, which overlay. */
final class ClientOptions {
  @Option(names = "--via", required = true, paramLabel = "HOST:PORT",
      converter = NetSupport.HostPortConverter.class,
      description = "A peer of the overlay (a node or the bootstrap server).")
  InetSocketAddress via;

  @Option(names = "--overlay", defaultValue = "chord", paramLabel = "ALGORITHM",
      description = "Overlay algorithm of the overlay (default: ${DEFAULT-VALUE}).")
  String overlay;
}
