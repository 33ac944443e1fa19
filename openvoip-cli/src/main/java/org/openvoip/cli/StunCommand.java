package org.openvoip.cli;

import io.netty.channel.EventLoopGroup;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.openvoip.net.NetTransport;
import org.openvoip.p2pp.env.Counters;
import org.openvoip.p2pp.env.Endpoint;
import org.openvoip.p2pp.stun.NatDiscovery;
import org.openvoip.p2pp.stun.StunAgent;
import org.openvoip.p2pp.wire.WireDecoder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "stun",
    description = {
      "Find out what NAT this machine sits behind, by asking STUN servers: any OpenVoIP peer's",
      "P2PP port, or a STUN server such as coturn. The filtering test is answered from the",
      "first server's OTHER-ADDRESS (a peer names its partner peer); the mapping test asks a",
      "SECOND server if given (better one that is not that partner), else the OTHER-ADDRESS.",
      "It tests, in the manner of RFC 5780, the mapping (does the public address depend on the",
      "destination?) and the filtering (does an unsolicited packet get in?)."
    },
    footer = {"", "Exit status: 0 the first server answered, 1 it did not, 2 usage error."})
final class StunCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "SERVER", converter = NetSupport.HostPortConverter.class,
      description = "The first STUN server, HOST:PORT.")
  InetSocketAddress server;

  @Parameters(index = "1..*", arity = "0..*", paramLabel = "SECOND",
      converter = NetSupport.HostPortConverter.class,
      description = "Other STUN servers for the mapping test: the first that is not the first"
          + " server's OTHER-ADDRESS is asked (default: the OTHER-ADDRESS). With peers, give"
          + " two or more: the one that answered the filtering test is best avoided.")
  List<InetSocketAddress> seconds = new ArrayList<>();

  @Option(names = "--bind", paramLabel = "HOST:PORT",
      converter = NetSupport.HostPortConverter.class,
      description = "The local address and port to ask from (default: any, a free port).")
  InetSocketAddress bind = new InetSocketAddress(0);

  @Option(names = "--json", description = "Print one JSON object instead of the table.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    EventLoopGroup group = NetSupport.eventLoops(1);
    try {
      NetTransport t = NetTransport.bind(group, bind, new WireDecoder(20), new Counters());
      try {
        return discover(t);
      } finally {
        t.close();
      }
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  private int discover(NetTransport t) throws InterruptedException, ExecutionException {
    StunAgent agent = new StunAgent(t.env(new SplittableRandom(new SecureRandom().nextLong())),
        new Counters());
    t.receiver((bytes, transport, from) -> agent.onDatagram(bytes, from));
    Endpoint local = t.localEndpoint();
    List<Endpoint> locals = localEndpoints(local);
    StunAgent.Retransmit r = StunAgent.Retransmit.QUICK;
    spec.commandLine().getErr().printf("asking %s from %s (3 tests, each up to %.1f s) ...%n",
        NetSupport.endpoint(server), local, r.timeoutMillis() / 1000.0);
    CompletableFuture<NatDiscovery.Result> f = new CompletableFuture<>();
    List<Endpoint> others = new ArrayList<>();
    for (InetSocketAddress a : seconds) {
      others.add(NetSupport.endpoint(a));
    }
    t.eventLoop().execute(() -> NatDiscovery.run(agent, locals, NetSupport.endpoint(server),
        others, r, f::complete));
    NatDiscovery.Result res;
    try {
      res = f.get(4 * r.timeoutMillis() + 5_000, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException("the discovery did not finish", e);
    }
    print(res, local);
    return res.answered() ? 0 : 1;
  }

  private void print(NatDiscovery.Result r, Endpoint local) {
    Map<String, String> rows = new LinkedHashMap<>();
    rows.put("local address", local.toString());
    rows.put("server", r.server().toString());
    rows.put("mapped address", r.mapped() == null ? "-" : r.mapped().toString());
    rows.put("second server", r.other() == null ? "-" : r.other().toString());
    rows.put("mapping", words(r.mapping().name()));
    rows.put("filtering", words(r.filtering().name()));
    rows.put("NAT type", r.natType());
    rows.put("reachable", r.reachable() ? "yes: others can reach this address (may be a peer)"
        : "no: only those it contacts first reach it (a client, or ICE)");
    if (!r.note().isEmpty()) {
      rows.put("note", r.note());
    }
    if (json) {
      com.fasterxml.jackson.databind.node.ObjectNode o =
          new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
      rows.forEach((k, v) -> o.put(k.replace(' ', '_'), v));
      o.put("answered", r.answered());
      o.put("reachable", r.reachable());
      spec.commandLine().getOut().println(o);
      return;
    }
    rows.forEach((k, v) -> spec.commandLine().getOut().printf("%-15s %s%n", k, v));
  }

  private static String words(String enumName) {
    return enumName.toLowerCase().replace('_', '-');
  }

  /** The bound endpoint, or, bound to the wildcard, the port on every local address. */
  private static List<Endpoint> localEndpoints(Endpoint bound) {
    List<Endpoint> out = new ArrayList<>();
    out.add(bound);
    if (!bound.address().toInetAddress().isAnyLocalAddress()) {
      return out;
    }
    try {
      for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        for (InetAddress a : Collections.list(ni.getInetAddresses())) {
          if (a instanceof Inet4Address || !a.isLinkLocalAddress()) {
            out.add(NetSupport.endpoint(new InetSocketAddress(a, bound.port())));
          }
        }
      }
    } catch (SocketException e) {
      // no interface list: only a mapped address equal to the bound one counts as no NAT
    }
    return out;
  }
}
