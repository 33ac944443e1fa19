package org.openvoip.analysis.overlays;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.LongFunction;
import org.openvoip.p2pp.node.OverlayConfig;
import org.openvoip.sim.Experiment;
import org.openvoip.sim.SimReport;
import org.openvoip.sim.churn.Distribution;

/**
 * The overlay comparison: every overlay, at every size, under every churn rate, each run in the
 * simulator with the same seed, so that the overlays of one row of the grid face the same churn
 * events and the same lookups. Runs are independent and deterministic; {@code jobs} of them run
 * at a time on their own threads, which changes nothing but the wall-clock time.
 */
public final class OverlayComparison {

  /**
   * The grid.
   *
   * @param base the overlay configuration of every run but its algorithm (timers, replicas)
   * @param sessionMediansMillis median session times; 0 for a run without churn
   * @param sessions the session (and down-time) distribution for a median
   * @param republishMillis how often each run publishes its objects again (0: never)
   */
  public record Grid(OverlayConfig base, List<String> overlays, List<Integer> nodes,
      List<Long> sessionMediansMillis,
      long seed, long durationMillis, double lookupsPerSecond, String churnModel,
      LongFunction<Distribution> sessions, long republishMillis) {
    public Grid {
      if (overlays.isEmpty() || nodes.isEmpty() || sessionMediansMillis.isEmpty()) {
        throw new IllegalArgumentException("the grid needs overlays, sizes and session times");
      }
      overlays = List.copyOf(overlays);
      nodes = List.copyOf(nodes);
      sessionMediansMillis = List.copyOf(sessionMediansMillis);
    }

    /** The runs, by size, then session time, then overlay. */
    public List<Cell> cells() {
      List<Cell> out = new ArrayList<>();
      for (int n : nodes) {
        for (long m : sessionMediansMillis) {
          for (String o : overlays) {
            out.add(new Cell(o, n, m));
          }
        }
      }
      return out;
    }

    Experiment.Config config(Cell c) {
      OverlayConfig oc = base.toBuilder().algorithm(c.overlay()).build();
      Experiment.Config x = Experiment.Config.of(oc, c.nodes(), seed, durationMillis)
          .withLookupsPerSecond(lookupsPerSecond).withRepublish(republishMillis);
      if (c.sessionMedianMillis() > 0) {
        x = x.withChurn(sessions.apply(c.sessionMedianMillis()), null, 0);
      }
      return x;
    }
  }

  /** One run of the grid: an overlay, a size, a median session time (0: no churn). */
  public record Cell(String overlay, int nodes, long sessionMedianMillis) {}

  /** A finished run. */
  public record Result(Cell cell, SimReport report) {}

  /** Told as runs progress; called from the runs' threads, one call at a time. */
  public interface Listener {
    /** A run's virtual time advanced. */
    void progress(Cell cell, long virtualMillis, long totalVirtualMillis);

    /** A run finished. */
    void finished(Result result, int done, int total);
  }

  private OverlayComparison() {}

  /** Runs every cell of the grid, {@code jobs} at a time; results in the grid's order. */
  public static List<Result> run(Grid grid, int jobs, Listener listener)
      throws InterruptedException {
    List<Cell> cells = grid.cells();
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, jobs), r -> {
      Thread t = new Thread(r, "compare");
      t.setDaemon(true);
      return t;
    });
    int[] done = {0};
    try {
      List<Future<Result>> futures = new ArrayList<>();
      for (Cell c : cells) {
        futures.add(pool.submit(() -> {
          SimReport r = new Experiment(grid.config(c)).run((v, total, events) -> {
            synchronized (listener) {
              listener.progress(c, v, total);
            }
          });
          Result res = new Result(c, r);
          synchronized (listener) {
            listener.finished(res, ++done[0], cells.size());
          }
          return res;
        }));
      }
      List<Result> out = new ArrayList<>();
      for (Future<Result> f : futures) {
        try {
          out.add(f.get());
        } catch (ExecutionException e) {
          throw new IllegalStateException("a run failed: " + e.getCause().getMessage(),
              e.getCause());
        }
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }
}
