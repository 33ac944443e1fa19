package org.openvoip.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.channel.EventLoopGroup;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openvoip.net.NetNode;
import org.openvoip.p2pp.env.Endpoint;
import org.openvoip.p2pp.node.NodeConfig;
import org.openvoip.p2pp.node.OverlayConfig;
import org.openvoip.p2pp.overlay.PeerRef;
import org.openvoip.p2pp.wire.Bytes;
import org.openvoip.p2pp.wire.Examples;
import org.openvoip.p2pp.wire.MalformedMessageException;
import org.openvoip.p2pp.wire.Message;
import org.openvoip.p2pp.wire.WireDecoder;
import org.openvoip.p2pp.wire.WireEncoder;
import org.openvoip.p2pp.wire.WireObject.DataEntry;
import org.openvoip.p2pp.wire.WireObject.ResourceObject;
import org.openvoip.server.OverlayKinds;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(
    name = "demo",
    description = {
      "Run an overlay of real P2PP peers in this process, on 127.0.0.1 (UDP, free ports):",
      "a bootstrap server and the peers join, objects are published and looked up from random",
      "peers while some peers crash and later come back with their IDs. Prints a summary and,",
      "last, one JSON line: peers, lookups, succeeded, p50Ms, p99Ms, ..."
    },
    footer = {"", "Exit status: 0 if at least 99%% of the lookups found their object (and, with"
        + " --secure, every attack was refused), else 1; 2 usage error."})
final class DemoCommand implements Callable<Integer> {
  private static final int TYPE = ResourceObject.CONTENT_USER_INFO;
  private static final double REQUIRED = 0.99;
  private static final int IN_FLIGHT = 8;

  @Spec CommandSpec spec;

  @Option(names = "--peers", defaultValue = "50", paramLabel = "N",
      description = "Peers, the bootstrap server included (default: ${DEFAULT-VALUE}).")
  int peers;

  @Option(names = "--overlay", defaultValue = "chord", paramLabel = "ALGORITHM",
      description = "Overlay algorithm (default: ${DEFAULT-VALUE}).")
  String overlay;

  @Option(names = "--lookups", defaultValue = "1000", paramLabel = "N",
      description = "Lookups to run (default: ${DEFAULT-VALUE}).")
  int lookups;

  @Option(names = "--crashes", paramLabel = "N",
      description = "Peers that crash and later restart (default: peers / 16, at least 1).")
  Integer crashes;

  /** Which timers the overlay runs with. */
  enum Timers { loopback, draft }

  @Option(names = "--timers", defaultValue = "loopback", paramLabel = "KIND",
      description = "loopback: T0 100 ms, T2 1 s, neighbours checked every 0.5 s, so crashes are"
          + " noticed in seconds; draft: the draft's defaults (T0 500 ms, T2 5 s, 10 s/30 s"
          + " maintenance), lighter for large overlays (default: ${DEFAULT-VALUE}).")
  Timers timers;

  @Option(names = "--secure",
      description = "Run it secured: an enrollment server (started here) enrolls every peer"
          + " over TLS, links are DTLS and TLS with certificates, objects are signed; at the end"
          + " a rogue peer tries the attacks the security model must stop, and the summary"
          + " shows each one refused.")
  boolean secure;

  @Option(names = "--seed", paramLabel = "S",
      description = "Seed for the peer IDs, keys and who asks what (default: random, printed).")
  Long seed;

  private PrintWriter out;
  private long started;
  private double joinSeconds;
  private long heapPerPeerBytes;

  /** One lookup's outcome. */
  private record Outcome(boolean ok, double millis, int hops, String failure) {}

