package org.openvoip.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.beans.PropertyChangeEvent;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.ConsoleHandler;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.ice4j.Transport;
import org.ice4j.TransportAddress;
import org.ice4j.ice.Agent;
import org.ice4j.ice.CandidatePair;
import org.ice4j.ice.CandidateType;
import org.ice4j.ice.Component;
import org.ice4j.ice.HostCandidate;
import org.ice4j.ice.IceMediaStream;
import org.ice4j.ice.IceProcessingState;
import org.ice4j.ice.KeepAliveStrategy;
import org.ice4j.ice.LocalCandidate;
import org.ice4j.ice.RemoteCandidate;
import org.ice4j.ice.harvest.CandidateHarvester;
import org.ice4j.ice.harvest.HarvestConfig;
import org.ice4j.ice.harvest.HarvestStatistics;
import org.ice4j.socket.IceSocketWrapper;
import org.ice4j.socket.IceUdpSocketWrapper;
import org.ice4j.socket.MultiplexingDatagramSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openvoip.p2pp.env.Counters;
import org.openvoip.p2pp.env.Endpoint;
import org.openvoip.p2pp.ice.IceAgent;
import org.openvoip.p2pp.ice.IceSessions;
import org.openvoip.p2pp.stun.StunAgent;
import org.openvoip.p2pp.wire.IpAddress;
import org.openvoip.p2pp.wire.WireDecoder;
import org.openvoip.p2pp.wire.WireObject.Candidate;

