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
      description = "Copies of each object, the owner's included (default: 3; Kademlia: k, "
          + "its k closest nodes).")
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
    set(keepAliveMillis, b::keepAliveMillis);
    set(neighborMaintenanceMillis, b::neighborMaintenanceMillis);
    set(routingMaintenanceMillis, b::routingMaintenanceMillis);
    set(replicationMillis, b::replicationMillis);
    set(replicas, b::replicas);
    set(parallelism, b::parallelism);
    set(bucketSize, b::bucketSize);
    set(digitBits, b::digitBits);
    set(routing == null ? null : routing == Routing.recursive, b::recursive);
    try {
      OverlayConfig c = b.build();
      org.openvoip.p2pp.overlay.Overlays.provider(c);
      return c;
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  /** Calls {@code setter} with the option's value if it was given. */
  private static <T> void set(T value, java.util.function.Consumer<T> setter) {
    if (value != null) {
      setter.accept(value);
    }
  }

  /** These options as given, for a command line that repeats the run ("" if none). */
  String asArguments() {
    StringBuilder s = new StringBuilder();
    append(s, "--keepalive", keepAliveMillis);
    append(s, "--neighbor-maintenance", neighborMaintenanceMillis);
    append(s, "--routing-maintenance", routingMaintenanceMillis);
    append(s, "--replication", replicationMillis);
    appendValue(s, "--replicas", replicas);
    appendValue(s, "--parallelism", parallelism);
    appendValue(s, "--bucket-size", bucketSize);
    appendValue(s, "--digit-bits", digitBits);
    appendValue(s, "--routing", routing);
    return s.toString();
  }

  private static void append(StringBuilder s, String name, Long millis) {
    if (millis != null) {
      appendValue(s, name, org.openvoip.analysis.overlays.ComparisonReport.duration(millis));
    }
  }

  private static void appendValue(StringBuilder s, String name, Object value) {
    if (value != null) {
      s.append(' ').append(name).append(' ').append(value);
    }
  }
}
