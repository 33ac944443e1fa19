package org.openvoip.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.LongFunction;
import org.openvoip.analysis.overlays.ComparisonReport;
import org.openvoip.analysis.overlays.OverlayComparison;
import org.openvoip.p2pp.overlay.Overlays;
import org.openvoip.sim.churn.Distribution;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(
    name = "compare",
    description = "Run the overlays side by side in the simulator, over a grid of sizes and "
        + "median session times, with one seed; write results.csv, results.md and PNG plots "
        + "(lookup success, latency p50/p99, hops, bytes per node per second against the median"
        + " session time) to --out. Progress goes to stderr.")
final class CompareCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @picocli.CommandLine.Mixin OverlayOptions overlayOptions;

  @Option(names = "--overlays", split = ",", defaultValue = "chord,kademlia,bamboo",
      paramLabel = "NAME", description = "Overlays to compare (default: ${DEFAULT-VALUE}).")
  List<String> overlays;

  @Option(names = "--nodes", split = ",", defaultValue = "1000", paramLabel = "N",
      description = "Overlay sizes (default: ${DEFAULT-VALUE}).")
  List<Integer> nodes;

  @Option(names = "--session-median", split = ",", defaultValue = "1.4m,10m,60m,180m",
      paramLabel = "DURATION", description = "Median session times, or 'none' for a run "
      + "without churn (default: ${DEFAULT-VALUE}).")
  List<String> sessionMedians;

  @Option(names = "--seed", defaultValue = "1", description = "Seed of every run "
      + "(default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--duration", defaultValue = "30m", converter = Durations.Converter.class,
      paramLabel = "DURATION", description = "Measured virtual time of each run, after joining"
      + " and stabilization (default: ${DEFAULT-VALUE}).")
  long durationMillis;

  @Option(names = "--republish", converter = Durations.Converter.class, paramLabel = "DURATION",
      description = "Publish the objects again this often in every run (default: never).")
  Long republishMillis;

  @Option(names = "--lookups-per-second", defaultValue = "10", description = "Lookup rate of "
      + "each run (default: ${DEFAULT-VALUE}).")
  double lookupsPerSecond;

  @picocli.CommandLine.Mixin ChurnModelOptions churnModel;

  @Option(names = "--jobs", description = "Runs at a time (default: the number of cores; each"
      + " run uses one).")
  Integer jobs;

  @Option(names = "--from", split = ",", paramLabel = "CSV", description = "Run nothing: draw"
      + " the tables and plots again from results.csv files of earlier runs (several grids "
      + "together, e.g. one per size); the grid options are then ignored.")
  List<Path> from;

  @Option(names = "--out", required = true, paramLabel = "DIR",
      description = "Directory for the results (created if missing).")
  Path out;

  @Override
  public Integer call() {
    if (from != null) {
      return redraw();
    }
    OverlayComparison.Grid grid = grid();
    int parallel = jobs != null ? jobs : Runtime.getRuntime().availableProcessors();
    PrintWriter err = spec.commandLine().getErr();
    int total = grid.cells().size();
    err.printf(Locale.ROOT, "compare: %d runs (%s x %s nodes x sessions %s), %d at a time%n",
        total, String.join(",", overlays), join(nodes), String.join(",", sessionMedians),
        parallel);
    err.flush();
    Progress progress = new Progress(err, System.console() != null);
    List<OverlayComparison.Result> results;
    try {
      results = OverlayComparison.run(grid, parallel, progress);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println("openvoip sim compare: interrupted");
      return 1;
    } catch (RuntimeException e) {
      err.println("openvoip sim compare: " + e.getMessage() + " (seed " + seed + ")");
      return 1;
    }
    try {
      ComparisonReport.writeTables(out, grid, results, command());
    } catch (IOException e) {
      err.println("openvoip sim compare: cannot write to " + out + ": " + e.getMessage());
      return 1;
    }
    return plots(results);
  }

  /** Tables and plots from earlier runs' CSV files. */
  private int redraw() {
    PrintWriter err = spec.commandLine().getErr();
    List<OverlayComparison.Result> results = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (Path f : from) {
      try {
        results.addAll(ComparisonReport.readCsv(f));
      } catch (IOException e) {
        throw new ParameterException(spec.commandLine(), "cannot read --from " + f + ": "
            + e.getMessage());
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "bad --from: " + e.getMessage());
      }
      names.add(f.toString());
    }
    List<String> command = new ArrayList<>(List.of("./openvoip", "sim", "compare", "--from",
        String.join(",", names), "--out", out.toString()));
    try {
      ComparisonReport.writeTables(out, "Drawn again from " + String.join(" and ", names)
          + ": each run with the seed, duration and settings it ran with.", results,
          String.join(" ", command));
    } catch (IOException e) {
      err.println("openvoip sim compare: cannot write to " + out + ": " + e.getMessage());
      return 1;
    }
    return plots(results);
  }

  private int plots(List<OverlayComparison.Result> results) {
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter stdout = spec.commandLine().getOut();
    try {
      ComparisonReport.writePlots(out, results);
    } catch (IOException e) {
      err.println("openvoip sim compare: cannot write the plots to " + out + ": "
          + e.getMessage());
      return 1;
    } catch (RuntimeException | Error e) {
      // Java2D without fonts fails here: the tables are written, the plots are not.
      err.println("openvoip sim compare: the tables are in " + out + " but the plots failed ("
          + e + "); Java needs fontconfig and a font to draw text, e.g. on Debian: apt-get "
          + "install fontconfig fonts-dejavu-core");
      return 1;
    }
    for (String f : ComparisonReport.FILES) {
      stdout.println(out.resolve(f));
    }
    stdout.flush();
    return 0;
  }

  private String command() {
    List<String> words = new ArrayList<>(List.of("./openvoip", "sim", "compare"));
    words.addAll(List.of("--nodes", join(nodes), "--session-median",
        String.join(",", sessionMedians), "--overlays", String.join(",", overlays), "--seed",
        Long.toString(seed), "--duration", ComparisonReport.duration(durationMillis)));
    if (lookupsPerSecond != 10) {
      words.addAll(List.of("--lookups-per-second", ComparisonReport.number(lookupsPerSecond)));
    }
    if (!churnModel.model.equals("exponential")) {
      words.addAll(List.of("--churn-model", churnModel.model));
    }
    if (republishMillis != null) {
      words.addAll(List.of("--republish", ComparisonReport.duration(republishMillis)));
    }
    return String.join(" ", words) + overlayOptions.asArguments();
  }

  private static String join(List<Integer> xs) {
    List<String> s = new ArrayList<>();
    xs.forEach(x -> s.add(Integer.toString(x)));
    return String.join(",", s);
  }

  private OverlayComparison.Grid grid() {
    for (String o : overlays) {
      if (!Overlays.names().contains(o)) {
        throw new ParameterException(spec.commandLine(), "unknown overlay '" + o + "'; known: "
            + String.join(", ", Overlays.names()));
      }
    }
    for (int n : nodes) {
      if (n < 2) {
        throw new ParameterException(spec.commandLine(), "--nodes must be at least 2, not " + n);
      }
    }
    List<Long> medians = new ArrayList<>();
    for (String m : sessionMedians) {
      if (m.equals("none")) {
        medians.add(0L);
        continue;
      }
      try {
        medians.add(Durations.parseMillis(m));
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "--session-median: " + e.getMessage());
      }
    }
    if (durationMillis <= 0) {
      throw new ParameterException(spec.commandLine(), "--duration must be positive");
    }
    if (!(lookupsPerSecond >= 0) || Double.isInfinite(lookupsPerSecond)) {
      throw new ParameterException(spec.commandLine(),
          "--lookups-per-second must be a number >= 0, not " + lookupsPerSecond);
    }
    if (jobs != null && jobs < 1) {
      throw new ParameterException(spec.commandLine(), "--jobs must be at least 1");
    }
    churnModel.check();
    LongFunction<Distribution> sessions = churnModel::distribution;
    if (republishMillis != null && republishMillis <= 0) {
      throw new ParameterException(spec.commandLine(), "--republish must be positive");
    }
    overlays.forEach(overlayOptions::config); // each overlay can run the options given
    return new OverlayComparison.Grid(overlayOptions.config(overlays.get(0)), overlays, nodes,
        medians, seed, durationMillis, lookupsPerSecond, churnModel.model, sessions,
        republishMillis == null ? 0 : republishMillis);
  }

  /** One line per finished run; a status line of the runs in progress every so often. */
  static final class Progress implements OverlayComparison.Listener {
    private final PrintWriter err;
    private final long every;
    private final long started = System.nanoTime();
    private long lastStatus = System.nanoTime();
    private final Map<OverlayComparison.Cell, Double> running = new LinkedHashMap<>();

    Progress(PrintWriter err, boolean terminal) {
      this.err = err;
      this.every = terminal ? 5_000_000_000L : 30_000_000_000L;
    }

    private static String name(OverlayComparison.Cell c) {
      return String.format(Locale.ROOT, "%s, %d nodes, sessions %s", c.overlay(), c.nodes(),
          ComparisonReport.median(c.sessionMedianMillis()));
    }

    @Override
    public void progress(OverlayComparison.Cell cell, long virtualMillis, long total) {
      running.put(cell, total == 0 ? 1.0 : (double) virtualMillis / total);
      long now = System.nanoTime();
      if (now - lastStatus >= every) {
        lastStatus = now;
        List<String> parts = new ArrayList<>();
        running.forEach((c, f) -> parts.add(String.format(Locale.ROOT, "%s %.0f%%", name(c),
            100 * f)));
        err.printf(Locale.ROOT, "compare: %s elapsed; running: %s%n",
            Durations.format((now - started) / 1_000_000), String.join("; ", parts));
        err.flush();
      }
    }

    @Override
    public void finished(OverlayComparison.Result r, int done, int total) {
      running.remove(r.cell());
      var s = r.report();
      err.printf(Locale.ROOT, "compare: [%d/%d] %s: success %.5f, p50 %d ms, p99 %d ms, "
          + "%.2f hops, %.0f B/node/s (%s)%n", done, total, name(r.cell()), s.successRatio(),
          s.latencyP50Millis(), s.latencyP99Millis(), s.meanHops(), s.bytesPerNodePerSecond(),
          Durations.format(s.wallMillis()));
      err.flush();
    }
  }
}