  @Override
  public Integer call() throws Exception {
    if (peers < 2 || peers > 2000) {
      throw new ParameterException(spec.commandLine(), "--peers must be 2..2000, not " + peers);
    }
    if (lookups < 1 || lookups > 1_000_000) {
      throw new ParameterException(spec.commandLine(),
          "--lookups must be 1..1000000, not " + lookups);
    }
    int crash = crashes == null ? Math.max(1, peers / 16) : crashes;
    if (crash < 0 || crash > peers - 2) {
      throw new ParameterException(spec.commandLine(), "--crashes must be 0.." + (peers - 2)
          + " (the bootstrap server and one more peer stay up), not " + crash);
    }
    OverlayConfig base = NetSupport.overlay(spec, overlay);
    OverlayConfig oc = timers == Timers.loopback ? NetSupport.loopback(base) : base;
    long s = seed != null ? seed : new SecureRandom().nextLong();
    out = spec.commandLine().getOut();
    started = System.nanoTime();

    if (!wireCheck()) {
      return 1;
    }
    out.printf("overlay: %s, %d peers on 127.0.0.1, %d lookups, %d crashes and restarts,"
        + " seed %d%n", oc.algorithm(), peers, lookups, crash, s);
    out.flush();

    EventLoopGroup group = NetSupport.eventLoops(2);
    ExecutorService callbacks = NetSupport.callbacks();
    List<NetNode> nodes = new ArrayList<>();
    try {
      if (secure) {
        enrollment = SecureDemo.start(group, oc);
        out.printf("enrollment server at %s (TLS 1.3), CA SHA-256 fingerprint %s%n",
            NetSupport.endpoint(enrollment.address()), enrollment.fingerprint());
        out.flush();
      }
      return run(oc, s, crash, group, callbacks, nodes);
    } finally {
      for (NetNode n : nodes) {
        if (n != null) {
          n.close();
        }
      }
      if (enrollment != null) {
        enrollment.close();
      }
      NetSupport.shutdown(group, callbacks);
    }
  }

  private SecureDemo enrollment;
  private final List<SecureDemo.Member> members = new ArrayList<>();

  /** Objects of the secured demo are entries of the shared dictionary kind. */
  private int subType() {
    return secure ? OverlayKinds.SHARED.subType() : 0;
  }

  /** A short check that the wire codec round-trips the worked examples. */
  private boolean wireCheck() {
    List<Examples.Example> examples = Examples.all();
    int same = 0;
    for (Examples.Example example : examples) {
      byte[] bytes = WireEncoder.encode(example.message());
      try {
        Message decoded = new WireDecoder(WireDecoder.inferIdLength(bytes)).decode(bytes);
        if (Arrays.equals(bytes, WireEncoder.encode(decoded))) {
          same++;
        } else {
          out.println("wire: " + example.name() + " re-encodes differently");
        }
      } catch (MalformedMessageException e) {
        out.println("wire: " + example.name() + ": " + WireDecodeCommand.describe(e));
      }
    }
    out.printf("wire format: %d of %d example messages decode and re-encode to the same bytes%n",
        same, examples.size());
    return same == examples.size();
  }

  private String elapsed() {
    return String.format("%.1f s", (System.nanoTime() - started) / 1e9);
  }

