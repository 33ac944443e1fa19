package org.openvoip.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openvoip.p2pp.env.Counters;
import org.openvoip.p2pp.env.Endpoint;
import org.openvoip.p2pp.env.Env;
import org.openvoip.p2pp.env.Transport;
import org.openvoip.p2pp.node.NodeConfig;
import org.openvoip.p2pp.node.OverlayConfig;
import org.openvoip.p2pp.node.Results;
import org.openvoip.p2pp.node.Security;
import org.openvoip.p2pp.security.AccessControl;
import org.openvoip.p2pp.security.CertificateChecker;
import org.openvoip.p2pp.security.Certificates;
import org.openvoip.p2pp.security.Hashes;
import org.openvoip.p2pp.security.Identity;
import org.openvoip.p2pp.security.Kind;
import org.openvoip.p2pp.security.Refusal;
import org.openvoip.p2pp.security.SignatureScheme;
import org.openvoip.p2pp.transaction.TransactionConfig;
import org.openvoip.p2pp.wire.Bytes;
import org.openvoip.p2pp.wire.Header;
import org.openvoip.p2pp.wire.Message;
import org.openvoip.p2pp.wire.Method;
import org.openvoip.p2pp.wire.WireDecoder;
import org.openvoip.p2pp.wire.WireEncoder;
import org.openvoip.p2pp.wire.WireObject;
import org.openvoip.p2pp.wire.WireObject.AddressInfo;
import org.openvoip.p2pp.wire.WireObject.Candidate;
import org.openvoip.p2pp.wire.WireObject.DataEntry;
import org.openvoip.p2pp.wire.WireObject.PeerInfo;

/**
 * An overlay of enrolled nodes whose every link is DTLS or TLS with mutual authentication: it
 * joins, stores and finds signed values as a plain one does, and a peer that uses a Source-ID
 * its certificate does not bind is refused with 403 (Error sub-code 27) and counted.
 */
class SecureOverlayTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final long DAY = 86_400_000L;
  private static final OverlayConfig OVERLAY = OverlayConfig.DEFAULTS.toBuilder()
      .transactions(new TransactionConfig(100, 1000, 5000, 1400, 10_000))
      .keepAliveMillis(500).neighborMaintenanceMillis(500).routingMaintenanceMillis(2000)
      .build();
  private static final Kind PROFILE = new Kind("profile", 0, 1, DataEntry.SINGLE,
      Kind.AccessPolicy.USER_MATCH, 512, 1);

  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
  private final ExecutorService callbacks = Executors.newCachedThreadPool();
  private final List<AutoCloseable> open = new ArrayList<>();
  private final KeyPair caKeys = SignatureScheme.ED25519.generate(RANDOM);
  private final X509Certificate ca = Certificates.authority(caKeys, "CN=Overlay CA",
      System.currentTimeMillis() - DAY, System.currentTimeMillis() + 365 * DAY, RANDOM);

  @AfterEach
  void shutdown() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
    callbacks.shutdownNow();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private Identity enroll(String user) {
    KeyPair kp = SignatureScheme.ED25519.generate(RANDOM);
    byte[] id = new byte[20];
    RANDOM.nextBytes(id);
    long now = System.currentTimeMillis();
    return new Identity(kp, Certificates.node(kp.getPublic(), user, List.of(Bytes.of(id)),
        "test", ca, caKeys.getPrivate(), Certificates.serial(RANDOM), now - DAY, now + DAY,
        RANDOM));
  }

  private CertificateChecker checker() {
    return new CertificateChecker(List.of(ca), false, 20);
  }

  private NetNode start(String user, Endpoint bootstrap) throws Exception {
    Identity me = enroll(user);
    Security security = new Security(me, new AccessControl(checker(), List.of(PROFILE), 20));
    NodeConfig c = new NodeConfig(null, Endpoint.of("127.0.0.1", 0), OVERLAY, bootstrap,
        bootstrap == null, security);
    NetNode n = NetNode.start(group, c, callbacks, new SplittableRandom(user.hashCode()),
        new LinkSecurity(me, List.of(ca), checker(), RANDOM));
    open.add(n);
    n.node().join().get(20, TimeUnit.SECONDS);
    return n;
  }

  @Test
  void enrolledNodesJoinStoreAndFindOverAuthenticatedLinksOnly() throws Exception {
    List<NetNode> nodes = new ArrayList<>();
    nodes.add(start("user0@test", null));
    for (int i = 1; i < 6; i++) {
      nodes.add(start("user" + i + "@test", nodes.get(0).localEndpoint()));
    }
    for (int i = 0; i < 6; i++) {
      Bytes key = Hashes.id("user" + i + "@test", 20);
      Bytes value = Bytes.of(("profile " + i).getBytes(StandardCharsets.UTF_8));
      nodes.get(i).node().publish(key, 0, 1, value, 600).get(20, TimeUnit.SECONDS);
    }
    for (int i = 0; i < 6; i++) {
      Bytes key = Hashes.id("user" + i + "@test", 20);
      Results.ObjectLookup found = nodes.get((i + 3) % 6).node().lookup(key, 0, 1)
          .get(20, TimeUnit.SECONDS);
      assertThat(found.objects()).hasSize(1);
      assertThat(found.objects().get(0).value().toByteArray())
          .asString(StandardCharsets.UTF_8).isEqualTo("profile " + i);
    }
    long handshakes = 0;
    for (NetNode n : nodes) {
      java.util.Map<String, Long> c = n.netCounters();
      handshakes += c.getOrDefault("net.dtls-handshakes", 0L);
      assertThat(c).doesNotContainKeys("net.dtls-handshake-failed",
          "security.refused.bad-certificate");
      assertThat(n.node().snapshot().get(5, TimeUnit.SECONDS).counters())
          .doesNotContainKey(Refusal.SPOOFED_ID.counter());
    }
    assertThat(handshakes).as("DTLS sessions between the nodes").isGreaterThanOrEqualTo(5);
  }

  @Test
  void aPeerUsingAnotherNodesIdIsRefusedWith403AndCounted() throws Exception {
    NetNode victim = start("victim@test", null);
    Identity rogue = enroll("mallory@test");
    Counters counters = new Counters();
    NetTransport t = NetTransport.bind(group, new InetSocketAddress("127.0.0.1", 0),
        new WireDecoder(20), counters, new LinkSecurity(rogue, List.of(ca), checker(), RANDOM));
    open.add(t);
    Env env = t.env(new SplittableRandom(3));
    BlockingQueue<Message> answers = new LinkedBlockingQueue<>();
    WireDecoder decoder = new WireDecoder(20);
    t.receiver((bytes, transport, from) -> {
      try {
        Message m = decoder.decode(bytes);
        if (!m.header().ack()) {
          answers.add(m);
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });

    Bytes someoneElse = Hashes.id("alice@test", 20);
    env.send(Transport.UDP, victim.localEndpoint(), query(someoneElse, t.localEndpoint(), 1));
    Message refused = answers.poll(10, TimeUnit.SECONDS);
    assertThat(refused).as("an answer within 10 s").isNotNull();
    assertThat(refused.header().responseCode()).isEqualTo(403);
    assertThat(refused.first(WireObject.ErrorInfo.class).subCode())
        .isEqualTo(Refusal.SPOOFED_ID.subCode());
    assertThat(victim.node().snapshot().get(5, TimeUnit.SECONDS).counters())
        .containsEntry(Refusal.SPOOFED_ID.counter(), 1L);

    // The same peer under the ID its certificate binds is answered.
    env.send(Transport.UDP, victim.localEndpoint(), query(rogue.nodeId(), t.localEndpoint(), 2));
    Message answered = answers.poll(10, TimeUnit.SECONDS);
    while (answered != null && answered.header().transactionId() != 2) {
      answered = answers.poll(10, TimeUnit.SECONDS); // the 403 again: this peer sends no ACKs
    }
    assertThat(answered).isNotNull();
    assertThat(answered.header().responseCode()).isEqualTo(200);
  }

  private static byte[] query(Bytes sourceId, Endpoint at, int transactionId) {
    PeerInfo self = PeerInfo.of(sourceId, AddressInfo.of(Candidate.host(at.address(),
        at.port())));
    return WireEncoder.encode(Message.of(Header.request(Method.QUERY, true, false,
        Header.DEFAULT_TTL, transactionId, sourceId), self));
  }
}
