package org.openvoip.cli;

import io.netty.channel.EventLoopGroup;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.openvoip.net.NetRelay;
import org.openvoip.p2pp.env.Counters;
import org.openvoip.p2pp.relay.TurnServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(
    name = "relay",
    description = {
      "Run a media relay: a TURN server (RFC 8656, UDP) that standard TURN clients and",
      "OpenVoIP nodes allocate relayed addresses on, for calls between nodes that ICE cannot",
      "connect. Runs until killed (Ctrl-C)."
    },
    footer = {"", "Exit status: 0 stopped, 1 could not listen, 2 usage error."})
final class RelayCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--listen", required = true, paramLabel = "HOST:PORT",
      converter = NetSupport.HostPortConverter.class,
      description = "Where clients reach the relay (TURN's usual port is 3478).")
  InetSocketAddress listen;

  @Option(names = "--relay-address", paramLabel = "IP",
      description = "The address relayed ports are opened on, which peers send media to"
          + " (default: the listening address).")
  String relayAddress;

  @Option(names = "--realm", defaultValue = "openvoip", description = "The authentication"
      + " realm (default: ${DEFAULT-VALUE}).")
  String realm;

  @Option(names = "--user", paramLabel = "NAME:PASSWORD", description = "A user allowed to"
      + " allocate (repeatable). Without one, --open is needed.")
  List<String> users = List.of();

  @Option(names = "--user-quota", defaultValue = "100", description = "Allocations one user may"
      + " hold at once (default: ${DEFAULT-VALUE}).")
  int userQuota;

  @Option(names = "--max-allocations", defaultValue = "10000", description = "Allocations in"
      + " all (default: ${DEFAULT-VALUE}).")
  int maxAllocations;

  @Option(names = "--open", description = "Relay for anyone, without authentication: only on"
      + " a closed network or for tests.")
  boolean open;

  final CountDownLatch stop = new CountDownLatch(1);
  volatile org.openvoip.p2pp.env.Endpoint bound;

  @Override
  public Integer call() throws InterruptedException {
    Map<String, String> u = new LinkedHashMap<>();
    for (String s : users) {
      int colon = s.indexOf(':');
      if (colon <= 0 || colon == s.length() - 1) {
        throw new ParameterException(spec.commandLine(), "--user '" + s
            + "' is not NAME:PASSWORD");
      }
      u.put(s.substring(0, colon), s.substring(colon + 1));
    }
    if (u.isEmpty() && !open) {
      throw new ParameterException(spec.commandLine(), "give at least one --user NAME:PASSWORD,"
          + " or --open for a relay without authentication");
    }
    InetAddress relayAt;
    try {
      relayAt = relayAddress == null ? null : InetAddress.getByName(relayAddress);
    } catch (UnknownHostException e) {
      throw new ParameterException(spec.commandLine(), "--relay-address: unknown host "
          + relayAddress);
    }
    EventLoopGroup group = NetSupport.eventLoops(1);
    Counters counters = new Counters();
    NetRelay relay;
    try {
      TurnServer.Config base = TurnServer.Config.of(realm, u);
      relay = NetRelay.start(group, listen, relayAt, new TurnServer.Config(realm, u,
          maxAllocations, userQuota, base.defaultLifetimeSeconds(), base.maxLifetimeSeconds(),
          base.nonceMillis()), counters);
    } catch (RuntimeException e) {
      group.shutdownGracefully();
      spec.commandLine().getErr().println("error: cannot listen on " + listen + ": "
          + NetSupport.describe(e));
      return 1;
    }
    spec.commandLine().getOut().printf("relay listening on %s (TURN over UDP, realm %s, %s)%n",
        relay.localEndpoint(), realm, u.isEmpty() ? "OPEN: no authentication"
            : u.size() + " user" + (u.size() == 1 ? "" : "s"));
    spec.commandLine().getOut().flush();
    bound = relay.localEndpoint();
    Thread hook = new Thread(stop::countDown);
    Runtime.getRuntime().addShutdownHook(hook);
    stop.await();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the JVM is shutting down: that is why we stop
    }
    relay.close();
    group.shutdownGracefully().syncUninterruptibly();
    return 0;
  }
}
