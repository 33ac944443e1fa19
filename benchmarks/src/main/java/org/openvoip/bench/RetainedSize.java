package org.openvoip.bench;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.openjdk.jol.info.GraphLayout;
import org.openjdk.jol.util.Multiset;
import org.openvoip.p2pp.wire.Examples;
import org.openvoip.p2pp.wire.Message;
import org.openvoip.p2pp.wire.WireDecoder;
import org.openvoip.p2pp.wire.WireEncoder;

/**
 * The heap the benchmarked messages themselves occupy, to set against JMH's
 * {@code gc.alloc.rate.norm}: what a decode or encode allocates beyond its result is garbage.
 *
 * <p>For a decode, the result is the decoded {@link Message} graph, counting only the objects
 * that decode created: enum constants, {@code Bytes.EMPTY}, empty immutable lists and other shared
 * constants are excluded by decoding twice and keeping what the two graphs do not share. For an
 * encode, the result is the byte array.
 *
 * <p>Run in a JVM with the benchmark's defaults (same heap sizing, so the same compressed oops and
 * alignment). JOL needs to attach to its own JVM to read record fields' offsets:
 *
 * <pre>
 * java -Djdk.attach.allowAttachSelf=true -cp benchmarks/target/benchmarks.jar \
 *     org.openvoip.bench.RetainedSize [-v]
 * </pre>
 *
 * {@code -v} adds a per-class breakdown.
 */
public final class RetainedSize {
  private RetainedSize() {}

  public static void main(String[] args) throws Exception {
    boolean verbose = args.length > 0 && args[0].equals("-v");
    WireDecoder decoder = new WireDecoder(WireCodecBenchmark.ID_LENGTH);
    Map<String, Message> messages = new LinkedHashMap<>();
    messages.put("Join", Examples.joinRequest());
    messages.put("Publish1k", Examples.publishRequest(WireCodecBenchmark.value1k()));
    messages.put("LookupPeerResponse20", Examples.lookupPeerResponse(20));

    System.out.printf("%-22s %9s %9s %13s %13s%n", "message", "wire B", "objects", "decoded B",
        "encoded B");
    for (Map.Entry<String, Message> e : messages.entrySet()) {
      byte[] wire = WireEncoder.encode(e.getValue());
      Message a = decoder.decode(wire);
      Message b = decoder.decode(wire);
      // One walk over both graphs, so object identities are consistent; a's own objects are
      // those in the union that b's graph does not reach.
      GraphLayout both = GraphLayout.parseInstance(a, b);
      GraphLayout onlyB = GraphLayout.parseInstance(b);
      long size = both.totalSize() - onlyB.totalSize();
      long count = both.totalCount() - onlyB.totalCount();
      long encoded = GraphLayout.parseInstance((Object) WireEncoder.encode(e.getValue())).totalSize();
      System.out.printf("%-22s %9d %9d %13d %13d%n", e.getKey(), wire.length, count, size, encoded);
      if (verbose) {
        Multiset<Class<?>> counts = both.getClassCounts();
        Multiset<Class<?>> sizes = both.getClassSizes();
        Multiset<Class<?>> countsB = onlyB.getClassCounts();
        Multiset<Class<?>> sizesB = onlyB.getClassSizes();
        both.getClasses().stream()
            .sorted(Comparator.comparing(Class::getName))
            .forEach(c -> {
              long n = counts.count(c) - countsB.count(c);
              if (n > 0) {
                System.out.printf("    %6d x %-60s %8d B%n", n, c.getName(),
                    sizes.count(c) - sizesB.count(c));
              }
            });
      }
    }
  }
}
