package org.openvoip.cli;

import java.net.InetSocketAddress;
import picocli.CommandLine.Option;

/**
 * The options every client command (put, get) shares: which peer to go through, which overlay,
 * and in a secured overlay which identity.
 */
final class ClientOptions {
  @Option(names = "--via", required = true, paramLabel = "HOST:PORT",
      converter = NetSupport.HostPortConverter.class,
      description = "A peer of the overlay (a node or the bootstrap server).")
  InetSocketAddress via;

  @Option(names = "--overlay", defaultValue = "chord", paramLabel = "ALGORITHM",
      description = "Overlay algorithm of the overlay (default: ${DEFAULT-VALUE}).")
  String overlay;

  @Option(names = "--data-dir", paramLabel = "D",
      description = "In a secured overlay: the identity to sign and connect with, as 'openvoip"
          + " enroll' or a node's --self-signed wrote it in D.")
  java.nio.file.Path dataDir;

  @picocli.CommandLine.Mixin NodeSecurity.Options security;
}
