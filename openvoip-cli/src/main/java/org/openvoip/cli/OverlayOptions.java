package org.openvoip.cli;

import org.openvoip.p2pp.node.OverlayConfig;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The overlay configuration's maintenance periods and replica count, for simulations that
 * explore them (the draft's defaults suit hour-long sessions, not minute-long ones).
 */
final class OverlayOptions {
  @Spec(Spec.Target.MIXEE) CommandSpec spec;

  @Option(names = "--keepalive", converter = Durations.Converter.class, paramLabel = "DURATION",
      description = "KeepAlive period KAT (default: 10s).")
  Long keepAliveMillis;

  @Option(names = "--neighbor-maintenance", converter = Durations.Converter.class,
      paramLabel = "DURATION", description = "Neighbour maintenance period NMT (default: 30s).")
  Long neighborMaintenanceMillis;

  @Option(names = "--routing-maintenance", converter = Durations.Converter.class,
      paramLabel = "DURATION", description = "Routing-table maintenance period RMT "
      + "(default: 30s).")
  Long routingMaintenanceMillis;

  @Option(names = "--replication", converter = Durations.Converter.class,
      paramLabel = "DURATION", description = "Replication period RT (default: 30s).")
  Long replicationMillis;

  @Option(names = "--replicas", paramLabel = "R",
      description = "Copies of each object, the owner's included (default: 3).")
  Integer replicas;

  @Option(names = "--parallelism", paramLabel = "ALPHA",
      description = "Paths an iterative lookup follows in parallel, 1..16 (default: 3).")
  Integer parallelism;

  @Option(names = "--bucket-size", paramLabel = "K",
      description = "Kademlia: peers per k-bucket (default: 20).")
  Integer bucketSize;

  @Option(names = "--digit-bits", paramLabel = "B",
      description = "Bamboo: bits per digit of prefix routing, 1..7 (default: 4).")
  Integer digitBits;

  /** How a node routes its own requests (the R flag). */
  enum Routing { iterative, recursive }

  @Option(names = "--routing", paramLabel = "MODE",
      description = "How nodes route their requests: ${COMPLETION-CANDIDATES} (default: iterative).")
  Routing routing;

  /** The defaults with {@code algorithm} and whatever these options set. */
  OverlayConfig config(String algorithm) {
    OverlayConfig.Builder b = OverlayConfig.DEFAULTS.toBuilder().algorithm(algorithm);
    if (keepAliveMillis != null) {
      b.keepAliveMillis(keepAliveMillis);
    }
    if (neighborMaintenanceMillis != null) {
      b.neighborMaintenanceMillis(neighborMaintenanceMillis);
    }
    if (routingMaintenanceMillis != null) {
      b.routingMaintenanceMillis(routingMaintenanceMillis);
    }
    if (replicationMillis != null) {
      b.replicationMillis(replicationMillis);
    }
    if (replicas != null) {
      b.replicas(replicas);
    }
    if (parallelism != null) {
      b.parallelism(parallelism);
    }
    if (bucketSize != null) {
      b.bucketSize(bucketSize);
    }
    if (digitBits != null) {
      b.digitBits(digitBits);
    }
    if (routing != null) {
      b.recursive(routing == Routing.recursive);
    }
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  /** These options as given, for a command line that repeats the run ("" if none). */
  String asArguments() {
    StringBuilder s = new StringBuilder();
    append(s, "--keepalive", keepAliveMillis);
    append(s, "--neighbor-maintenance", neighborMaintenanceMillis);
    append(s, "--routing-maintenance", routingMaintenanceMillis);
    append(s, "--replication", replicationMillis);
    if (replicas != null) {
      s.append(" --replicas ").append(replicas);
    }
    if (parallelism != null) {
      s.append(" --parallelism ").append(parallelism);
    }
    if (bucketSize != null) {
      s.append(" --bucket-size ").append(bucketSize);
    }
    if (digitBits != null) {
      s.append(" --digit-bits ").append(digitBits);
    }
    if (routing != null) {
      s.append(" --routing ").append(routing);
    }
    return s.toString();
  }

  private static void append(StringBuilder s, String name, Long millis) {
    if (millis != null) {
      s.append(' ').append(name).append(' ')
          .append(org.openvoip.analysis.overlays.ComparisonReport.duration(millis));
    }
  }
}
