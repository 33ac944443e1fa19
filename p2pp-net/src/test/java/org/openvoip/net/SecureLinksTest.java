package org.openvoip.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.openvoip.p2pp.env.Counters;
import org.openvoip.p2pp.env.Endpoint;
import org.openvoip.p2pp.env.Env;
import org.openvoip.p2pp.env.Transport;
import org.openvoip.p2pp.security.CertificateChecker;
import org.openvoip.p2pp.security.Certificates;
import org.openvoip.p2pp.security.Hashes;
import org.openvoip.p2pp.security.Identity;
import org.openvoip.p2pp.security.SignatureScheme;
import org.openvoip.p2pp.wire.Bytes;
import org.openvoip.p2pp.wire.WireDecoder;

/**
 * Authenticated links on loopback: DTLS 1.2 for datagrams and TLS 1.3 for streams, both ends
 * showing a certificate. Bytes arrive with the node-IDs of the sender's certificate; nothing
 * travels in the clear; certificates from an unknown CA or revoked ones are refused and counted.
 */
class SecureLinksTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final long DAY = 86_400_000L;

  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void shutdown() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** A certificate authority of a test overlay. */
  private record Ca(KeyPair keys, X509Certificate certificate) {
    static Ca create(SignatureScheme scheme, String name) {
      KeyPair kp = scheme.generate(RANDOM);
      long now = System.currentTimeMillis();
      return new Ca(kp, Certificates.authority(kp, name, now - DAY, now + 365 * DAY, RANDOM));
    }

    Identity enroll(SignatureScheme scheme, String user) {
      KeyPair kp = scheme.generate(RANDOM);
      byte[] id = new byte[20];
      RANDOM.nextBytes(id);
      long now = System.currentTimeMillis();
      return new Identity(kp, Certificates.node(kp.getPublic(), user, List.of(Bytes.of(id)),
          "test", certificate, keys.getPrivate(), Certificates.serial(RANDOM), now - DAY,
          now + DAY, RANDOM));
    }

    CertificateChecker checker() {
      return new CertificateChecker(List.of(certificate), false, 20);
    }
  }

  /** What a transport received: bytes, how, from where, and the IDs its link bound. */
  private record Received(String text, Transport transport, Endpoint from, List<Bytes> ids) {}

  private final class Link {
    final NetTransport transport;
    final Env env;
    final Counters counters = new Counters();
    final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    final Identity identity;

    Link(Identity identity, CertificateChecker checker, int port) throws Exception {
      this.identity = identity;
      LinkSecurity security = new LinkSecurity(identity, List.of(), checker, RANDOM);
      transport = NetTransport.bind(group, new InetSocketAddress("127.0.0.1", port),
          new WireDecoder(20), counters, security);
      env = transport.env(new java.util.SplittableRandom(1));
      transport.receiver((bytes, t, from) -> received.add(new Received(
          new String(bytes, StandardCharsets.UTF_8), t, from, env.linkIds(t, from))));
      open.add(transport);
    }

    Endpoint endpoint() {
      return transport.localEndpoint();
    }

    void send(Transport t, Link to, String text) {
      env.send(t, to.endpoint(), text.getBytes(StandardCharsets.UTF_8));
    }

    Received next() throws InterruptedException {
      Received r = received.poll(10, TimeUnit.SECONDS);
      assertThat(r).as("a message within 10 s").isNotNull();
      return r;
    }

    long counter(String name) throws Exception {
      return transport.eventLoop().submit(() -> counters.snapshot().getOrDefault(name, 0L))
          .get();
    }
  }

  @ParameterizedTest
  @EnumSource(SignatureScheme.class)
  void datagramsAndStreamsArriveWithTheSendersCertifiedIds(SignatureScheme scheme)
      throws Exception {
    Ca ca = Ca.create(scheme, "CN=Test CA");
    Link a = new Link(ca.enroll(scheme, "alice@test"), ca.checker(), 0);
    Link b = new Link(ca.enroll(scheme, "bob@test"), ca.checker(), 0);

    a.send(Transport.UDP, b, "hello over DTLS");
    Received r = b.next();
    assertThat(r.text()).isEqualTo("hello over DTLS");
    assertThat(r.transport()).isEqualTo(Transport.DTLS);
    assertThat(r.from()).isEqualTo(a.endpoint());
    assertThat(r.ids()).isEqualTo(a.identity.nodeIds());

    b.send(Transport.UDP, a, "and back");
    Received back = a.next();
    assertThat(back.text()).isEqualTo("and back");
    assertThat(back.ids()).isEqualTo(b.identity.nodeIds());

    a.send(Transport.TCP, b, "a frame over TLS");
    // A frame is a P2PP message on a stream; this one is not, so the framing drops it: the
    // point here is the handshake, checked by the counters on both sides.
    waitFor(() -> a.counter("net.tls-handshakes") == 1 && b.counter("net.tls-handshakes") == 1);
    assertThat(a.counter("net.dtls-handshakes")).isEqualTo(1);
    assertThat(b.counter("net.dtls-handshakes")).isEqualTo(1);
  }

  @Test
  void bothEndsStartingAtOnceAgreeOnOneSession() throws Exception {
    Ca ca = Ca.create(SignatureScheme.ED25519, "CN=Test CA");
    Link a = new Link(ca.enroll(SignatureScheme.ED25519, "alice@test"), ca.checker(), 0);
    Link b = new Link(ca.enroll(SignatureScheme.ED25519, "bob@test"), ca.checker(), 0);
    for (int i = 0; i < 5; i++) {
      a.send(Transport.UDP, b, "a" + i);
      b.send(Transport.UDP, a, "b" + i);
    }
    List<String> atA = new ArrayList<>();
    List<String> atB = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      atA.add(a.next().text());
      atB.add(b.next().text());
    }
    assertThat(atA).containsExactlyInAnyOrder("b0", "b1", "b2", "b3", "b4");
    assertThat(atB).containsExactlyInAnyOrder("a0", "a1", "a2", "a3", "a4");
  }

  @Test
  void nothingTravelsInTheClear() throws Exception {
    Ca ca = Ca.create(SignatureScheme.ED25519, "CN=Test CA");
    Link a = new Link(ca.enroll(SignatureScheme.ED25519, "alice@test"), ca.checker(), 0);
    try (DatagramSocket listener = new DatagramSocket(0,
        java.net.InetAddress.getByName("127.0.0.1"))) {
      listener.setSoTimeout(10_000);
      a.env.send(Transport.UDP, Endpoint.of("127.0.0.1", listener.getLocalPort()),
          "secret words".getBytes(StandardCharsets.UTF_8));
      DatagramPacket p = new DatagramPacket(new byte[4096], 4096);
      listener.receive(p);
      byte[] got = java.util.Arrays.copyOf(p.getData(), p.getLength());
      assertThat(DtlsLinks.clientHelloRandom(got)).as("a DTLS ClientHello").isNotNull();
      assertThat(new String(got, StandardCharsets.ISO_8859_1)).doesNotContain("secret");
    }
  }

  @Test
  void aCertificateFromAnotherCaIsRefusedAndCounted() throws Exception {
    Ca ours = Ca.create(SignatureScheme.ED25519, "CN=Our CA");
    Ca theirs = Ca.create(SignatureScheme.ED25519, "CN=Rogue CA");
    Link b = new Link(ours.enroll(SignatureScheme.ED25519, "bob@test"), ours.checker(), 0);
    Link rogue = new Link(theirs.enroll(SignatureScheme.ED25519, "mallory@test"),
        ours.checker(), 0);
    rogue.send(Transport.UDP, b, "let me in");
    rogue.send(Transport.TCP, b, "let me in");
    waitFor(() -> b.counter("security.refused.bad-certificate") >= 2);
    assertThat(b.received.poll(500, TimeUnit.MILLISECONDS)).isNull();
    waitFor(() -> rogue.counter("net.dtls-handshake-failed") >= 1);
  }

  @Test
  void aRevokedCertificateIsRefusedAndCounted() throws Exception {
    Ca ca = Ca.create(SignatureScheme.ECDSA_P256_SHA256, "CN=Test CA");
    CertificateChecker bTrusts = ca.checker();
    Link b = new Link(ca.enroll(SignatureScheme.ECDSA_P256_SHA256, "bob@test"), bTrusts, 0);
    Identity revoked = ca.enroll(SignatureScheme.ECDSA_P256_SHA256, "mallory@test");
    bTrusts.revoke(revoked.certificate().getSerialNumber());
    Link mallory = new Link(revoked, ca.checker(), 0);
    mallory.send(Transport.UDP, b, "still me");
    waitFor(() -> b.counter("security.refused.revoked-certificate") >= 1);
    assertThat(b.received.poll(500, TimeUnit.MILLISECONDS)).isNull();
  }

  @Test
  void selfSignedCertificatesWorkWhereTheOverlayAllowsThem() throws Exception {
    CertificateChecker adhoc = new CertificateChecker(List.of(), true, 20);
    long now = System.currentTimeMillis();
    Identity ia = Identity.selfSigned(SignatureScheme.ED25519, "a@adhoc", "adhoc", 20, now, DAY,
        RANDOM);
    Identity ib = Identity.selfSigned(SignatureScheme.ED25519, "b@adhoc", "adhoc", 20, now, DAY,
        RANDOM);
    Link a = new Link(ia, adhoc, 0);
    Link b = new Link(ib, adhoc, 0);
    a.send(Transport.UDP, b, "ad hoc");
    Received r = b.next();
    assertThat(r.ids()).containsExactly(Hashes.id(ia.keys().getPublic().getEncoded(), 20));
  }

  @Test
  void aPeerThatRestartsOnItsAddressGetsANewSession() throws Exception {
    Ca ca = Ca.create(SignatureScheme.ED25519, "CN=Test CA");
    Link a = new Link(ca.enroll(SignatureScheme.ED25519, "alice@test"), ca.checker(), 0);
    Link b = new Link(ca.enroll(SignatureScheme.ED25519, "bob@test"), ca.checker(), 0);
    b.send(Transport.UDP, a, "first life");
    assertThat(a.next().ids()).isEqualTo(b.identity.nodeIds());
    int port = b.endpoint().port();
    b.transport.close();
    Link reborn = new Link(ca.enroll(SignatureScheme.ED25519, "bob@test"), ca.checker(), port);
    reborn.send(Transport.UDP, a, "second life");
    Received r = a.next();
    assertThat(r.text()).isEqualTo("second life");
    assertThat(r.ids()).isEqualTo(reborn.identity.nodeIds());
    assertThat(a.counter("net.dtls-peer-restarted")).isEqualTo(1);
  }

  /**
   * A node keeps sending to an address whose peer crashed (it has not noticed yet), and another
   * node starts on that address and talks to it: the two must end up with one working session.
   */
  @Test
  void aNewPeerOnAnAddressStillBeingSentToGetsThrough() throws Exception {
    Ca ca = Ca.create(SignatureScheme.ED25519, "CN=Test CA");
    Link a = new Link(ca.enroll(SignatureScheme.ED25519, "alice@test"), ca.checker(), 0);
    Link b = new Link(ca.enroll(SignatureScheme.ED25519, "bob@test"), ca.checker(), 0);
    b.send(Transport.UDP, a, "hello");
    a.next();
    a.send(Transport.UDP, b, "hello back");
    b.next();
    int port = b.endpoint().port();
    Endpoint old = b.endpoint();
    b.transport.close();
    java.util.concurrent.ScheduledExecutorService noise =
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
    try {
      noise.scheduleAtFixedRate(() -> a.env.send(Transport.UDP, old,
          "are you there?".getBytes(StandardCharsets.UTF_8)), 0, 100, TimeUnit.MILLISECONDS);
      Thread.sleep(1000);
      Link c = new Link(ca.enroll(SignatureScheme.ED25519, "carol@test"), ca.checker(), port);
      int got = 0;
      for (int i = 0; i < 20 && got < 3; i++) {
        c.send(Transport.UDP, a, "ping " + i);
        Received r = a.received.poll(1, TimeUnit.SECONDS);
        while (r != null && !r.text().startsWith("ping")) {
          r = a.received.poll(1, TimeUnit.SECONDS);
        }
        if (r != null) {
          assertThat(r.ids()).isEqualTo(c.identity.nodeIds());
          got++;
        }
      }
      assertThat(got).as("pings from the new peer that arrived").isEqualTo(3);
    } finally {
      noise.shutdownNow();
    }
  }

  /**
   * One side hears nothing for a while and starts a new handshake while the other keeps sending
   * on the old session (it does not know): the new session must come up, and traffic flow again
   * both ways.
   */
  @Test
  void aNewHandshakeSurvivesRecordsOfTheOldSession() throws Exception {
    Ca ca = Ca.create(SignatureScheme.ED25519, "CN=Test CA");
    Link a = new Link(ca.enroll(SignatureScheme.ED25519, "alice@test"), ca.checker(), 0);
    Link b = new Link(ca.enroll(SignatureScheme.ED25519, "bob@test"), ca.checker(), 0);
    a.send(Transport.UDP, b, "hello");
    b.next();
    DtlsLinks.staleMillis = 300;
    java.util.concurrent.ScheduledExecutorService talk =
        java.util.concurrent.Executors.newScheduledThreadPool(2);
    try {
      // b talks to a all the time and a says nothing back, so b's session goes stale again and
      // again; a keeps sending on whatever session it has.
      talk.scheduleAtFixedRate(() -> b.send(Transport.UDP, a, "b talks"), 0, 20,
          TimeUnit.MILLISECONDS);
      Thread.sleep(1500);
      a.received.clear();
      b.received.clear();
      int heard = 0;
      for (int i = 0; i < 50 && heard < 5; i++) {
        a.send(Transport.UDP, b, "a answers " + i);
        Received r = b.received.poll(200, TimeUnit.MILLISECONDS);
        if (r != null) {
          heard++;
        }
      }
      assertThat(heard).as("a's messages that reached b").isEqualTo(5);
    } finally {
      talk.shutdownNow();
      DtlsLinks.staleMillis = DtlsLinks.STALE_MILLIS;
    }
  }

  @org.junit.jupiter.api.RepeatedTest(10)
  void simultaneousOpensAlwaysEndInOneSession() throws Exception {
    Ca ca = Ca.create(SignatureScheme.ED25519, "CN=Test CA");
    Link a = new Link(ca.enroll(SignatureScheme.ED25519, "alice@test"), ca.checker(), 0);
    Link b = new Link(ca.enroll(SignatureScheme.ED25519, "bob@test"), ca.checker(), 0);
    java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
    Thread ta = new Thread(() -> {
      try {
        go.await();
      } catch (InterruptedException e) {
        return;
      }
      a.send(Transport.UDP, b, "from a");
    });
    ta.start();
    go.countDown();
    b.send(Transport.UDP, a, "from b");
    Received atA = a.received.poll(10, TimeUnit.SECONDS);
    Received atB = b.received.poll(10, TimeUnit.SECONDS);
    String why = "A " + a.transport.eventLoop().submit(() -> a.counters.snapshot()).get()
        + " B " + b.transport.eventLoop().submit(() -> b.counters.snapshot()).get();
    assertThat(atA).as(why).isNotNull();
    assertThat(atB).as(why).isNotNull();
  }

  /**
   * STUN passes a secured port in the clear both ways: a Binding request reaches the engine's
   * STUN agent as a plain datagram, and its answer leaves unencrypted, as on a plain port.
   */
  @Test
  void theP2ppPortAnswersStunBindingRequests() throws Exception {
    Ca ca = Ca.create(SignatureScheme.ED25519, "CN=Test CA");
    Link secured = new Link(ca.enroll(SignatureScheme.ED25519, "alice@test"), ca.checker(), 0);
    org.openvoip.p2pp.stun.StunAgent securedStun =
        new org.openvoip.p2pp.stun.StunAgent(secured.env, secured.counters);
    secured.transport.receiver((bytes, t, from) -> {
      assertThat(t).isEqualTo(Transport.UDP);
      securedStun.onDatagram(bytes, from);
    });
    NetTransport plain = NetTransport.bind(group, new InetSocketAddress("127.0.0.1", 0),
        new WireDecoder(20), new Counters());
    org.openvoip.p2pp.stun.StunAgent plainStun = new org.openvoip.p2pp.stun.StunAgent(
        plain.env(new java.util.SplittableRandom(2)), new Counters());
    plain.receiver((bytes, t, from) -> plainStun.onDatagram(bytes, from));
    open.add(plain);
    for (Endpoint node : List.of(secured.endpoint(), plain.localEndpoint())) {
      try (DatagramSocket client = new DatagramSocket(0,
          java.net.InetAddress.getByName("127.0.0.1"))) {
        client.setSoTimeout(10_000);
        Bytes tx = Bytes.fromHex("a1a2a3a4a5a6a7a8a9aaabac");
        byte[] request = new org.openvoip.p2pp.stun.StunMessage(
            org.openvoip.p2pp.stun.StunMessage.BINDING_REQUEST, tx, List.of()).encode();
        client.send(new DatagramPacket(request, request.length,
            node.address().toInetAddress(), node.port()));
        DatagramPacket p = new DatagramPacket(new byte[1500], 1500);
        client.receive(p);
        byte[] answer = java.util.Arrays.copyOf(p.getData(), p.getLength());
        org.openvoip.p2pp.stun.StunMessage m = org.openvoip.p2pp.stun.StunMessage.decode(answer);
        assertThat(m.type()).isEqualTo(org.openvoip.p2pp.stun.StunMessage.BINDING_SUCCESS);
        assertThat(m.transactionId()).isEqualTo(tx);
        assertThat(org.openvoip.p2pp.stun.StunMessage.fromXorAddress(m.attribute(
            org.openvoip.p2pp.stun.StunMessage.XOR_MAPPED_ADDRESS).value(), tx))
            .isEqualTo(Endpoint.of("127.0.0.1", client.getLocalPort()));
        assertThat(org.openvoip.p2pp.stun.StunMessage.fingerprintValid(answer)).isTrue();
      }
    }
    assertThat(secured.counter("stun.binding-answered")).isEqualTo(1);
  }

  interface Condition {
    boolean holds() throws Exception;
  }

  private static void waitFor(Condition c) throws Exception {
    for (int i = 0; i < 200 && !c.holds(); i++) {
      Thread.sleep(50);
    }
    assertThat(c.holds()).as("within 10 s").isTrue();
  }
}
