package org.openvoip.analysis.overlays;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogarithmicAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.openvoip.p2pp.overlay.Overlays;
import org.openvoip.sim.SimReport;

/**
 * Writes the comparison's results: {@code results.csv} (one line per run, every figure),
 * {@code results.md} (a Markdown table) and four PNG plots against the median session time
 * (lookup success, latency p50 and p99, hops, bytes per node per second), one line per overlay
 * and size. Runs without churn appear in the files but not on the plots' session-time axis.
 */
public final class ComparisonReport {
  /** The files written, in order. */
  public static final List<String> FILES = List.of("results.csv", "results.md", "success.png",
      "latency.png", "hops.png", "bytes.png");

  private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xd62728),
      new Color(0x2ca02c), new Color(0xff7f0e), new Color(0x9467bd), new Color(0x8c564b)};

  private ComparisonReport() {}

  /** A median session time for people: 1.4m, 10m, 3h; "none" for no churn. */
  public static String median(long millis) {
    return millis <= 0 ? "none" : duration(millis);
  }

  /** A duration as people write it: 3h, 10m, 30s, 1.4m. */
  public static String duration(long millis) {
    if (millis > 0 && millis % 3_600_000 == 0) {
      return millis / 3_600_000 + "h";
    }
    if (millis % 60_000 == 0) {
      return millis / 60_000 + "m";
    }
    if (millis % 1000 == 0 && millis < 60_000) {
      return millis / 1000 + "s";
    }
    return String.format(Locale.ROOT, "%.1fm", millis / 60_000.0);
  }

  /** A number without a needless ".0". */
  public static String number(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }

  /** Writes the CSV and Markdown tables. */
  public static void writeTables(Path dir, OverlayComparison.Grid grid,
      List<OverlayComparison.Result> results, String command) throws IOException {
    writeTables(dir, String.format(Locale.ROOT, "Seed %d, %s measured per run after joining and "
        + "stabilization, %s lookups per second (half LookupPeer, half LookupObject), %s "
        + "session and down-times of the same median. Every overlay with KeepAlive every %s, "
        + "neighbour maintenance every %s, routing maintenance every %s, replication every %s, "
        + "%s; lookups %s, alpha = %d; Kademlia k = %d, Bamboo b = %d. %s",
        grid.seed(), duration(grid.durationMillis()),
        number(grid.lookupsPerSecond()), grid.churnModel(),
        duration(grid.base().keepAliveMillis()), duration(grid.base().neighborMaintenanceMillis()),
        duration(grid.base().routingMaintenanceMillis()), duration(grid.base().replicationMillis()),
        copies(grid), grid.base().recursive() ? "recursive" : "iterative",
        grid.base().parallelism(), grid.base().bucketSize(), grid.base().digitBits(),
        grid.republishMillis() > 0
            ? "Objects are published again every " + duration(grid.republishMillis()) + "."
            : "Objects are published once, before the measured period, and never refreshed."),
        results, command);
  }

  /** "r = 3 copies", or each overlay's r where they differ (Kademlia's default is its k). */
  static String copies(OverlayComparison.Grid grid) {
    Map<Integer, List<String>> byR = new java.util.TreeMap<>();
    for (String o : grid.overlays()) {
      int r = Overlays.resolve(
          grid.base().toBuilder().algorithm(o).build()).replicas();
      byR.computeIfAbsent(r, k -> new ArrayList<>()).add(o);
    }
    if (byR.size() == 1) {
      return "r = " + byR.keySet().iterator().next() + " copies";
    }
    List<String> parts = new ArrayList<>();
    byR.forEach((r, os) -> parts.add(String.join(" and ", os) + " r = " + r));
    return String.join(", ", parts) + " copies";
  }

  /** Writes the CSV and Markdown tables, with a line that says how the runs were set up. */
  public static void writeTables(Path dir, String setup, List<OverlayComparison.Result> results,
      String command) throws IOException {
    Files.createDirectories(dir);
    StringBuilder csv = new StringBuilder("overlay,nodes,session_median_s,seed,duration_s,"
        + "lookups,succeeded,wrong,failed,abandoned,success_ratio,peer_lookup_success,"
        + "object_lookup_success,latency_p50_ms,latency_p90_ms,"
        + "latency_p99_ms,latency_mean_ms,mean_hops,bytes_per_node_per_s,"
        + "idle_bytes_per_node_per_s,objects,objects_at_owner_mean,objects_at_owner_min,"
        + "objects_lost,crashes,restarts,join_failures,live_nodes_at_end,events,fingerprint\n");
    for (OverlayComparison.Result r : results) {
      SimReport s = r.report();
      csv.append(String.format(Locale.ROOT,
          "%s,%d,%.1f,%d,%.0f,%d,%d,%d,%d,%d,%.6f,%.6f,%.6f,%d,%d,%d,%.3f,%.3f,%.3f,%.3f,%d,%.4f,"
          + "%.4f,%d,%d,"
          + "%d,%d,%d,%d,%s%n",
          s.overlay(), s.nodes(), r.cell().sessionMedianMillis() / 1000.0, s.seed(),
          s.durationMillis() / 1000.0, s.lookupsIssued(), s.lookupsSucceeded(), s.lookupsWrong(),
          s.lookupsFailed(), s.lookupsAbandoned(), s.successRatio(), s.peerLookupSuccess(),
          s.objectLookupSuccess(), s.latencyP50Millis(), s.latencyP90Millis(), s.latencyP99Millis(), s.latencyMeanMillis(), s.meanHops(), s.bytesPerNodePerSecond(),
          s.idleBytesPerNodePerSecond(), s.objectsPublished(), s.objectsAtOwnerMean(),
          s.objectsAtOwnerMin(), s.objectsLost(), s.crashes(), s.restarts(), s.joinFailures(),
          s.liveNodesAtEnd(), s.eventsExecuted(), s.fingerprint()));
    }
    Files.writeString(dir.resolve("results.csv"), csv, StandardCharsets.UTF_8);

    StringBuilder md = new StringBuilder();
    md.append("# Overlay comparison\n\n");
    md.append("`").append(command).append("`\n\n");
    md.append(setup).append("\n\n");
    md.append("| nodes | median session | overlay | lookups | success | LookupPeer | "
        + "LookupObject | wrong | failed | p50 ms | p99 ms | mean ms | hops | bytes/node/s "
        + "| objects at owner | lost |\n");
    md.append("|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
        + "\n");
    for (OverlayComparison.Result r : results) {
      SimReport s = r.report();
      md.append(String.format(Locale.ROOT, "| %d | %s | %s | %d | %.4f%% | %.4f%% | %.4f%% | %d "
          + "| %d | %d | %d | %.0f | %.2f | %.0f | %.1f%% (min %.1f%%) | %d |%n", s.nodes(),
          median(r.cell().sessionMedianMillis()), s.overlay(), s.lookupsIssued(),
          100 * s.successRatio(), 100 * s.peerLookupSuccess(), 100 * s.objectLookupSuccess(),
          s.lookupsWrong(), s.lookupsFailed(), s.latencyP50Millis(),
          s.latencyP99Millis(), s.latencyMeanMillis(), s.meanHops(), s.bytesPerNodePerSecond(),
          100 * s.objectsAtOwnerMean(), 100 * s.objectsAtOwnerMin(), s.objectsLost()));
    }
    md.append("\nSuccess: all lookups; LookupPeer: those that found the key's owner (routing "
        + "consistency); LookupObject: those that brought a published object back. ");
    md.append("Wrong: the lookup ended at a peer that was not the key's owner by ground truth;"
        + " failed: no answer within the lookup timeout. Lookups whose issuing node crashed "
        + "before the answer are abandoned: counted in lookups, left out of the ratios. Bytes: all P2PP traffic a node sent "
        + "during the measured period (maintenance, lookups, replication), averaged over all "
        + "nodes. Objects at owner: the share of the published objects that their owner by "
        + "ground truth held, checked each minute (mean, and the lowest); lost: held by no "
        + "online node at the end.\n");
    Files.writeString(dir.resolve("results.md"), md, StandardCharsets.UTF_8);
  }

  /**
   * Reads the runs back from {@code results.csv} files this class wrote, in file order, for
   * tables and plots drawn again (or of several grids together) without running anything.
   * Fields the CSV does not carry are zero.
   *
   * @throws IllegalArgumentException naming the file and line when a line does not parse
   */
  public static List<OverlayComparison.Result> readCsv(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    if (lines.isEmpty()) {
      throw new IllegalArgumentException(file + ": empty, not a results.csv");
    }
    List<String> header = List.of(lines.get(0).split(","));
    for (String needed : List.of("overlay", "nodes", "session_median_s", "seed", "duration_s",
        "success_ratio", "latency_p50_ms", "latency_p99_ms", "mean_hops",
        "bytes_per_node_per_s", "fingerprint")) {
      if (!header.contains(needed)) {
        throw new IllegalArgumentException(file + ": no column '" + needed
            + "', not a results.csv of openvoip sim compare");
      }
    }
    List<OverlayComparison.Result> out = new ArrayList<>();
    for (int n = 1; n < lines.size(); n++) {
      if (lines.get(n).isBlank()) {
        continue;
      }
      String[] f = lines.get(n).split(",", -1);
      if (f.length != header.size()) {
        throw new IllegalArgumentException(file + " line " + (n + 1) + ": " + f.length
            + " fields, the header has " + header.size());
      }
      Map<String, String> v = new LinkedHashMap<>();
      for (int i = 0; i < f.length; i++) {
        v.put(header.get(i), f[i]);
      }
      try {
        out.add(result(v));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(file + " line " + (n + 1) + ": " + e.getMessage());
      }
    }
    return out;
  }

  private static OverlayComparison.Result result(Map<String, String> v) {
    long medianMillis = Math.round(1000 * d(v, "session_median_s"));
    int nodes = (int) l(v, "nodes");
    SimReport s = new SimReport(v.get("overlay"), nodes, l(v, "seed"),
        Math.round(1000 * d(v, "duration_s")), medianMillis > 0 ? "sessions of median "
        + median(medianMillis) : "none", l(v, "lookups"), l(v, "succeeded"), l(v, "wrong"),
        l(v, "failed"), l(v, "abandoned"), d(v, "success_ratio"), d(v, "peer_lookup_success"),
        d(v, "object_lookup_success"), l(v, "latency_p50_ms"), l(v, "latency_p90_ms"),
        l(v, "latency_p99_ms"), d(v, "latency_mean_ms"), d(v, "mean_hops"),
        d(v, "bytes_per_node_per_s"), d(v, "idle_bytes_per_node_per_s"), (int) l(v, "objects"),
        d(v, "objects_at_owner_mean"), d(v, "objects_at_owner_min"), (int) l(v, "objects_lost"),
        l(v, "crashes"), 0, l(v, "restarts"), (int) l(v, "live_nodes_at_end"),
        l(v, "join_failures"), l(v, "events"), 0, 0, 0, v.get("fingerprint"));
    return new OverlayComparison.Result(
        new OverlayComparison.Cell(s.overlay(), nodes, medianMillis), s);
  }

  private static double d(Map<String, String> v, String column) {
    String x = v.get(column);
    return x == null || x.isEmpty() ? 0 : Double.parseDouble(x);
  }

  private static long l(Map<String, String> v, String column) {
    String x = v.get(column);
    return x == null || x.isEmpty() ? 0 : Long.parseLong(x);
  }

  /**
   * Writes the four plots.
   *
   * @throws java.awt.AWTError or a RuntimeException from Java2D when the JVM finds no fonts
   *     (install fontconfig and a font, e.g. Debian's fonts-dejavu-core)
   */
  public static void writePlots(Path dir, List<OverlayComparison.Result> results)
      throws IOException {
    System.setProperty("java.awt.headless", "true");
    Files.createDirectories(dir);
    plot(dir.resolve("success.png"), "Lookup success: LookupPeer (solid), all lookups (dashed)",
        "lookups that succeeded (%)", results, s -> 100 * s.peerLookupSuccess(),
        s -> 100 * s.successRatio());
    plot(dir.resolve("latency.png"), "Lookup latency: p50 (solid) and p99 (dashed)",
        "milliseconds", results, s -> s.latencyP50Millis(), s -> s.latencyP99Millis());
    plot(dir.resolve("hops.png"), "Mean hops per successful lookup", "hops", results,
        SimReport::meanHops, null);
    plot(dir.resolve("bytes.png"), "Traffic per node", "bytes per node per second", results,
        SimReport::bytesPerNodePerSecond, null);
  }

  private static void plot(Path file, String title, String yLabel,
      List<OverlayComparison.Result> results, ToDoubleFunction<SimReport> y,
      ToDoubleFunction<SimReport> dashed) throws IOException {
    Map<String, List<OverlayComparison.Result>> lines = new LinkedHashMap<>();
    for (OverlayComparison.Result r : results) {
      if (r.cell().sessionMedianMillis() > 0) {
        lines.computeIfAbsent(r.cell().overlay() + ", " + r.cell().nodes() + " nodes",
            k -> new ArrayList<>()).add(r);
      }
    }
    XYSeriesCollection data = new XYSeriesCollection();
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
    int series = 0;
    int line = 0;
    for (Map.Entry<String, List<OverlayComparison.Result>> e : lines.entrySet()) {
      Color color = COLORS[line++ % COLORS.length];
      XYSeries s = new XYSeries(e.getKey());
      XYSeries second = new XYSeries(e.getKey() + " (dashed)");
      for (OverlayComparison.Result r : e.getValue()) {
        double x = r.cell().sessionMedianMillis() / 60_000.0;
        s.add(x, y.applyAsDouble(r.report()));
        if (dashed != null) {
          second.add(x, dashed.applyAsDouble(r.report()));
        }
      }
      data.addSeries(s);
      renderer.setSeriesPaint(series, color);
      renderer.setSeriesStroke(series, new BasicStroke(2f));
      series++;
      if (dashed != null) {
        data.addSeries(second);
        renderer.setSeriesPaint(series, color);
        renderer.setSeriesStroke(series, new BasicStroke(2f, BasicStroke.CAP_BUTT,
            BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
        renderer.setSeriesVisibleInLegend(series, false);
        series++;
      }
    }
    JFreeChart chart = ChartFactory.createXYLineChart(title, "median session time (minutes)",
        yLabel, data, PlotOrientation.VERTICAL, true, false, false);
    XYPlot p = chart.getXYPlot();
    LogarithmicAxis x = new LogarithmicAxis("median session time (minutes, log scale)");
    x.setStrictValuesFlag(false);
    double lo = Double.MAX_VALUE;
    double hi = 0;
    for (List<OverlayComparison.Result> rs : lines.values()) {
      for (OverlayComparison.Result r : rs) {
        lo = Math.min(lo, r.cell().sessionMedianMillis() / 60_000.0);
        hi = Math.max(hi, r.cell().sessionMedianMillis() / 60_000.0);
      }
    }
    if (hi > 0) {
      x.setRange(lo / 1.5, hi * 1.5);
    }
    p.setDomainAxis(x);
    ((NumberAxis) p.getRangeAxis()).setAutoRangeIncludesZero(false);
    p.setRenderer(renderer);
    p.setBackgroundPaint(Color.WHITE);
    p.setDomainGridlinePaint(Color.LIGHT_GRAY);
    p.setRangeGridlinePaint(Color.LIGHT_GRAY);
    chart.setBackgroundPaint(Color.WHITE);
    ChartUtils.saveChartAsPNG(file.toFile(), chart, 900, 560);
  }
}
