package org.openvoip.sim.churn;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Sessions replayed from a measured trace: a CSV with one session per line,
 * {@code node,join,leave}, times in seconds from the start of the measured phase (decimals allowed; an empty or
 * {@code inf} leave means the session lasts to the end). A node may have several sessions; it keeps
 * its identity across them, and the gaps between them are its down-times. Lines starting with
 * {@code #}, blank lines and a header line ({@code node,join,leave}) are skipped.
 *
 * <p>Trace nodes are numbered in the order they first appear, and trace node k drives simulated
 * node k + 1 (node 0, the bootstrap server, never churns); simulated nodes beyond the trace stay
 * up.
 */
public final class ChurnTrace {
  /** One session, in milliseconds from the start of the measured phase; end may be MAX_VALUE. */
  public record Session(long startMillis, long endMillis) {}

  private final String source;
  private final List<String> names;
  private final List<List<Session>> sessions;

  private ChurnTrace(String source, List<String> names, List<List<Session>> sessions) {
    this.source = source;
    this.names = names;
    this.sessions = sessions;
  }

  /** Reads a trace file; a malformed one gives an error naming the line and what is wrong. */
  public static ChurnTrace read(Path file) throws IOException {
    return parse(file.getFileName().toString(),
        Files.readAllLines(file, StandardCharsets.UTF_8));
  }

  /**
   * Parses the lines of a trace.
   *
   * @throws IllegalArgumentException naming the first bad line and what is wrong with it
   */
  public static ChurnTrace parse(String source, List<String> lines) {
    Map<String, List<Session>> byNode = new LinkedHashMap<>();
    for (int n = 0; n < lines.size(); n++) {
      String line = lines.get(n).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split(",", -1);
      String where = source + " line " + (n + 1) + ": ";
      if (f.length != 3) {
        throw new IllegalArgumentException(where + "expected node,join,leave but found "
            + f.length + " field(s): " + line);
      }
      String node = f[0].strip();
      if (byNode.isEmpty() && isHeader(f)) {
        continue;
      }
      if (node.isEmpty()) {
        throw new IllegalArgumentException(where + "the node name is empty");
      }
      long start = seconds(f[1], where + "join time");
      String leave = f[2].strip();
      long end = leave.isEmpty() || leave.equalsIgnoreCase("inf") ? Long.MAX_VALUE
          : seconds(leave, where + "leave time");
      if (end <= start) {
        throw new IllegalArgumentException(where + "the leave time must be after the join time");
      }
      byNode.computeIfAbsent(node, k -> new ArrayList<>()).add(new Session(start, end));
    }
    if (byNode.isEmpty()) {
      throw new IllegalArgumentException(source + ": the trace holds no session");
    }
    List<String> names = new ArrayList<>(byNode.keySet());
    List<List<Session>> sessions = new ArrayList<>();
    for (String name : names) {
      List<Session> s = new ArrayList<>(byNode.get(name));
      s.sort((a, b) -> Long.compare(a.startMillis(), b.startMillis()));
      for (int i = 1; i < s.size(); i++) {
        if (s.get(i).startMillis() < s.get(i - 1).endMillis()) {
          throw new IllegalArgumentException(source + ": node " + name
              + " has overlapping sessions (one starts at " + s.get(i).startMillis() / 1000.0
              + " s, before the previous one ends)");
        }
      }
      sessions.add(List.copyOf(s));
    }
    return new ChurnTrace(source, List.copyOf(names), List.copyOf(sessions));
  }

  private static boolean isHeader(String[] f) {
    try {
      Double.parseDouble(f[1].strip());
      return false;
    } catch (NumberFormatException e) {
      return true;
    }
  }

  private static long seconds(String text, String what) {
    double s;
    try {
      s = Double.parseDouble(text.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(what + " is not a number of seconds: '" + text.strip()
          + "'");
    }
    if (!(s >= 0) || Double.isInfinite(s) || s > 1e12) {
      throw new IllegalArgumentException(what + " must be between 0 and 10^12 seconds, not "
          + text.strip());
    }
    return Math.round(s * 1000);
  }

  /** Number of distinct nodes in the trace. */
  public int nodes() {
    return names.size();
  }

  /** The name trace node {@code k} has in the file. */
  public String name(int k) {
    return names.get(k);
  }

  /** The sessions of trace node {@code k}, in time order. */
  public List<Session> sessions(int k) {
    return sessions.get(k);
  }

  public String describe() {
    int count = 0;
    for (List<Session> s : sessions) {
      count += s.size();
    }
    return String.format(Locale.ROOT, "trace %s (%d nodes, %d sessions)", source, nodes(), count);
  }
}
