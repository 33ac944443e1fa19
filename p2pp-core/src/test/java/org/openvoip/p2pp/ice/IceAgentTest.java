package org.openvoip.p2pp.ice;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openvoip.p2pp.env.Counters;
import org.openvoip.p2pp.env.Endpoint;
import org.openvoip.p2pp.env.Env;
import org.openvoip.p2pp.stun.StunAgent;
import org.openvoip.p2pp.stun.StunMessage;
import org.openvoip.p2pp.transaction.TestNetwork;
import org.openvoip.p2pp.wire.WireObject.Candidate;

/** One ICE session between two nodes on the test network (no NATs; those are p2pp-sim's). */
class IceAgentTest {
  static final Endpoint A = Endpoint.of("192.0.2.1", 7080);
  static final Endpoint B = Endpoint.of("198.51.100.2", 7080);

  final TestNetwork net = new TestNetwork();

  /** A node: its STUN agent and ICE sessions, and what its session reported. */
  final class Side implements IceAgent.Listener {
    final Env env;
    final Counters counters = new Counters();
    final StunAgent stun;
    final IceSessions sessions = new IceSessions(counters);
    IceAgent agent;
    Endpoint selected;
    String failed;
    long at = -1;

    Side(Endpoint at, long seed) {
      env = net.env(at, seed);
      stun = new StunAgent(env, counters);
      stun.checks(sessions);
      net.attach(at, (bytes, t, from) -> stun.onDatagram(bytes, from));
    }

    IceAgent session(IceAgent.Role role, List<Candidate> candidates) {
      agent = new IceAgent(env, stun, counters, IceAgent.Credentials.random(env.random()), role,
          candidates, this);
      sessions.add(agent);
      return agent;
    }

    @Override
    public void onSelected(Endpoint remote, Candidate c) {
      selected = remote;
      at = net.now();
    }

    @Override
    public void onFailed(String reason) {
      failed = reason;
      at = net.now();
    }
  }

  final Side a = new Side(A, 1);
  final Side b = new Side(B, 2);

  /** A controlling, B in {@code bRole}, each with its host candidate, both started. */
  IceAgent[] startBoth(IceAgent.Role bRole) {
    IceAgent ia = a.session(IceAgent.Role.CONTROLLING, List.of(IceAgent.host(A)));
    IceAgent ib = b.session(bRole, List.of(IceAgent.host(B)));
    ia.start(ib.localCredentials(), ib.localCandidates());
    ib.start(ia.localCredentials(), ia.localCandidates());
    return new IceAgent[] {ia, ib};
  }

  @Test
  void bothSidesSelectTheirHostCandidatesAndKeepThePathAlive() {
    IceAgent[] both = startBoth(IceAgent.Role.CONTROLLED);
    IceAgent ia = both[0];
    net.runUntil(2_000);
    assertThat(a.selected).isEqualTo(B);
    assertThat(b.selected).isEqualTo(A);
    assertThat(ia.state()).isEqualTo(IceAgent.State.COMPLETED);
    assertThat(a.counters.get("ice.nominations-sent")).isEqualTo(1);
    // Keep-alives: a Binding indication every 15 s from each side.
    net.runUntil(2_000 + 31_000);
    assertThat(b.counters.get("stun.indications-received")).isEqualTo(2);
    assertThat(a.counters.get("stun.indications-received")).isEqualTo(2);
  }

  @Test
  void twoControllingSidesSettleTheirRolesByTieBreaker() {
    IceAgent[] both = startBoth(IceAgent.Role.CONTROLLING);
    IceAgent ia = both[0];
    IceAgent ib = both[1];
    net.runUntil(5_000);
    assertThat(a.selected).isEqualTo(B);
    assertThat(b.selected).isEqualTo(A);
    assertThat(ia.role()).isNotEqualTo(ib.role());
    assertThat(a.counters.get("ice.role-switched") + b.counters.get("ice.role-switched"))
        .isPositive();
  }

  @Test
  void aCheckFromAnAddressNotAmongTheCandidatesBecomesAPeerReflexivePair() {
    // A is told only an address where B is not: B's checks teach A where B really is.
    IceAgent ia = a.session(IceAgent.Role.CONTROLLING, List.of(IceAgent.host(A)));
    IceAgent ib = b.session(IceAgent.Role.CONTROLLED, List.of(IceAgent.host(B)));
    ia.start(ib.localCredentials(), List.of(IceAgent.host(Endpoint.of("203.0.113.9", 1))));
    ib.start(ia.localCredentials(), ia.localCandidates());
    net.runUntil(5_000);
    assertThat(a.selected).isEqualTo(B);
    assertThat(a.counters.get("ice.peer-reflexive-remote")).isEqualTo(1);
  }

  @Test
  void checksBeforeTheOtherSideStartsAreAnsweredAndTriggerChecksLater() {
    IceAgent ia = a.session(IceAgent.Role.CONTROLLING, List.of(IceAgent.host(A)));
    IceAgent ib = b.session(IceAgent.Role.CONTROLLED, List.of(IceAgent.host(B)));
    ia.start(ib.localCredentials(), ib.localCandidates());
    net.runUntil(1_000);
    assertThat(b.counters.get("ice.checks-answered")).isPositive();
    ib.start(ia.localCredentials(), ia.localCandidates());
    net.runUntil(5_000);
    assertThat(a.selected).isEqualTo(B);
    assertThat(b.selected).isEqualTo(A);
  }

  @Test
  void whenNothingGetsThroughTheSessionFailsForARelay() {
    net.drop(p -> p.to().equals(B));
    startBoth(IceAgent.Role.CONTROLLED);
    net.runUntil(IceAgent.TIMEOUT_MILLIS + 1_000);
    assertThat(a.selected).isNull();
    assertThat(a.failed).isNotNull();
    assertThat(a.at).isLessThanOrEqualTo(IceAgent.TIMEOUT_MILLIS);
    assertThat(b.failed).isNotNull();
  }

  @Test
  void aCheckWithTheWrongPasswordOrUnknownUfragIsRefused() {
    IceAgent ib = b.session(IceAgent.Role.CONTROLLED, List.of(IceAgent.host(B)));
    List<Integer> codes = new ArrayList<>();
    for (String user : List.of(ib.localCredentials().ufrag() + ":x", "nobody:x")) {
      StunMessage m = new StunMessage(StunMessage.BINDING_REQUEST, a.stun.newTransactionId(),
          List.of()).with(StunMessage.USERNAME, StunMessage.text(user));
      a.stun.send(B, m, "not the password at all!".getBytes(), StunAgent.Retransmit.QUICK,
          new StunAgent.Callback() {
            @Override
            public void onResponse(StunAgent.Response r) {
              codes.add(200);
            }

            @Override
            public void onFailure(StunAgent.StunFailure f) {
              codes.add(f.code());
            }
          });
    }
    net.runUntil(10_000);
    assertThat(b.counters.get("drop.ice.bad-integrity")).isPositive();
    assertThat(b.counters.get("drop.ice.unknown-ufrag")).isPositive();
    // Neither answer carries integrity under the key the sender used: both time out there.
    assertThat(codes).containsExactly(0, 0);
    assertThat(b.selected).isNull();
  }
}