/**
 * ICE (RFC 8445) against another implementation, the ICE agent of Jitsi's ice4j, on loopback:
 * our {@link IceAgent}, on a real Netty UDP socket, and ice4j's agent, on its own socket, run
 * their connectivity checks against each other until both have selected the pair between the two
 * sockets, once with our agent controlling and once with ice4j's.
 *
 * <p>ice4j is set up as our agent is: one component, UDP, one host candidate, regular nomination
 * (its default, nominate the first valid pair). Its host harvester skips loopback interfaces, so
 * the test gives it a host candidate on 127.0.0.1 through a harvester of its own; and its
 * mapping harvesters are off: the AWS one would otherwise ask the EC2 metadata address whether
 * it runs there, and nothing here may leave loopback. ice4j logs through java.util.logging:
 * {@code -Dice4j.interop.log=FINE} shows its checks.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class Ice4jInteropTest {
  /** Both sides must be done within this (our agent gives up on its own after 12 s). */
  private static final long WAIT_SECONDS = 25;
  private static final String LOOPBACK = "127.0.0.1";
  /**
   * ice4j's loggers and its configuration's (one named by its simple class name): kept, for
   * java.util.logging holds loggers weakly.
   */
  private static final List<Logger> LOGS = List.of(Logger.getLogger("org.ice4j"),
      Logger.getLogger("org.jitsi"), Logger.getLogger("JitsiConfig"));

  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final List<NetTransport> transports = new ArrayList<>();
  private final List<Agent> ice4jAgents = new ArrayList<>();
  private final List<Runnable> closers = new ArrayList<>();

  @BeforeAll
  static void configureIce4j() {
    Level level = Level.parse(System.getProperty("ice4j.interop.log", "WARNING"));
    for (Logger log : LOGS) {
      log.setLevel(level);
      if (level.intValue() < Level.INFO.intValue()) {
        ConsoleHandler h = new ConsoleHandler();
        h.setLevel(level);
        log.addHandler(h);
        log.setUseParentHandlers(false);
      }
    }
    // Read once, when ice4j first loads its configuration (HOCON, which system properties
    // override; the second is the legacy name of the first).
    System.setProperty("ice4j.harvest.mapping.aws.enabled", "false");
    System.setProperty("org.ice4j.ice.harvest.DISABLE_AWS_HARVESTER", "true");
    System.setProperty("ice4j.harvest.use-ipv6", "false");
    System.setProperty("ice4j.harvest.use-link-local-addresses", "false");
    // Refuse to go on rather than let an Agent probe anything beyond loopback.
    assertThat(HarvestConfig.config.enableAwsHarvester()).as("ice4j's AWS harvester").isFalse();
    assertThat(HarvestConfig.config.stunMappingCandidateHarvesterAddresses())
        .as("ice4j's STUN mapping servers").isEmpty();
    assertThat(HarvestConfig.config.getStaticMappings()).as("ice4j's static mappings").isEmpty();
  }

  @AfterEach
  void stop() throws Exception {
    for (Runnable r : closers) {
      r.run();
    }
    ice4jAgents.forEach(Agent::free);
    transports.forEach(NetTransport::close);
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
  }

  @Test
  void ourControllingAgentNominatesAPairWithIce4jControlled() throws Exception {
    connect(IceAgent.Role.CONTROLLING);
  }

  @Test
  void ice4jControllingNominatesAPairWithOurAgentControlled() throws Exception {
    connect(IceAgent.Role.CONTROLLED);
  }

  /** Our agent, in {@code ourRole}, and ice4j's, in the other, connect on loopback. */
  private void connect(IceAgent.Role ourRole) throws Exception {
    // ice4j's side: one stream, one component, one host candidate on loopback.
    Agent ice4j = new Agent();
    ice4jAgents.add(ice4j);
    ice4j.setControlling(ourRole == IceAgent.Role.CONTROLLED);
    ice4j.setUseDynamicPorts(false); // no HostCandidateHarvester: it skips loopback
    ice4j.addCandidateHarvester(new LoopbackHostHarvester());
    IceMediaStream stream = ice4j.createMediaStream("p2pp");
    Component component = ice4j.createComponent(stream, KeepAliveStrategy.SELECTED_ONLY, false);
    assertThat(component.getLocalCandidates()).hasSize(1);
    LocalCandidate theirs = component.getLocalCandidates().get(0);
    TransportAddress theirAddress = theirs.getTransportAddress();
    Endpoint theirEndpoint = Endpoint.of(theirAddress.getHostAddress(), theirAddress.getPort());

    // Our side: a node's UDP port, its STUN agent and ICE sessions, one ICE agent.
    Counters counters = new Counters();
    NetTransport net = NetTransport.bind(group, new InetSocketAddress(LOOPBACK, 0),
        new WireDecoder(20), counters);
    transports.add(net);
    SplittableRandom random = new SplittableRandom(ourRole.ordinal());
    StunAgent stun = new StunAgent(net.env(random), counters);
    IceSessions sessions = new IceSessions(counters);
    net.receiver((bytes, transport, from) -> stun.onDatagram(bytes, from));
    Endpoint ours = net.localEndpoint();
    CompletableFuture<Endpoint> ourSelection = new CompletableFuture<>();
    IceAgent.Credentials ourCredentials = IceAgent.Credentials.random(random);
    IceAgent agent = onLoop(net, () -> {
      IceAgent a = new IceAgent(net.env(random), stun, counters, ourCredentials, ourRole,
          List.of(IceAgent.host(ours)), new IceAgent.Listener() {
            @Override
            public void onSelected(Endpoint remote, Candidate remoteCandidate) {
              ourSelection.complete(remote);
            }

            @Override
            public void onFailed(String reason) {
              ourSelection.completeExceptionally(new AssertionError("our agent failed: "
                  + reason));
            }
          });
      stun.checks(sessions);
      sessions.add(a);
      return a;
    });
    closers.add(() -> net.eventLoop().execute(agent::close));

    // Each learns the other's credentials and candidate, as from an offer and an answer.
    stream.setRemoteUfrag(ourCredentials.ufrag());
    stream.setRemotePassword(ourCredentials.password());
    Candidate ourCandidate = IceAgent.host(ours);
    component.addRemoteCandidate(new RemoteCandidate(
        new TransportAddress(LOOPBACK, ours.port(), Transport.UDP), component,
        CandidateType.HOST_CANDIDATE, String.valueOf(ourCandidate.foundation()),
        ourCandidate.priority(), null));
    Candidate theirCandidate = new Candidate(1, Candidate.COMPONENT_P2PP, theirs.getPriority(),
        Candidate.UDP, Candidate.HOST, IpAddress.parse(theirAddress.getHostAddress()),
        theirAddress.getPort(), null, 0);
    IceAgent.Credentials theirCredentials =
        new IceAgent.Credentials(ice4j.getLocalUfrag(), ice4j.getLocalPassword());

    CompletableFuture<IceProcessingState> ice4jDone = new CompletableFuture<>();
    ice4j.addStateChangeListener((PropertyChangeEvent e) -> {
      if (!Agent.PROPERTY_ICE_PROCESSING_STATE.equals(e.getPropertyName())) {
        return;
      }
      IceProcessingState s = (IceProcessingState) e.getNewValue();
      if (s == IceProcessingState.COMPLETED || s == IceProcessingState.FAILED) {
        ice4jDone.complete(s);
      }
    });

    ice4j.startConnectivityEstablishment();
    onLoop(net, () -> {
      agent.start(theirCredentials, List.of(theirCandidate));
      return null;
    });

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    Endpoint selected = ourSelection.get(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
    IceProcessingState ice4jState =
        ice4jDone.get(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
    String ourCounters = onLoop(net, counters::toString);

    // Ours chose ice4j's candidate, in the role it started with.
    assertThat(selected).as(ourCounters).isEqualTo(theirEndpoint);
    assertThat(onLoop(net, agent::state)).isEqualTo(IceAgent.State.COMPLETED);
    assertThat(onLoop(net, agent::role)).isEqualTo(ourRole);
    assertThat(onLoop(net, agent::selected)).isEqualTo(theirEndpoint);

    // ice4j completed, with the pair between its socket and ours.
    assertThat(ice4jState).as(ourCounters).isEqualTo(IceProcessingState.COMPLETED);
    assertThat(ice4j.isControlling()).isEqualTo(ourRole == IceAgent.Role.CONTROLLED);
    CandidatePair pair = component.getSelectedPair();
    assertThat(pair).as("ice4j's selected pair").isNotNull();
    assertThat(pair.isNominated()).isTrue();
    assertThat(pair.getRemoteCandidate().getTransportAddress())
        .isEqualTo(new TransportAddress(LOOPBACK, ours.port(), Transport.UDP));
    assertThat(pair.getLocalCandidate().getTransportAddress()).isEqualTo(theirAddress);
    assertThat(ice4j.getSelectedRemoteCandidate(stream.getName()).getTransportAddress())
        .isEqualTo(new TransportAddress(LOOPBACK, ours.port(), Transport.UDP));

    // Each accepted the other's checks: no integrity, attribute or role trouble on our side.
    assertThat(onLoop(net, () -> counters.get("ice.checks-answered"))).as(ourCounters)
        .isPositive();
    for (String drop : List.of("drop.ice.bad-integrity", "drop.ice.unknown-ufrag",
        "drop.stun.unknown-attribute", "drop.stun.bad-integrity", "drop.stun.bad-fingerprint",
        "drop.stun.malformed", "ice.role-switched", "ice.non-symmetric-answer",
        "stun.error-responses")) {
      assertThat(onLoop(net, () -> counters.get(drop))).as(drop + " in " + ourCounters)
          .isZero();
    }
  }

  private static <T> T onLoop(NetTransport net, Callable<T> task) throws Exception {
    return net.eventLoop().submit(task).get(10, TimeUnit.SECONDS);
  }

  /**
   * ice4j's host harvester, reduced to one UDP socket on 127.0.0.1: what HostCandidateHarvester
   * does for each address it allows (it allows no loopback one).
   */
  private static final class LoopbackHostHarvester implements CandidateHarvester {
    private final HarvestStatistics statistics = new HarvestStatistics();

    @Override
    public Collection<LocalCandidate> harvest(Component component) {
      try {
        IceSocketWrapper socket = new IceUdpSocketWrapper(
            new MultiplexingDatagramSocket(0, InetAddress.getByName(LOOPBACK)));
        HostCandidate candidate = new HostCandidate(socket, component, Transport.UDP);
        component.addLocalCandidate(candidate);
        candidate.getStunStack().addSocket(candidate.getStunSocket(null));
        if (component.getComponentSocket() != null) {
          component.getComponentSocket().add(candidate.getCandidateIceSocketWrapper());
        }
        return List.of(candidate);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }

    @Override
    public HarvestStatistics getHarvestStatistics() {
      return statistics;
    }

    @Override
    public boolean isHostHarvester() {
      return true;
    }
  }
}
