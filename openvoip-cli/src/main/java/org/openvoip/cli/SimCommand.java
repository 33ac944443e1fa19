package org.openvoip.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.openvoip.p2pp.node.OverlayConfig;
import org.openvoip.p2pp.overlay.Overlays;
import org.openvoip.sim.Experiment;
import org.openvoip.sim.SimReport;
import org.openvoip.sim.churn.ChurnTrace;
import org.openvoip.sim.churn.Distribution;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(
    name = "sim",
    subcommands = {CompareCommand.class, SimNatCommand.class},
    description = "Simulate an overlay of real P2PP nodes on a virtual network, with churn and"
        + " a lookup workload judged against ground truth. Same seed, same run. Progress goes"
        + " to stderr, the summary to stdout (with --json, its last line is one JSON object).")
final class SimCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @picocli.CommandLine.Mixin OverlayOptions overlayOptions;

  @Option(names = "--overlay", defaultValue = "chord", description = "Overlay algorithm "
      + "(default: ${DEFAULT-VALUE}).")
  String overlay;

  @Option(names = "--nodes", defaultValue = "100", description = "Number of nodes "
      + "(default: ${DEFAULT-VALUE}).")
  int nodes;

  @Option(names = "--seed", defaultValue = "1", description = "Seed of the run "
      + "(default: ${DEFAULT-VALUE}).")
  long seed;

  // Required, but checked in call(): picocli would also demand it before "sim compare".
  @Option(names = "--duration", converter = Durations.Converter.class,
      paramLabel = "DURATION", description = "Measured virtual time, e.g. 30s, 10m, 1.4m, 3h; "
      + "joining and stabilization come before it. Required.")
  Long durationMillis;

  @Option(names = "--session-median", converter = Durations.Converter.class,
      paramLabel = "DURATION", description = "Median session time; without it, no churn.")
  Long sessionMedianMillis;

  @picocli.CommandLine.Mixin ChurnModelOptions churnModel;

  @Option(names = "--churn-trace", paramLabel = "CSV", description = "Replay sessions from a "
      + "trace instead of drawing them: lines node,join,leave in seconds from the start of the "
      + "measured phase; a node keeps its identity across its sessions.")
  java.nio.file.Path churnTrace;

  @Option(names = "--downtime-median", converter = Durations.Converter.class,
      paramLabel = "DURATION", description = "Median down-time (default: the session median).")
  Long downtimeMedianMillis;

  @Option(names = "--leave-fraction", defaultValue = "0", description = "Fraction of sessions "
      + "that end in a graceful leave rather than a crash (default: ${DEFAULT-VALUE}).")
  double leaveFraction;

  @Option(names = "--republish", converter = Durations.Converter.class, paramLabel = "DURATION",
      description = "Publish the objects again this often during the measured period, from "
      + "random live nodes, as SIP phones refresh their registrations (default: never).")
  Long republishMillis;

  @Option(names = "--lookups-per-second", defaultValue = "10", description = "Lookup rate, "
      + "Poisson arrivals (default: ${DEFAULT-VALUE}).")
  double lookupsPerSecond;

  @Option(names = "--loss", defaultValue = "0", description = "Datagram loss rate 0..1 "
      + "(default: ${DEFAULT-VALUE}).")
  double loss;

  @Option(names = "--join-time", converter = Durations.Converter.class, paramLabel = "DURATION",
      description = "Virtual time over which the nodes join at a steady rate (default: 50 ms per"
      + " node, at least 10s).")
  Long joinMillis;

  @Option(names = "--stabilization", converter = Durations.Converter.class,
      paramLabel = "DURATION", description = "Quiet time between joining and measuring"
      + " (default: three maintenance periods).")
  Long stabilizationMillis;

  @Option(names = "--decode-every-packet", description = "Decode every packet a node receives,"
      + " as on a real network, instead of taking the message it was encoded from: the same run"
      + " (the same fingerprint), slower.")
  boolean decodeEveryPacket;

  @Option(names = "--secure", description = "Run the overlay secured: every node enrolled "
      + "with a certificate authority (Ed25519), every object signed by its publisher and "
      + "checked, with its certificate, by every peer that stores or reads it. The CPU time of "
      + "signing and checking (measured, docs/benchmarks.md) is charged to the nodes.")
  boolean secure;

  @Option(names = "--secure-model", description = "Like --secure, with the cost of "
      + "cryptography modelled instead of paid: signatures of the right length that are not "
      + "computed or verified, the same CPU time charged. The same lookups, latency and bytes "
      + "as --secure, for overlays too large to sign for real.")
  boolean secureModel;

  @Option(names = "--counters", description = "Also print the engine's counters, summed over "
      + "the nodes online at the end.")
  boolean counters;

  @Option(names = "--json", description = "End the output with one line of JSON.")
  boolean json;

  @Override
  public Integer call() throws JsonProcessingException {
    if (durationMillis == null) {
      throw new ParameterException(spec.commandLine(),
          "Missing required option: '--duration=DURATION'");
    }
    Experiment.Config config = config();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ProgressBar bar = new ProgressBar(err, System.console() != null);
    SimReport r;
    Experiment experiment = new Experiment(config).decodeEveryPacket(decodeEveryPacket)
        .secured(secure || secureModel).securityModelled(secureModel);
    try {
      r = experiment.run(bar::update);
    } catch (RuntimeException e) {
      bar.done();
      err.println("openvoip sim: " + e.getMessage() + " (seed " + seed + ")");
      return 1;
    }
    bar.done();
    out.printf(Locale.ROOT, "overlay %s%s, %d nodes, seed %d, %s measured, churn: %s%n",
        r.overlay(), secureModel ? " (secured, cost modelled)" : secure ? " (secured)" : "", r.nodes(), r.seed(),
        Durations.format(r.durationMillis()), r.churn());
    out.printf(Locale.ROOT, "lookups issued        %d (succeeded %d, wrong %d, failed %d; "
        + "abandoned %d: the issuing node crashed first)%n", r.lookupsIssued(),
        r.lookupsSucceeded(), r.lookupsWrong(), r.lookupsFailed(), r.lookupsAbandoned());
    out.printf(Locale.ROOT, "lookup success ratio  %.5f (LookupPeer %.5f, LookupObject %.5f)%n",
        r.successRatio(), r.peerLookupSuccess(), r.objectLookupSuccess());
    out.printf(Locale.ROOT, "latency p50/p90/p99   %d / %d / %d ms (mean %.0f ms)%n",
        r.latencyP50Millis(), r.latencyP90Millis(), r.latencyP99Millis(), r.latencyMeanMillis());
    out.printf(Locale.ROOT, "mean hops             %.3f%n", r.meanHops());
    out.printf(Locale.ROOT, "bytes/node/s          %.1f (all traffic, measured period; idle"
        + " maintenance %.1f)%n", r.bytesPerNodePerSecond(), r.idleBytesPerNodePerSecond());
    out.printf(Locale.ROOT, "objects               %d published; at their owner %.2f%% on"
        + " average, %.2f%% at worst (checked each minute); %d held by no online node at the"
        + " end%n", r.objectsPublished(), 100 * r.objectsAtOwnerMean(),
        100 * r.objectsAtOwnerMin(), r.objectsLost());
    out.printf(Locale.ROOT, "churn                 %d crashes, %d leaves, %d restarts, %d nodes"
        + " live at the end, %d failed joins (retried)%n", r.crashes(), r.leaves(), r.restarts(),
        r.liveNodesAtEnd(), r.joinFailures());
    out.printf(Locale.ROOT, "events                %d, %.0f per wall-clock second, wall %s%n",
        r.eventsExecuted(), r.eventsPerWallSecond(), Durations.format(r.wallMillis()));
    out.printf(Locale.ROOT, "fingerprint           %s%n", r.fingerprint());
    if (counters) {
      experiment.counters().forEach((k, v) -> out.printf(Locale.ROOT, "counter %-30s %d%n", k, v));
      experiment.overlay().joinFailureReasons().forEach((k, v) ->
          out.printf(Locale.ROOT, "join failure %6d  %s%n", v, k));
      experiment.workload().failureReasons().forEach((k, v) ->
          out.printf(Locale.ROOT, "lookup failure %6d  %s%n", v, k));
      experiment.workload().wrongReasons().forEach((k, v) ->
          out.printf(Locale.ROOT, "wrong lookup %6d  %s%n", v, k));
    }
    if (json) {
      out.println(new ObjectMapper().writeValueAsString(r));
    }
    out.flush();
    return 0;
  }

  private Experiment.Config config() {
    if (!Overlays.names().contains(overlay)) {
      throw new ParameterException(spec.commandLine(), "unknown overlay '" + overlay
          + "'; known: " + String.join(", ", Overlays.names()));
    }
    if (nodes < 1) {
      throw new ParameterException(spec.commandLine(), "--nodes must be at least 1, not "
          + nodes);
    }
    if (!(lookupsPerSecond >= 0) || Double.isInfinite(lookupsPerSecond)) {
      throw new ParameterException(spec.commandLine(),
          "--lookups-per-second must be a number >= 0, not " + lookupsPerSecond);
    }
    if (!(leaveFraction >= 0 && leaveFraction <= 1)) {
      throw new ParameterException(spec.commandLine(), "--leave-fraction must be in 0..1, not "
          + leaveFraction);
    }
    if (!(loss >= 0 && loss <= 1)) {
      throw new ParameterException(spec.commandLine(), "--loss must be in 0..1, not " + loss);
    }
    churnModel.check();
    OverlayConfig oc = overlayOptions.config(overlay);
    Experiment.Config c = Experiment.Config.of(oc, nodes, seed, durationMillis)
        .withLookupsPerSecond(lookupsPerSecond)
        .withRepublish(republishMillis == null ? 0 : republishMillis)
        .withLossRate(loss)
        .withWarmUp(joinMillis == null ? 0 : joinMillis,
            stabilizationMillis == null ? 0 : stabilizationMillis);
    if (churnTrace != null) {
      if (sessionMedianMillis != null || downtimeMedianMillis != null) {
        throw new ParameterException(spec.commandLine(),
            "--churn-trace replaces --session-median and --downtime-median; give one or the other");
      }
      ChurnTrace trace;
      try {
        trace = ChurnTrace.read(churnTrace);
      } catch (java.io.IOException e) {
        throw new ParameterException(spec.commandLine(), "cannot read --churn-trace " + churnTrace
            + ": " + e.getMessage());
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "bad --churn-trace: " + e.getMessage());
      }
      if (trace.nodes() > nodes - 1) {
        throw new ParameterException(spec.commandLine(), "the trace has " + trace.nodes()
            + " nodes; --nodes must be at least " + (trace.nodes() + 1)
            + " (node 0, the bootstrap server, never churns)");
      }
      c = c.withTrace(trace, leaveFraction);
    } else if (sessionMedianMillis != null) {
      Distribution sessions = distribution(sessionMedianMillis);
      Distribution down = downtimeMedianMillis == null ? null
          : distribution(downtimeMedianMillis);
      c = c.withChurn(sessions, down, leaveFraction);
    } else if (downtimeMedianMillis != null || leaveFraction != 0) {
      throw new ParameterException(spec.commandLine(),
          "--downtime-median and --leave-fraction need --session-median or --churn-trace (churn)");
    }
    return c;
  }

  private Distribution distribution(long medianMillis) {
    return churnModel.distribution(medianMillis);
  }

  /**
   * Progress on stderr: on a terminal, a bar redrawn at most four times a second; otherwise a
   * line every 15 seconds of wall-clock time.
   */
  static final class ProgressBar {
    private final PrintWriter err;
    private final boolean terminal;
    private final long started = System.nanoTime();
    private long lastDraw;
    private long lastEvents;
    private long lastEventsAt = started;
    private double rate;
    private boolean drawn;

    ProgressBar(PrintWriter err, boolean terminal) {
      this.err = err;
      this.terminal = terminal;
      this.lastDraw = started;
    }

    void update(long virtualMillis, long totalMillis, long events) {
      long now = System.nanoTime();
      long every = terminal ? 250_000_000L : 15_000_000_000L;
      if (now - lastDraw < every && virtualMillis < totalMillis) {
        return;
      }
      if (now > lastEventsAt) {
        rate = (events - lastEvents) / ((now - lastEventsAt) / 1e9);
      }
      lastEvents = events;
      lastEventsAt = now;
      lastDraw = now;
      double done = totalMillis == 0 ? 1 : (double) virtualMillis / totalMillis;
      String text = String.format(Locale.ROOT, "%s / %s virtual (%3.0f%%), %,.0f events/s",
          Durations.format(virtualMillis), Durations.format(totalMillis), 100 * done, rate);
      if (terminal) {
        int width = 30;
        int filled = (int) Math.round(done * width);
        err.print("\r[" + "#".repeat(filled) + ".".repeat(width - filled) + "] " + text + "  ");
        drawn = true;
      } else {
        err.println("sim: " + text);
      }
      err.flush();
    }

    void done() {
      if (drawn) {
        err.println();
        err.flush();
        drawn = false;
      }
    }
  }
}
