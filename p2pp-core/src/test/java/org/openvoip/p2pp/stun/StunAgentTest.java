package org.openvoip.p2pp.stun;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.openvoip.p2pp.env.Counters;
import org.openvoip.p2pp.env.Endpoint;
import org.openvoip.p2pp.transaction.TestNetwork;
import org.openvoip.p2pp.wire.Bytes;

/** The STUN agent as client and server, on the test network's virtual clock. */
class StunAgentTest {
  static final Endpoint CLIENT = Endpoint.of("192.0.2.10", 5000);
  static final Endpoint A = Endpoint.of("198.51.100.1", 7080);
  static final Endpoint B = Endpoint.of("203.0.113.7", 7080);

  final TestNetwork net = new TestNetwork();
  final Counters clientCounters = new Counters();
  final Counters aCounters = new Counters();
  final Counters bCounters = new Counters();
  final StunAgent client = agent(CLIENT, clientCounters, 1);
  final StunAgent a = agent(A, aCounters, 2);
  final StunAgent b = agent(B, bCounters, 3);

  StunAgent agent(Endpoint at, Counters counters, long seed) {
    StunAgent s = new StunAgent(net.env(at, seed), counters);
    net.attach(at, (bytes, t, from) -> s.onDatagram(bytes, from));
    return s;
  }

  static StunMessage binding(StunAgent from) {
    return new StunMessage(StunMessage.BINDING_REQUEST, from.newTransactionId(), List.of());
  }

  @Test
  void aBindingRequestLearnsTheAddressItCameFromAndThePartner() throws Exception {
    a.partner(from -> B);
    CompletableFuture<StunAgent.Response> f = sendF(client, A, binding(client), null,
        StunAgent.Retransmit.RFC8489);
    net.runUntil(100);
    StunAgent.Response r = f.get();
    assertThat(r.mapped()).isEqualTo(CLIENT);
    assertThat(r.otherAddress()).isEqualTo(B);
    assertThat(r.from()).isEqualTo(A);
    assertThat(StunMessage.fingerprintValid(r.bytes())).isTrue();
    assertThat(aCounters.get("stun.binding-answered")).isEqualTo(1);
    assertThat(client.pendingRequests()).isZero();
  }

  @Test
  void anUnansweredRequestIsSentSevenTimesAndFailsAfterThirtyNineAndAHalfSeconds() {
    List<Long> sends = new ArrayList<>();
    net.drop(p -> {
      if (p.to().equals(A)) {
        sends.add(p.time());
        return true;
      }
      return false;
    });
    CompletableFuture<StunAgent.Response> f = sendF(client, A, binding(client), null,
        StunAgent.Retransmit.RFC8489);
    net.runUntil(39_499);
    assertThat(f).isNotDone();
    net.runUntil(39_500);
    assertThat(sends).containsExactly(0L, 500L, 1500L, 3500L, 7500L, 15500L, 31500L);
    assertThat(f).isCompletedExceptionally();
    assertThat(failure(f).timedOut()).isTrue();
    assertThat(clientCounters.get("stun.timeouts")).isEqualTo(1);
  }

  @Test
  void changeRequestIsAnsweredByThePartnerFromItsOwnAddress() throws Exception {
    a.partner(from -> B);
    b.forwarders(e -> e.equals(A));
    StunMessage m = binding(client).with(StunMessage.CHANGE_REQUEST,
        Bytes.of((byte) 0, (byte) 0, (byte) 0, (byte) 6));
    CompletableFuture<StunAgent.Response> f = sendF(client, A, m, null,
        StunAgent.Retransmit.QUICK);
    net.runUntil(100);
    StunAgent.Response r = f.get();
    assertThat(r.from()).isEqualTo(B);
    assertThat(r.mapped()).isEqualTo(CLIENT);
    assertThat(aCounters.get("stun.change-passed-to-partner")).isEqualTo(1);
    assertThat(bCounters.get("stun.answered-for-partner")).isEqualTo(1);
  }