  private Integer run(OverlayConfig oc, long s, int crash, EventLoopGroup group,
      ExecutorService callbacks, List<NetNode> nodes) throws Exception {
    SplittableRandom random = new SplittableRandom(s);
    List<Bytes> ids = new ArrayList<>();
    for (int i = 0; i < peers; i++) {
      byte[] b = new byte[oc.idLength()];
      random.nextBytes(b);
      ids.add(Bytes.of(b));
    }
    if (secure) {
      // 0. Every peer enrolls over TLS; the server assigns its node-ID.
      ids.clear();
      long t0 = System.nanoTime();
      for (int i = 0; i < peers; i++) {
        SecureDemo.Member m = enrollment.enroll("peer" + i + "@" + SecureDemo.OVERLAY);
        members.add(m);
        ids.add(m.identity.nodeId());
      }
      out.printf("enrolled %d peers over TLS in %.1f s (certificates signed by the overlay's"
          + " CA, Ed25519)%n", peers, (System.nanoTime() - t0) / 1e9);
      out.flush();
    }

    // 1. The bootstrap server starts the overlay; the peers join through it, one by one.
    Endpoint any = Endpoint.of("127.0.0.1", 0);
    NetNode boot = NetNode.start(group, new NodeConfig(ids.get(0), any, oc, null, true,
        secure ? members.get(0).security() : null), callbacks, random.split(),
        secure ? members.get(0).links() : null);
    nodes.add(boot);
    boot.node().join().get(10, TimeUnit.SECONDS);
    out.printf("bootstrap server %s at %s%n", boot.node().self().id().hex().substring(0, 8),
        boot.localEndpoint());
    long joinStart = System.nanoTime();
    int step = Math.max(1, (peers - 1) / 5);
    for (int i = 1; i < peers; i++) {
      NetNode n = startPeer(oc, i, ids.get(i), boot.localEndpoint(), group, callbacks, random);
      nodes.add(n);
      try {
        n.node().join().get(20, TimeUnit.SECONDS);
      } catch (Exception e) {
        return fail("peer " + i + " could not join: " + NetSupport.describe(e));
      }
      if (i % step == 0 || i == peers - 1) {
        out.printf("joined %d/%d peers (%s)%n", i + 1, peers, elapsed());
        out.flush();
      }
    }

    joinSeconds = (System.nanoTime() - joinStart) / 1e9;
    heapPerPeerBytes = heapPerPeer(peers);
    out.printf("all %d peers joined in %.1f s; heap after GC %.1f MiB, %.1f KiB per peer%n",
        peers, joinSeconds, heapPerPeerBytes * (double) peers / (1 << 20),
        heapPerPeerBytes / 1024.0);

    // 2. Objects: one per user, published by random peers.
    int objects = Math.max(10, Math.min(500, lookups / 10));
    List<Bytes> keys = new ArrayList<>();
    for (int k = 0; k < objects; k++) {
      Bytes key = NetSupport.resourceId("user" + k + "@demo.openvoip.org");
      keys.add(key);
      NetNode from = nodes.get(random.nextInt(nodes.size()));
      try {
        if (secure) {
          from.node().store(key, TYPE, subType(), DataEntry.dictionary(
              System.currentTimeMillis(), true, from.node().id()), value(k), 3600)
              .get(20, TimeUnit.SECONDS);
        } else {
          from.node().publish(key, TYPE, 0, value(k), 3600).get(20, TimeUnit.SECONDS);
        }
      } catch (Exception e) {
        return fail("publishing object " + k + " failed: " + NetSupport.describe(e));
      }
    }
    out.printf("published %d objects (%d copies each) (%s)%n", objects,
        org.openvoip.p2pp.overlay.Overlays.resolve(oc).replicas(),
        elapsed());

    // 3. Lookups in three rounds: stable overlay, after the crashes, after the restarts.
    ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
    int first = lookups / 3;
    int second = crash == 0 ? 0 : lookups / 3;
    int third = lookups - first - second;
    lookupRound(first, nodes, keys, random, outcomes);
    out.printf("looked up %d objects from random peers (%s)%n", first, elapsed());

    List<Integer> crashed = new ArrayList<>();
    if (crash > 0) {
      for (int c = 0; c < crash; c++) {
        int victim;
        do {
          victim = 1 + random.nextInt(peers - 1);
        } while (crashed.contains(victim));
        crashed.add(victim);
        NetNode dead = nodes.get(victim);
        Endpoint was = dead.localEndpoint();
        long t0 = System.nanoTime();
        dead.close();
        nodes.set(victim, null);
        boolean noticed = awaitNoticed(nodes, Set.of(ids.get(victim)));
        out.printf("crashed peer %s (%s); %s in %.1f s%n", ids.get(victim).hex().substring(0, 8),
            was,
            noticed ? "its neighbours noticed" : "its neighbours had NOT all noticed",
            (System.nanoTime() - t0) / 1e9);
      }
      lookupRound(second, nodes, keys, random, outcomes);
      out.printf("looked up %d objects with %d peers down (%s)%n", second, crash, elapsed());

      long t0 = System.nanoTime();
      for (int victim : crashed) {
        NetNode n = startPeer(oc, victim, ids.get(victim), boot.localEndpoint(), group,
            callbacks, random);
        nodes.set(victim, n);
        try {
          n.node().join().get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
          return fail("restarted peer " + ids.get(victim).hex().substring(0, 8)
              + " could not join: " + NetSupport.describe(e));
        }
      }
      boolean settled = awaitSettled(nodes, keys);
      out.printf("restarted %d peers with their old IDs; %s in %.1f s%n", crash,
          settled ? "every object is at its responsible peer again"
              : "some objects were NOT back at their responsible peer",
          (System.nanoTime() - t0) / 1e9);
    }
    lookupRound(third, nodes, keys, random, outcomes);
    out.printf("looked up %d more objects (%s)%n", third, elapsed());

    if (secure) {
      attacks = DemoAttacks.run(enrollment, nodes, members, group, oc.idLength(), out);
      counted = DemoAttacks.refusalsCounted(nodes);
    }
    return summary(outcomes, objects, crash);
  }

