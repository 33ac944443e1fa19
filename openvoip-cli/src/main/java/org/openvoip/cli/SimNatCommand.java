package org.openvoip.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.openvoip.sim.NatExperiment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(
    name = "nat",
    description = {
      "Put simulated nodes behind NATs of a given mix and measure the share of node pairs that",
      "connect directly, after ICE, and only through a relay. Runs the real STUN, NAT discovery",
      "and ICE code over the simulator's NAT boxes. Same seed, same run. Progress goes to",
      "stderr, the report to stdout (with --json, one JSON object)."
    })
final class SimNatCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--nodes", defaultValue = "1000", description = "Nodes besides the two STUN"
      + " peers (default: ${DEFAULT-VALUE}).")
  int nodes;

  @Option(names = "--pairs", defaultValue = "5000", description = "Distinct node pairs to try"
      + " (default: ${DEFAULT-VALUE}).")
  int pairs;

  @Option(names = "--mix", defaultValue = NatExperiment.DEFAULT_MIX, paramLabel = "KIND=SHARE,..",
      description = "The population: shares of open (public address), full-cone,"
          + " address-restricted, port-restricted and symmetric, summing to 1. The default is a"
          + " starting point to edit, not a measurement: ${DEFAULT-VALUE}.")
  String mix;

  @Option(names = "--hairpin", description = "NATs hairpin (matters only to nodes behind one"
      + " NAT; here each node has its own).")
  boolean hairpin;

  @Option(names = "--mapping-timeout", defaultValue = "120s",
      converter = Durations.Converter.class, paramLabel = "DURATION",
      description = "How long an idle NAT mapping lives (default: ${DEFAULT-VALUE}, RFC 4787's"
          + " minimum).")
  long mappingTimeoutMillis;

  @Option(names = "--seed", defaultValue = "1", description = "Seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--json", description = "Print one JSON object instead of the report.")
  boolean json;

  @Override
  public Integer call() {
    NatExperiment.Config config;
    try {
      config = new NatExperiment.Config(nodes, pairs, NatExperiment.Mix.parse(mix), seed,
          hairpin, mappingTimeoutMillis);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    long t0 = System.nanoTime();
    NatExperiment.Result r = new NatExperiment(config).run(line -> {
      err.println(line);
      err.flush();
    });
    err.printf("%.1f s wall, %.0f s virtual, %d packets%n", (System.nanoTime() - t0) / 1e9,
        r.virtualMillis() / 1000.0, r.packets());
    if (json) {
      ObjectNode o = new ObjectMapper().createObjectNode();
      o.put("nodes", nodes).put("pairs", r.pairs()).put("seed", seed)
          .put("direct", r.direct()).put("afterIce", r.afterIce())
          .put("relayOnly", r.relayOnly())
          .put("discoveryAgreed", r.discoveryAgreed());
      ObjectNode byKinds = o.putObject("byKinds");
      r.byKinds().forEach((k, v) -> byKinds.putObject(k).put("direct", v[0]).put("afterIce",
          v[1]).put("relayOnly", v[2]));
      ObjectNode population = o.putObject("population");
      r.nodesByKind().forEach(population::put);
      out.println(o);
    } else {
      out.print(NatExperiment.report(r));
    }
    out.flush();
    return 0;
  }
}
