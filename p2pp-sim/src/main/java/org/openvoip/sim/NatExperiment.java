package org.openvoip.sim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.openvoip.p2pp.env.Counters;
import org.openvoip.p2pp.env.Endpoint;
import org.openvoip.p2pp.ice.IceAgent;
import org.openvoip.p2pp.ice.IceSessions;
import org.openvoip.p2pp.stun.NatDiscovery;
import org.openvoip.p2pp.stun.StunAgent;
import org.openvoip.p2pp.stun.StunMessage;
import org.openvoip.p2pp.wire.WireObject.Candidate;

/**
 * How many node pairs of a NAT population can talk directly, after ICE, or only through a relay,
 * measured by running the real STUN and ICE code over the simulator's NAT boxes ({@code
 * ./openvoip sim nat}).
 *
 * <p>Three public peers serve STUN: two that are each other's partner (the filtering test) and
 * a third for the mapping test. Every other node sits behind a NAT
 * of its own, drawn from the mix, or has a public address ("open"). Each node first runs NAT
 * discovery against the peers (which also gives its server-reflexive address) and keeps its
 * mapping alive with a Binding request every 25 s, as a client does with its peer. Then pairs of
 * nodes are drawn (distinct pairs, so that no two have talked before), and for each, started
 * 20 ms apart:
 *
 * <ol>
 *   <li><b>direct</b>: the first node sends a Binding request to the other's advertised address
 *       (its server-reflexive address, or its own if public); an answer means a stranger could
 *       have reached it without any help;
 *   <li>otherwise <b>ICE</b>: both sides gather host and server-reflexive candidates, exchange
 *       them with fresh credentials (what Connect carries through the overlay; here handed over
 *       at once) and run their ICE agents, the first controlling;
 *   <li>otherwise only a <b>relay</b> connects them.
 * </ol>
 *
 * Same seed, same run.
 */
public final class NatExperiment {

  /** The kinds of a population: "open" (public address) and the four NAT kinds. */
  public static final List<String> KINDS = List.of("open", "full-cone", "address-restricted",
      "port-restricted", "symmetric");

  /**
   * A default population to edit, not a measurement: a fifth public, the rest mostly
   * port-restricted home routers, some symmetric (carrier-grade and enterprise NATs).
   */
  public static final String DEFAULT_MIX =
      "open=0.2,full-cone=0.1,address-restricted=0.15,port-restricted=0.4,symmetric=0.15";

  /** Shares of each kind, summing to 1. */
  public record Mix(Map<String, Double> shares) {
    public Mix {
      double sum = 0;
      for (Map.Entry<String, Double> e : shares.entrySet()) {
        if (!KINDS.contains(e.getKey())) {
          throw new IllegalArgumentException("unknown kind \"" + e.getKey() + "\"; the kinds"
              + " are " + String.join(", ", KINDS));
        }
        if (!(e.getValue() >= 0)) {
          throw new IllegalArgumentException("the share of " + e.getKey() + " is negative");
        }
        sum += e.getValue();
      }
      if (Math.abs(sum - 1) > 1e-6) {
        throw new IllegalArgumentException(String.format(Locale.ROOT,
            "the shares sum to %.3f, not 1", sum));
      }
      shares = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(shares));
    }

    /** Parses "open=0.2,symmetric=0.8"; kinds not named get 0. */
    public static Mix parse(String text) {
      Map<String, Double> m = new LinkedHashMap<>();
      for (String part : text.split(",")) {
        String[] kv = part.trim().split("=");
        if (kv.length != 2) {
          throw new IllegalArgumentException("\"" + part + "\" is not KIND=SHARE");
        }
        try {
          if (m.put(kv[0].trim(), Double.parseDouble(kv[1].trim())) != null) {
            throw new IllegalArgumentException(kv[0].trim() + " is given twice");
          }
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("the share \"" + kv[1] + "\" is not a number");
        }
      }
      return new Mix(m);
    }

