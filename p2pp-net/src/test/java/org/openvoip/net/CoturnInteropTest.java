package org.openvoip.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openvoip.p2pp.env.Counters;
import org.openvoip.p2pp.env.Endpoint;
import org.openvoip.p2pp.stun.NatDiscovery;
import org.openvoip.p2pp.stun.StunAgent;
import org.openvoip.p2pp.stun.StunMessage;
import org.openvoip.p2pp.wire.WireDecoder;

/**
 * STUN against a real STUN/TURN server, coturn (Debian package coturn), on loopback: our client
 * runs RFC 5780 discovery against coturn listening on 127.0.0.1 and 127.0.0.2, and coturn's own
 * client, turnutils_stunclient, asks our port.
 */
class CoturnInteropTest {
  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private Process coturn;
  private final List<NetTransport> transports = new java.util.ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    if (coturn != null) {
      coturn.destroy();
      coturn.waitFor(10, TimeUnit.SECONDS);
    }
    transports.forEach(NetTransport::close);
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
  }

  /** A UDP port free on both loopback addresses, with the next one free too. */
  private static int freePortPair() throws IOException {
    for (int attempt = 0; attempt < 50; attempt++) {
      int p;
      try (DatagramSocket s = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
        p = s.getLocalPort();
      }
      if (p < 65_000 && free(p) && free(p + 1)) {
        return p;
      }
    }
    throw new IOException("no free pair of UDP ports");
  }

  private static boolean free(int port) {
    for (String a : new String[] {"127.0.0.1", "127.0.0.2"}) {
      try (DatagramSocket s = new DatagramSocket(port, InetAddress.getByName(a))) {
        s.getLocalPort();
      } catch (IOException e) {
        return false;
      }
    }
    return true;
  }

  private int startCoturn() throws IOException {
    return startCoturn("--no-auth");
  }

  private int startCoturn(String... auth) throws IOException {
    Path turnserver = SystemPeer.require("turnserver", "coturn");
    int port = freePortPair();
    List<String> cmd = new java.util.ArrayList<>(List.of(turnserver.toString(), "-n",
        "--listening-ip=127.0.0.1", "--listening-ip=127.0.0.2", "--listening-port=" + port,
        "--alt-listening-port=" + (port + 1), "--relay-ip=127.0.0.1", "--allow-loopback-peers",
        "--no-tls", "--no-dtls", "--no-cli", "--log-file=stdout", "--simple-log"));
    cmd.addAll(List.of(auth));
    coturn = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    return port;
  }

  /** A STUN agent on its own loopback port, run by Netty. */
  private record Agent(NetTransport net, StunAgent stun, Counters counters) {
    Endpoint at() {
      return net.localEndpoint();
    }

    <T> T onLoop(java.util.concurrent.Callable<T> task) throws Exception {
      return net.eventLoop().submit(task).get(10, TimeUnit.SECONDS);
    }
  }

  private Agent agent() throws InterruptedException {
    Counters counters = new Counters();
    NetTransport t = NetTransport.bind(group, new InetSocketAddress("127.0.0.1", 0),
        new WireDecoder(20), counters);
    transports.add(t);
    StunAgent stun = new StunAgent(t.env(new SplittableRandom(transports.size())), counters);
    t.receiver((bytes, transport, from) -> stun.onDatagram(bytes, from));
    return new Agent(t, stun, counters);
  }

  @Test
  void ourDiscoveryGetsTheRightAnswersFromCoturn() throws Exception {
    int port = startCoturn();
    Agent me = agent();
    Endpoint server = Endpoint.of("127.0.0.1", port);
    // Coturn needs a moment to listen; the RFC's retransmissions wait for it.
    CompletableFuture<NatDiscovery.Result> f = new CompletableFuture<>();
    me.onLoop(() -> {
      NatDiscovery.run(me.stun(), List.of(me.at()), server, List.of(), StunAgent.Retransmit.RFC8489,
          f::complete);
      return null;
    });
    NatDiscovery.Result r = f.get(60, TimeUnit.SECONDS);
    assertThat(r.mapped()).isEqualTo(me.at());
    assertThat(r.other()).isEqualTo(Endpoint.of("127.0.0.2", port + 1));
    assertThat(r.filtering()).isEqualTo(NatDiscovery.Filtering.ENDPOINT_INDEPENDENT);
    assertThat(r.mapping()).isEqualTo(NatDiscovery.Mapping.NONE);
    assertThat(r.natType()).isEqualTo("open internet");
    assertThat(r.note()).isEmpty();

    // And a plain Binding request, its answer checked: fingerprint, XOR-MAPPED-ADDRESS.
    CompletableFuture<StunAgent.Response> answer = new CompletableFuture<>();
    me.onLoop(() -> {
      me.stun().send(server, new StunMessage(StunMessage.BINDING_REQUEST,
          me.stun().newTransactionId(), List.of()), null, StunAgent.Retransmit.RFC8489,
          StunAgent.Callback.of(answer::complete, answer::completeExceptionally));
      return null;
    });
    StunAgent.Response plain = answer.get(30, TimeUnit.SECONDS);
    assertThat(plain.mapped()).isEqualTo(me.at());
    assertThat(StunMessage.fingerprintValid(plain.bytes())).isTrue();
    assertThat(me.counters().get("drop.stun.bad-fingerprint")).isZero();
  }

  /**
   * Our TURN client on coturn: it allocates through coturn's long-term-credential challenge,
   * binds a channel to a peer and relays both ways.
   */
  @Test
  void ourTurnClientRelaysThroughCoturn() throws Exception {
    int port = startCoturn("--lt-cred-mech", "--user=alice:secret", "--realm=test");
    Counters counters = new Counters();
    NetTransport t = NetTransport.bind(group, new InetSocketAddress("127.0.0.1", 0),
        new WireDecoder(20), counters);
    transports.add(t);
    StunAgent stun = new StunAgent(t.env(new SplittableRandom(5)), counters);
    java.util.concurrent.BlockingQueue<String> got =
        new java.util.concurrent.LinkedBlockingQueue<>();
    org.openvoip.p2pp.relay.TurnClient client = new org.openvoip.p2pp.relay.TurnClient(
        t.env(new SplittableRandom(6)), stun, counters, Endpoint.of("127.0.0.1", port), "alice",
        "secret", (peer, data, off, len) -> got.add(peer + " " + new String(data, off, len,
            StandardCharsets.UTF_8)));
    t.receiver((bytes, transport, from) -> {
      if (!client.onDatagram(bytes, from)) {
        stun.onDatagram(bytes, from);
      }
    });
    CompletableFuture<org.openvoip.p2pp.relay.TurnClient.Allocated> allocated =
        new CompletableFuture<>();
    t.eventLoop().execute(() -> client.allocate(allocated::complete,
        why -> allocated.completeExceptionally(new AssertionError(why))));
    Endpoint relayed = allocated.get(30, TimeUnit.SECONDS).relayed();
    assertThat(relayed.address()).isEqualTo(Endpoint.of("127.0.0.1", 1).address());
    try (java.net.DatagramSocket peer = new java.net.DatagramSocket(0,
        InetAddress.getByName("127.0.0.1"))) {
      peer.setSoTimeout(10_000);
      Endpoint peerAt = Endpoint.of("127.0.0.1", peer.getLocalPort());
      CompletableFuture<Integer> bound = new CompletableFuture<>();
      t.eventLoop().execute(() -> client.bind(peerAt, bound::complete,
          why -> bound.completeExceptionally(new AssertionError(why))));
      assertThat(bound.get(10, TimeUnit.SECONDS)).isEqualTo(0x4000);
      t.eventLoop().execute(() -> client.send(peerAt, "to the peer".getBytes(
          StandardCharsets.UTF_8)));
      java.net.DatagramPacket p = new java.net.DatagramPacket(new byte[1500], 1500);
      peer.receive(p);
      assertThat(new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8))
          .isEqualTo("to the peer");
      assertThat(p.getPort()).isEqualTo(relayed.port());
      byte[] back = "to the client".getBytes(StandardCharsets.UTF_8);
      peer.send(new java.net.DatagramPacket(back, back.length, p.getAddress(), p.getPort()));
      assertThat(got.poll(10, TimeUnit.SECONDS)).isEqualTo(peerAt + " to the client");
    }
    t.eventLoop().execute(client::release);
  }

  @Test
  void coturnsClientGetsItsAddressFromOurPortAndItsChangeRequestsAnswered() throws Exception {
    Path client = SystemPeer.require("turnutils_stunclient", "coturn");
    Agent a = agent();
    Agent b = agent();
    a.onLoop(() -> {
      a.stun().partner(from -> b.at());
      return null;
    });
    b.onLoop(() -> {
      b.stun().forwarders(e -> e.equals(a.at()));
      return null;
    });
    Path log = java.nio.file.Files.createTempFile("stunclient", ".txt");
    Process p = new ProcessBuilder(client.toString(), "-f", "-p", String.valueOf(a.at().port()),
        "127.0.0.1").redirectErrorStream(true).redirectOutput(log.toFile()).start();
    boolean exited = p.waitFor(30, TimeUnit.SECONDS);
    p.destroyForcibly();
    String out = java.nio.file.Files.readString(log);
    java.nio.file.Files.delete(log);
    String counters = a.onLoop(() -> a.counters().toString()) + " / "
        + b.onLoop(() -> b.counters().toString());
    assertThat(exited).as(out + counters).isTrue();
    Matcher m = Pattern.compile("UDP reflexive addr: 127\\.0\\.0\\.1:(\\d+)").matcher(out);
    assertThat(m.find()).as(out).isTrue();
    assertThat(Integer.parseInt(m.group(1))).isBetween(1, 65535);
    assertThat(out).as(out).contains("Other addr: : 127.0.0.1:" + b.at().port());
    assertThat(a.onLoop(() -> a.counters().get("stun.binding-answered"))).isPositive();
    // -f makes it try RFC 5780's change request; b answered it from its own port.
    assertThat(a.onLoop(() -> a.counters().get("stun.change-passed-to-partner"))).isPositive();
    assertThat(b.onLoop(() -> b.counters().get("stun.answered-for-partner"))).isPositive();
  }
}