  private List<DemoAttacks.Attack> attacks = List.of();
  private java.util.Map<String, Long> counted = java.util.Map.of();

  /** Heap in use after a full collection, divided among the peers (an upper bound per peer). */
  private static long heapPerPeer(int peers) {
    Runtime rt = Runtime.getRuntime();
    System.gc();
    return (rt.totalMemory() - rt.freeMemory()) / peers;
  }

  private NetNode startPeer(OverlayConfig oc, int index, Bytes id, Endpoint bootstrap,
      EventLoopGroup group, ExecutorService callbacks, SplittableRandom random)
      throws InterruptedException {
    SecureDemo.Member m = secure ? members.get(index) : null;
    return NetNode.start(group,
        new NodeConfig(id, Endpoint.of("127.0.0.1", 0), oc, bootstrap, false,
            m == null ? null : m.security()), callbacks, random.split(),
        m == null ? null : m.links());
  }

  private static Bytes value(int k) {
    return Bytes.of(("sip:user" + k + "@192.0.2." + (k % 250 + 1))
        .getBytes(StandardCharsets.UTF_8));
  }

  /** Runs {@code count} lookups, {@value #IN_FLIGHT} at a time, from random live peers. */
  private void lookupRound(int count, List<NetNode> nodes, List<Bytes> keys,
      SplittableRandom random, ConcurrentLinkedQueue<Outcome> outcomes)
      throws InterruptedException {
    List<NetNode> live = new ArrayList<>();
    for (NetNode n : nodes) {
      if (n != null) {
        live.add(n);
      }
    }
    Semaphore slots = new Semaphore(IN_FLIGHT);
    CountDownLatch done = new CountDownLatch(count);
    for (int i = 0; i < count; i++) {
      int k = random.nextInt(keys.size());
      NetNode from = live.get(random.nextInt(live.size()));
      Bytes want = value(k);
      slots.acquire();
      long t0 = System.nanoTime();
      from.node().lookup(keys.get(k), TYPE, subType()).whenComplete((r, e) -> {
        double ms = (System.nanoTime() - t0) / 1e6;
        if (e != null) {
          outcomes.add(new Outcome(false, ms, 0, NetSupport.describe(e)));
        } else if (r.objects().stream().noneMatch(o -> o.value().equals(want))) {
          outcomes.add(new Outcome(false, ms, r.route().hops(), "object " + k + " not found at "
              + r.route().responder() + " (asked by " + from.node().self() + ")"));
        } else {
          outcomes.add(new Outcome(true, ms, r.route().hops(), null));
        }
        slots.release();
        done.countDown();
      });
    }
    done.await();
  }