  @Test
  void aPeerDoesNotAnswerForAStranger() {
    // The "partner" request comes from the client itself, aiming B's answer at a third party.
    StunMessage m = binding(client).with(StunMessage.RESPONSE_TARGET,
        StunMessage.xorAddress(Endpoint.of("192.0.2.99", 9), Bytes.of(new byte[12])));
    sendF(client, B, m, null, StunAgent.Retransmit.QUICK);
    net.runUntil(100);
    assertThat(bCounters.get("drop.stun.response-target-from-stranger")).isEqualTo(1);
    assertThat(bCounters.get("stun.answered-for-partner")).isZero();
  }

  @Test
  void withoutAPartnerChangeRequestGets420NamingIt() {
    StunMessage m = binding(client).with(StunMessage.CHANGE_REQUEST,
        Bytes.of((byte) 0, (byte) 0, (byte) 0, (byte) 6));
    CompletableFuture<StunAgent.Response> f = sendF(client, A, m, null,
        StunAgent.Retransmit.QUICK);
    net.runUntil(100);
    assertThat(failure(f).code()).isEqualTo(420);
    assertThat(aCounters.get("stun.change-refused")).isEqualTo(1);
  }

  @Test
  void anUnknownComprehensionRequiredAttributeGets420AndAnOptionalOneIsIgnored()
      throws Exception {
    CompletableFuture<StunAgent.Response> unknown = sendF(client, A,
        binding(client).with(0x0777, Bytes.of((byte) 1)), null, StunAgent.Retransmit.QUICK);
    CompletableFuture<StunAgent.Response> optional = sendF(client, A,
        binding(client).with(0x8777, Bytes.of((byte) 1)), null, StunAgent.Retransmit.QUICK);
    net.runUntil(100);
    assertThat(failure(unknown).code()).isEqualTo(420);
    assertThat(optional.get().mapped()).isEqualTo(CLIENT);
  }

  @Test
  void malformedAndForgedDatagramsAreCountedAndDropped() {
    byte[] request = binding(client).withFingerprint().encode();
    byte[] badFingerprint = request.clone();
    badFingerprint[request.length - 1] ^= 1;
    byte[] truncated = java.util.Arrays.copyOf(request, request.length - 3);
    net.attach(CLIENT, (bytes, t, from) -> client.onDatagram(bytes, from));
    a.onDatagram(badFingerprint, CLIENT);
    a.onDatagram(truncated, CLIENT);
    net.runUntil(100);
    assertThat(aCounters.get("drop.stun.bad-fingerprint")).isEqualTo(1);
    assertThat(aCounters.get("drop.stun.malformed")).isEqualTo(1);
    assertThat(aCounters.get("stun.binding-answered")).isZero();
  }

  @Test
  void withAKeyOnlyAnAnswerWithThatKeysIntegrityCounts() {
    byte[] key = "secret".getBytes();
    // A answers without integrity, as a plain server would: the client waits for a real one.
    CompletableFuture<StunAgent.Response> f = sendF(client, A,
        binding(client).with(StunMessage.USERNAME, StunMessage.text("x:y")), key,
        StunAgent.Retransmit.QUICK);
    a.checks((request, bytes, from) -> request.reply(StunMessage.BINDING_SUCCESS)
        .withFingerprint().encode());
    net.runUntil(100);
    assertThat(f).isNotDone();
    assertThat(clientCounters.get("drop.stun.bad-integrity")).isEqualTo(1);
    a.checks((request, bytes, from) -> StunMessage.integrityValid(bytes, key)
        ? request.reply(StunMessage.BINDING_SUCCESS).withIntegrity(key).withFingerprint()
            .encode() : null);
    net.runUntil(1000);
    assertThat(f).isCompleted();
  }

  /** {@link StunAgent#send} as a future, for tests. */
  static java.util.concurrent.CompletableFuture<StunAgent.Response> sendF(StunAgent agent,
      Endpoint to, StunMessage m, byte[] key, StunAgent.Retransmit r) {
    java.util.concurrent.CompletableFuture<StunAgent.Response> f =
        new java.util.concurrent.CompletableFuture<>();
    agent.send(to, m, key, r, StunAgent.Callback.of(f::complete, f::completeExceptionally));
    return f;
  }

  static StunAgent.StunFailure failure(CompletableFuture<?> f) {
    try {
      f.get();
      throw new AssertionError("expected a failure");
    } catch (ExecutionException e) {
      return (StunAgent.StunFailure) e.getCause();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }
}
