package org.openvoip.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.openvoip.p2pp.env.Counters;
import org.openvoip.p2pp.relay.TurnServer;

/**
 * Our relay against a real TURN client, coturn's turnutils_uclient (Debian package coturn): two
 * clients allocate on our relay, bind channels (or use Send and Data indications) and exchange
 * G.711-sized packets at 50 per second through it.
 */
class TurnRelayInteropTest {
  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final Counters counters = new Counters();
  private NetRelay relay;

  @BeforeEach
  void start() throws Exception {
    relay = NetRelay.start(group, new InetSocketAddress("127.0.0.1", 0), null,
        TurnServer.Config.of("test", Map.of("alice", "secret")), counters);
  }

  @AfterEach
  void stop() throws Exception {
    relay.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
  }

  private String uclient(String... extra) throws Exception {
    Path client = SystemPeer.require("turnutils_uclient", "coturn");
    List<String> cmd = new ArrayList<>(List.of(client.toString(), "-y", "-c", "-n", "50", "-m",
        "2", "-l", "172", "-p", String.valueOf(relay.localEndpoint().port())));
    cmd.addAll(List.of(extra));
    cmd.add("127.0.0.1");
    Path log = Files.createTempFile("uclient", ".txt");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
        .start();
    boolean exited = p.waitFor(30, TimeUnit.SECONDS);
    p.destroyForcibly();
    String out = Files.readString(log);
    Files.delete(log);
    assertThat(exited).as(out).isTrue();
    return out;
  }

  private long counter(String name) throws Exception {
    return relay.eventLoop().submit(() -> counters.get(name)).get();
  }

  @ParameterizedTest
  @ValueSource(strings = {"channels", "indications"})
  void twoTurnClientsTalkThroughOurRelayWithoutLoss(String mode) throws Exception {
    String out = mode.equals("indications") ? uclient("-u", "alice", "-w", "secret", "-s")
        : uclient("-u", "alice", "-w", "secret");
    assertThat(out).contains("tot_send_msgs=100, tot_recv_msgs=100",
        "Total lost packets 0 (0.000000%)");
    assertThat(counter("turn.allocations")).isGreaterThanOrEqualTo(2);
    assertThat(counter("turn.relayed-to-peer")).isGreaterThanOrEqualTo(100);
    assertThat(counter("turn.relayed-to-client")).isGreaterThanOrEqualTo(100);
    assertThat(counter(mode.equals("channels") ? "turn.channels" : "turn.permissions"))
        .isPositive();
  }

  @Test
  void aWrongPasswordGetsNoAllocation() throws Exception {
    String out = uclient("-u", "alice", "-w", "not-it");
    assertThat(out).contains("Cannot complete Allocation");
    assertThat(counter("drop.turn.bad-credentials")).isPositive();
    assertThat(counter("turn.allocations")).isZero();
  }
}
