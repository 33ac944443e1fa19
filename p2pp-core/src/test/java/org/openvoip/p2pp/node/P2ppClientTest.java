package org.openvoip.p2pp.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openvoip.p2pp.env.Endpoint;
import org.openvoip.p2pp.transaction.TestNetwork;
import org.openvoip.p2pp.wire.Bytes;
import org.openvoip.p2pp.wire.ResponseCode;
import org.openvoip.p2pp.wire.WireObject.ResourceObject;

/**
 * A client outside the overlay sends routed requests through one peer, in virtual time on the
 * deterministic test network, against real nodes running Chord.
 */
class P2ppClientTest {
  private static final int PEERS = 8;
  private static final int TYPE = ResourceObject.CONTENT_USER_INFO;

  private final TestNetwork net = new TestNetwork();
  private final List<Node> nodes = new ArrayList<>();
  private P2ppClient client;
  private final Endpoint clientAt = Endpoint.of("10.0.1.1", 5060);
  private final Bytes owner = id(200);

  private static Bytes id(int seed) {
    byte[] b = new byte[20];
    new java.util.SplittableRandom(seed).nextBytes(b);
    return Bytes.of(b);
  }

  private static Bytes key(String s) {
    return id(s.hashCode());
  }

  private static Bytes text(String s) {
    return Bytes.of(s.getBytes(StandardCharsets.UTF_8));
  }

  private <T> T await(CompletableFuture<T> f) throws Exception {
    net.runUntil(net.now() + 30_000);
    assertThat(f).as("completed within 30 virtual seconds").isDone();
    return f.get();
  }

  @BeforeEach
  void overlay() throws Exception {
    Endpoint boot = Endpoint.of("10.0.0.1", 5060);
    for (int i = 0; i < PEERS; i++) {
      Endpoint at = i == 0 ? boot : Endpoint.of("10.0.0." + (i + 1), 5060);
      NodeConfig c = new NodeConfig(id(i), at, OverlayConfig.DEFAULTS, i == 0 ? null : boot,
          i == 0);
      Node n = new Node(c, net.env(at, i), Runnable::run);
      net.attach(at, n::onBytes);
      nodes.add(n);
      assertThat(await(n.join())).isNotNull();
    }
    client = new P2ppClient(OverlayConfig.DEFAULTS, id(100), clientAt,
        net.env(clientAt, 100), Runnable::run);
    net.attach(clientAt, client::onBytes);
  }

  private Endpoint via(int i) {
    return nodes.get(i).self().endpoint();
  }

  @Test
  void publishedThroughOnePeerIsFoundThroughAnother() throws Exception {
    for (int k = 0; k < 10; k++) {
      Results.Published p = await(client.publish(via(k % PEERS), key("user" + k), TYPE, 0, owner,
          text("value " + k), 600));
      assertThat(p.lifetimeSeconds()).isEqualTo(600);
    }
    for (int k = 0; k < 10; k++) {
      Results.ObjectLookup r = await(client.lookup(via((k + 3) % PEERS), key("user" + k), TYPE, 0));
      assertThat(r.found()).as("user" + k).isTrue();
      assertThat(r.objects()).hasSize(1);
      assertThat(r.objects().get(0).value()).isEqualTo(text("value " + k));
      assertThat(r.objects().get(0).owner().value()).isEqualTo(owner);
      // The responsible peer answered, and a peer of the overlay agrees it is responsible.
      Bytes responder = r.route().responder().id();
      boolean responsible = false;
      for (Node n : nodes) {
        if (n.id().equals(responder)) {
          responsible = n.isResponsibleNow(key("user" + k));
        }
      }
      assertThat(responsible).as("the answer came from the responsible peer").isTrue();
    }
  }

  @Test
  void theClientIsNotAddedToAnyPeersTables() throws Exception {
    await(client.publish(via(2), key("x"), TYPE, 0, owner, text("x"), 60));
    for (Node n : nodes) {
      Node.Snapshot s = n.snapshotNow();
      assertThat(s.routingTable()).noneMatch(p -> p.id().equals(client.id()));
      assertThat(s.neighborTable()).noneMatch(p -> p.id().equals(client.id()));
    }
  }

  @Test
  void republishingWithTheSameOwnerReplacesTheValue() throws Exception {
    await(client.publish(via(1), key("k"), TYPE, 0, owner, text("old"), 60));
    await(client.publish(via(5), key("k"), TYPE, 0, owner, text("new"), 60));
    Results.ObjectLookup r = await(client.lookup(via(6), key("k"), TYPE, 0));
    assertThat(r.objects()).extracting(ResourceObject::value).containsExactly(text("new"));
  }

  @Test
  void anUnknownKeyIsNotFoundAndARemovedOneIsGone() throws Exception {
    assertThat(await(client.lookup(via(4), key("nobody"), TYPE, 0)).found()).isFalse();
    await(client.publish(via(4), key("gone"), TYPE, 0, owner, text("v"), 60));
    assertThat(await(client.remove(via(7), key("gone"), TYPE, 0, owner)).existed()).isTrue();
    assertThat(await(client.lookup(via(3), key("gone"), TYPE, 0)).found()).isFalse();
    assertThat(await(client.remove(via(3), key("gone"), TYPE, 0, owner)).existed()).isFalse();
  }

  @Test
  void noPeerAtTheViaAddressIsATimeoutThatNamesIt() throws Exception {
    Endpoint nobody = Endpoint.of("10.9.9.9", 5060);
    CompletableFuture<Results.ObjectLookup> f = client.lookup(nobody, key("k"), TYPE, 0);
    net.runUntil(net.now() + 30_000);
    assertThat(f).isCompletedExceptionally();
    try {
      f.get();
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(P2ppException.class)
          .hasMessageContaining("no answer from 10.9.9.9:5060 after 5 s");
      assertThat(((P2ppException) e.getCause()).code()).isEqualTo(ResponseCode.TIMEOUT);
    }
  }

  @Test
  void aKeyOfTheWrongLengthIsRefusedAtOnce() {
    assertThat(client.lookup(via(0), Bytes.of(new byte[4]), TYPE, 0))
        .isCompletedExceptionally();
  }
}