    String draw(SplittableRandom r) {
      double x = r.nextDouble();
      String last = null;
      for (Map.Entry<String, Double> e : shares.entrySet()) {
        if (e.getValue() <= 0) {
          continue;
        }
        last = e.getKey();
        x -= e.getValue();
        if (x < 0) {
          return last;
        }
      }
      return last;
    }
  }

  /**
   * @param nodes nodes besides the two STUN peers
   * @param pairs node pairs to try
   */
  public record Config(int nodes, int pairs, Mix mix, long seed, boolean hairpin,
      long mappingTimeoutMillis) {
    public Config {
      if (nodes < 2 || pairs < 1) {
        throw new IllegalArgumentException("at least 2 nodes and 1 pair");
      }
      if (pairs > (long) nodes * (nodes - 1) / 2) {
        throw new IllegalArgumentException(nodes + " nodes make only "
            + (long) nodes * (nodes - 1) / 2 + " distinct pairs, fewer than " + pairs);
      }
      if (mappingTimeoutMillis < 30_000) {
        throw new IllegalArgumentException("a mapping timeout under 30 s would expire between"
            + " the nodes' 25 s refreshes");
      }
    }

    public static Config of(int nodes, int pairs, String mix, long seed) {
      return new Config(nodes, pairs, Mix.parse(mix), seed, false,
          NatBox.DEFAULT_TIMEOUT_MILLIS);
    }
  }

  /** What connected how, per pair of kinds ("open/symmetric" lists the two sorted). */
  public record Result(Config config, int direct, int afterIce, int relayOnly,
      Map<String, int[]> byKinds, Map<String, Integer> nodesByKind, int discoveryAgreed,
      int discoveryRuns, long virtualMillis, long packets) {
    public int pairs() {
      return direct + afterIce + relayOnly;
    }

    public double share(int n) {
      return pairs() == 0 ? 0 : (double) n / pairs();
    }
  }

  private final Config config;
  private final Simulator sim = new Simulator();
  private final SimNetwork net;
  private final List<Member> members = new ArrayList<>();

  /** One node: its STUN agent, ICE sessions, kind and what discovery found. */
  private static final class Member {
    final int node;
    final String kind;
    final StunAgent stun;
    final IceSessions ice;
    final Counters counters = new Counters();
    Endpoint mapped;
    NatDiscovery.Result discovery;

    Member(int node, String kind, StunAgent stun, IceSessions ice) {
      this.node = node;
      this.kind = kind;
      this.stun = stun;
      this.ice = ice;
    }
  }

  public NatExperiment(Config config) {
    this.config = config;
    this.net = new SimNetwork(sim, new LatencyModel(config.seed()), 0, config.seed());
  }

  /** Runs it; {@code progress} hears about each phase. */
  public Result run(Consumer<String> progress) {
    SplittableRandom r = new SplittableRandom(config.seed());
    Member s1 = add("open", null);
    Member s2 = add("open", null);
    Member s3 = add("open", null);
    Endpoint s3At = net.endpoint(s3.node);
    Endpoint s1At = net.endpoint(s1.node);
    Endpoint s2At = net.endpoint(s2.node);
    s1.stun.partner(from -> s2At);
    s2.stun.partner(from -> s1At);
    s1.stun.forwarders(e -> e.equals(s2At));
    s2.stun.forwarders(e -> e.equals(s1At));
    Map<String, Integer> byKind = new TreeMap<>();
    for (int i = 0; i < config.nodes(); i++) {
      String kind = config.mix().draw(r);
      byKind.merge(kind, 1, Integer::sum);
      NatBox box = kind.equals("open") ? null : net.addNat(NatBox.Kind.ofLabel(kind),
          config.hairpin(), config.mappingTimeoutMillis());
      add(kind, box);
    }
    progress.accept(String.format(Locale.ROOT, "%d nodes: %s; discovering NATs ...",
        config.nodes(), byKind));

    List<Member> nodes = members.subList(3, members.size());
    for (int i = 0; i < nodes.size(); i++) {
      Member m = nodes.get(i);
      sim.schedule(1 + i % 1000, () -> NatDiscovery.run(m.stun, List.of(net.endpoint(m.node)),
          s1At, List.of(s3At), StunAgent.Retransmit.QUICK, res -> {
            m.discovery = res;
            m.mapped = res.mapped();
            refresh(m, s1At);
          }));
    }
    sim.runUntil(sim.now() + 20_000);
    int agreed = 0;
    for (Member m : nodes) {
      if (m.discovery != null && expected(m.kind).equals(m.discovery.natType())) {
        agreed++;
      }
    }
    progress.accept(String.format(Locale.ROOT, "discovery named %d of %d NATs right; trying"
        + " %d pairs ...", agreed, nodes.size(), config.pairs()));

    int[] totals = new int[3];
    Map<String, int[]> byKinds = new TreeMap<>();
    long start = sim.now();
    int reported = 0;
    // Distinct pairs: two nodes that talked before may have left holes in each other's NATs.
    java.util.Set<Long> drawn = new java.util.HashSet<>();
    for (int p = 0; p < config.pairs(); p++) {
      Member a;
      Member b;
      do {
        a = nodes.get(r.nextInt(nodes.size()));
        b = nodes.get(r.nextInt(nodes.size()));
      } while (a == b || !drawn.add(Math.min(a.node, b.node) * (1L << 32)
          + Math.max(a.node, b.node)));
      Member fa = a;
      Member fb = b;
      sim.schedule(start - sim.now() + 20L * p, () -> tryPair(fa, fb, outcome -> {
        totals[outcome]++;
        String key = fa.kind.compareTo(fb.kind) <= 0 ? fa.kind + "/" + fb.kind
            : fb.kind + "/" + fa.kind;
        byKinds.computeIfAbsent(key, k -> new int[3])[outcome]++;
      }));
    }
    long end = start + 20L * config.pairs() + 2 * IceAgent.TIMEOUT_MILLIS;
    while (sim.now() < end) {
      sim.runUntil(Math.min(end, sim.now() + 10_000));
      int done = totals[0] + totals[1] + totals[2];
      if (done - reported >= Math.max(1, config.pairs() / 10) || sim.now() >= end) {
        progress.accept(String.format(Locale.ROOT, "  %d of %d pairs done", done,
            config.pairs()));
        reported = done;
      }
    }
    return new Result(config, totals[0], totals[1], totals[2], byKinds, byKind, agreed,
        nodes.size(), sim.now(), net.packetsSent());
  }

  /** What a correct discovery calls each kind. */
  static String expected(String kind) {
    return switch (kind) {
      case "open" -> "open internet";
      case "full-cone" -> "full cone";
      case "address-restricted", "port-restricted" ->
          "restricted cone (address- or port-restricted)";
      default -> "symmetric";
    };
  }

  private Member add(String kind, NatBox box) {
    int n = net.addNode((b, t, f) -> {}, box);
    Counters c = new Counters();
    StunAgent stun = new StunAgent(net.env(n), c);
    IceSessions ice = new IceSessions(c);
    stun.checks(ice);
    net.receiver(n, (bytes, t, from) -> stun.onDatagram(bytes, from));
    Member m = new Member(n, kind, stun, ice);
    members.add(m);
    return m;
  }

  /** Keeps the node's mapping at the STUN peer alive, as a client keeps its peer link. */
  private void refresh(Member m, Endpoint server) {
    sim.schedule(25_000, () -> {
      binding(m, server, res -> {
        if (res != null) {
          m.mapped = res;
        }
      });
      refresh(m, server);
    });
  }

  private void binding(Member m, Endpoint to, Consumer<Endpoint> done) {
    m.stun.send(to, new StunMessage(StunMessage.BINDING_REQUEST, m.stun.newTransactionId(),
        List.of()), null, StunAgent.Retransmit.QUICK, new StunAgent.Callback() {
          @Override
          public void onResponse(StunAgent.Response response) {
            try {
              done.accept(response.mapped());
            } catch (StunMessage.MalformedStunException e) {
              done.accept(null);
            }
          }

          @Override
          public void onFailure(StunAgent.StunFailure failure) {
            done.accept(null);
          }
        });
  }

  /** 0 direct, 1 after ICE, 2 relay only. */
  private void tryPair(Member a, Member b, java.util.function.IntConsumer outcome) {
    Endpoint advertised = b.mapped != null ? b.mapped : net.endpoint(b.node);
    binding(a, advertised, direct -> {
      if (direct != null) {
        outcome.accept(0);
        return;
      }
      IceAgent[] agents = new IceAgent[2];
      boolean[] done = new boolean[1];
      IceAgent.Listener listener = new IceAgent.Listener() {
        @Override
        public void onSelected(Endpoint remote, Candidate c) {
          finish(1);
        }

        @Override
        public void onFailed(String reason) {
          finish(2);
        }

        void finish(int o) {
          if (!done[0]) {
            done[0] = true;
            outcome.accept(o);
            for (IceAgent x : agents) {
              x.close();
            }
            a.ice.remove(agents[0]);
            b.ice.remove(agents[1]);
          }
        }
      };
      agents[0] = new IceAgent(net.env(a.node), a.stun, a.counters,
          IceAgent.Credentials.random(net.env(a.node).random()), IceAgent.Role.CONTROLLING,
          candidates(a), listener);
      agents[1] = new IceAgent(net.env(b.node), b.stun, b.counters,
          IceAgent.Credentials.random(net.env(b.node).random()), IceAgent.Role.CONTROLLED,
          candidates(b), new IceAgent.Listener() {
            @Override
            public void onSelected(Endpoint remote, Candidate c) {}

            @Override
            public void onFailed(String reason) {}
          });
      a.ice.add(agents[0]);
      b.ice.add(agents[1]);
      agents[0].start(agents[1].localCredentials(), agents[1].localCandidates());
      agents[1].start(agents[0].localCredentials(), agents[0].localCandidates());
    });
  }

  private List<Candidate> candidates(Member m) {
    Endpoint host = net.endpoint(m.node);
    List<Candidate> c = new ArrayList<>();
    c.add(IceAgent.host(host));
    if (m.mapped != null && !m.mapped.equals(host)) {
      c.add(IceAgent.serverReflexive(m.mapped, host));
    }
    return c;
  }

  /** The report: totals and the table by pair of kinds. */
  public static String report(Result r) {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "%d node pairs (%d nodes, seed %d, mix %s)%n",
        r.pairs(), r.config().nodes(), r.config().seed(), r.config().mix().shares()));
    b.append(String.format(Locale.ROOT, "  direct            %6d  %5.1f %%%n", r.direct(),
        100 * r.share(r.direct())));
    b.append(String.format(Locale.ROOT, "  after ICE         %6d  %5.1f %%%n", r.afterIce(),
        100 * r.share(r.afterIce())));
    b.append(String.format(Locale.ROOT, "  only via a relay  %6d  %5.1f %%%n", r.relayOnly(),
        100 * r.share(r.relayOnly())));
    b.append(String.format(Locale.ROOT, "NAT discovery named %d of %d nodes' NATs right%n",
        r.discoveryAgreed(), r.discoveryRuns()));
    b.append(String.format(Locale.ROOT, "%-40s %7s %7s %7s%n", "by kinds", "direct", "ICE",
        "relay"));
    r.byKinds().forEach((k, v) -> b.append(String.format(Locale.ROOT, "%-40s %7d %7d %7d%n",
        k, v[0], v[1], v[2])));
    return b.toString();
  }
}