  /** Waits (up to 20 s) until no live peer lists a dead one among its neighbours. */
  private static boolean awaitNoticed(List<NetNode> nodes, Set<Bytes> dead) throws Exception {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < until) {
      boolean clean = true;
      for (NetNode n : nodes) {
        if (n == null) {
          continue;
        }
        for (PeerRef p : n.node().snapshot().get(5, TimeUnit.SECONDS).neighborTable()) {
          if (dead.contains(p.id())) {
            clean = false;
          }
        }
      }
      if (clean) {
        return true;
      }
      Thread.sleep(100);
    }
    return false;
  }

  /**
   * Waits (up to 20 s) until every object is held by the peers that consider themselves
   * responsible for it, and by at least one.
   */
  private boolean awaitSettled(List<NetNode> nodes, List<Bytes> keys) throws Exception {
    int sub = subType();
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < until) {
      Set<Bytes> held = new HashSet<>();
      Set<Bytes> missing = new HashSet<>();
      for (NetNode n : nodes) {
        if (n == null) {
          continue;
        }
        n.onLoop(node -> {
          for (Bytes k : keys) {
            if (node.isResponsibleNow(k)) {
              (node.holdsNow(k, TYPE, sub) ? held : missing).add(k);
            }
          }
          return null;
        });
      }
      if (held.size() == keys.size() && missing.isEmpty()) {
        return true;
      }
      Thread.sleep(100);
    }
    return false;
  }

  private static double percentile(double[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    int i = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }

  private Integer summary(ConcurrentLinkedQueue<Outcome> outcomes, int objects, int crash) {
    List<Outcome> all = new ArrayList<>(outcomes);
    int ok = 0;
    long hops = 0;
    List<String> failures = new ArrayList<>();
    double[] ms = new double[all.size()];
    int i = 0;
    for (Outcome o : all) {
      ms[i++] = o.millis();
      if (o.ok()) {
        ok++;
        hops += o.hops();
      } else if (failures.size() < 5) {
        failures.add(o.failure());
      }
    }
    Arrays.sort(ms);
    double ratio = all.isEmpty() ? 0 : (double) ok / all.size();
    double p50 = round(percentile(ms, 0.50));
    double p99 = round(percentile(ms, 0.99));
    out.println();
    out.println("== summary");
    out.printf("peers:      %d (bootstrap server included), %d crashed and restarted%n", peers,
        crash);
    out.printf("objects:    %d%n", objects);
    out.printf("lookups:    %d, %d found the object (%.1f%%)%n", all.size(), ok, 100 * ratio);
    out.printf("latency:    p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms%n", p50,
        percentile(ms, 0.90), p99, percentile(ms, 1.0));
    out.printf("hops:       %.2f on average per successful lookup%n",
        ok == 0 ? 0.0 : (double) hops / ok);
    out.printf("joining:    %.1f s for all peers; %.1f KiB of heap per peer%n", joinSeconds,
        heapPerPeerBytes / 1024.0);
    out.printf("time:       %s%n", elapsed());
    for (String f : failures) {
      out.println("failed:     " + f);
    }
    if (secure) {
      DemoAttacks.print(attacks, counted, out);
    }
    boolean lookupsPass = ratio >= REQUIRED;
    String reason = lookupsPass ? null : String.format(
        "only %d of %d lookups (%.1f%%) found their object; at least %.0f%% must", ok,
        all.size(), 100 * ratio, 100 * REQUIRED);
    long refused = attacks.stream().filter(DemoAttacks.Attack::refused).count();
    if (reason == null && refused < attacks.size()) {
      reason = (attacks.size() - refused) + " of " + attacks.size()
          + " attacks were not refused as they must be";
    }
    if (reason != null) {
      out.println("FAILED:     " + reason);
    }
    ObjectNode json = WireIo.JSON.createObjectNode();
    json.put("peers", peers);
    json.put("lookups", all.size());
    json.put("succeeded", ok);
    json.put("p50Ms", p50);
    json.put("p99Ms", p99);
    json.put("joinSeconds", Math.round(joinSeconds * 10) / 10.0);
    json.put("heapPerPeerKiB", Math.round(heapPerPeerBytes / 102.4) / 10.0);
    json.put("objects", objects);
    json.put("crashed", crash);
    json.put("overlay", overlay);
    if (secure) {
      json.put("secure", true);
      json.put("attacks", attacks.size());
      json.put("attacksRefused", refused);
    }
    out.println(json.toString());
    out.flush();
    if (reason != null) {
      spec.commandLine().getErr().println("error: " + reason);
    }
    return reason == null ? 0 : 1;
  }

  private Integer fail(String reason) {
    out.flush();
    spec.commandLine().getErr().println("error: " + reason);
    return 1;
  }
}
