package org.openvoip.p2pp.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openvoip.p2pp.env.Counters;
import org.openvoip.p2pp.env.Endpoint;
import org.openvoip.p2pp.env.Env;
import org.openvoip.p2pp.env.Transport;
import org.openvoip.p2pp.stun.StunAgent;
import org.openvoip.p2pp.transaction.TestNetwork;

/** Our TURN client against our TURN server on the test network, through auth and refreshes. */
class TurnClientTest {
  static final Endpoint SERVER = Endpoint.of("203.0.113.1", 3478);
  static final Endpoint CLIENT = Endpoint.of("192.0.2.10", 50000);
  static final Endpoint PEER = Endpoint.of("198.51.100.7", 40000);

  final TestNetwork net = new TestNetwork();
  final Counters serverCounters = new Counters();
  final Counters clientCounters = new Counters();
  final Map<Endpoint, Env> relayedEnvs = new HashMap<>();
  final Env serverEnv = net.env(SERVER, 1);
  int nextPort = 49152;
  TurnServer server;
  final List<String> atClient = new ArrayList<>();
  final List<String> atPeer = new ArrayList<>();
  String lost;

  TurnClient client(String password) {
    server = new TurnServer(serverEnv, serverCounters,
        TurnServer.Config.of("test", Map.of("alice", "secret")), new TurnServer.Ports() {
          @Override
          public Endpoint open(boolean even) {
            Endpoint at = Endpoint.of("203.0.113.1", nextPort++);
            relayedEnvs.put(at, net.env(at, nextPort));
            net.attach(at, (b, t, from) -> server.onPeerDatagram(at, from, b));
            return at;
          }

          @Override
          public void close(Endpoint relayed) {}
        }, new TurnServer.Output() {
          @Override
          public void toClient(Endpoint c, byte[] b, int off, int len) {
            serverEnv.send(Transport.UDP, c, java.util.Arrays.copyOfRange(b, off, off + len));
          }

          @Override
          public void toPeer(Endpoint relayed, Endpoint peer, byte[] b, int off, int len) {
            relayedEnvs.get(relayed).send(Transport.UDP, peer,
                java.util.Arrays.copyOfRange(b, off, off + len));
          }
        });
    net.attach(SERVER, (b, t, from) -> server.onClientDatagram(b, from));
    Env env = net.env(CLIENT, 2);
    StunAgent stun = new StunAgent(env, clientCounters);
    TurnClient[] c = new TurnClient[1];
    c[0] = new TurnClient(env, stun, clientCounters, SERVER, "alice", password,
        new TurnClient.Listener() {
          @Override
          public void onData(Endpoint peer, byte[] data, int off, int len) {
            atClient.add(peer + " " + new String(data, off, len));
          }

          @Override
          public void onLost(String why) {
            lost = why;
          }
        });
    net.attach(CLIENT, (b, t, from) -> {
      if (!c[0].onDatagram(b, from)) {
        stun.onDatagram(b, from);
      }
    });
    net.attach(PEER, (b, t, from) -> atPeer.add(from + " " + new String(b)));
    return c[0];
  }

  @Test
  void allocatesThroughTheChallengeThenRelaysByIndicationAndByChannel() {
    TurnClient c = client("secret");
    List<TurnClient.Allocated> got = new ArrayList<>();
    c.allocate(got::add, w -> { throw new AssertionError(w); });
    net.runUntil(1_000);
    assertThat(got).hasSize(1);
    Endpoint relayed = got.get(0).relayed();
    assertThat(got.get(0).mapped()).isEqualTo(CLIENT);
    assertThat(clientCounters.get("turn-client.challenged")).isEqualTo(1);

    boolean[] permitted = {false};
    c.permit(PEER, () -> permitted[0] = true, w -> { throw new AssertionError(w); });
    net.runUntil(2_000);
    assertThat(permitted[0]).isTrue();
    c.send(PEER, "hello".getBytes());
    net.runUntil(3_000);
    assertThat(atPeer).containsExactly(relayed + " hello");
    net.env(PEER, 9).send(Transport.UDP, relayed, "back".getBytes());
    net.runUntil(4_000);
    assertThat(atClient).containsExactly(PEER + " back");

    List<Integer> channel = new ArrayList<>();
    c.bind(PEER, channel::add, w -> { throw new AssertionError(w); });
    net.runUntil(5_000);
    assertThat(channel).containsExactly(0x4000);
    c.send(PEER, "via channel".getBytes());
    net.env(PEER, 9).send(Transport.UDP, relayed, "channel back".getBytes());
    net.runUntil(6_000);
    assertThat(atPeer).contains(relayed + " via channel");
    assertThat(atClient).contains(PEER + " channel back");
    assertThat(serverCounters.get("turn.channels")).isEqualTo(1);
  }

  @Test
  void theAllocationPermissionsAndChannelsAreKeptAliveForAnHourAndThenReleased() {
    TurnClient c = client("secret");
    c.allocate(a -> {}, w -> { throw new AssertionError(w); });
    net.runUntil(1_000);
    Endpoint relayed = c.allocated().relayed();
    c.bind(PEER, ch -> {}, w -> { throw new AssertionError(w); });
    net.runUntil(3_600_000);
    // Still there after an hour: refreshed every lifetime, nonces renewed after their hour.
    net.env(PEER, 9).send(Transport.UDP, relayed, "late".getBytes());
    net.runUntil(3_601_000);
    assertThat(atClient).containsExactly(PEER + " late");
    assertThat(clientCounters.get("turn-client.refreshed")).isGreaterThanOrEqualTo(6);
    assertThat(lost).isNull();
    c.release();
    net.runUntil(3_602_000);
    assertThat(server.allocations()).isZero();
  }

  @Test
  void aWrongPasswordIsReportedNotRetriedForever() {
    TurnClient c = client("guess");
    List<String> why = new ArrayList<>();
    c.allocate(a -> { throw new AssertionError("allocated with a wrong password"); }, why::add);
    net.runUntil(20_000);
    assertThat(why).hasSize(1);
    assertThat(why.get(0)).contains("401");
    assertThat(server.allocations()).isZero();
  }
}
