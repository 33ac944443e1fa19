package org.openvoip.p2pp.env;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openvoip.p2pp.node.Node;
import org.openvoip.p2pp.node.NodeConfig;
import org.openvoip.p2pp.node.OverlayConfig;
import org.openvoip.p2pp.node.Results;
import org.openvoip.p2pp.transaction.TransactionConfig;
import org.openvoip.p2pp.transaction.TransactionLayer;
import org.openvoip.p2pp.wire.Bytes;
import org.openvoip.p2pp.wire.Examples;
import org.openvoip.p2pp.wire.Message;
import org.openvoip.p2pp.wire.ResponseCode;
import org.openvoip.p2pp.wire.WireDecoder;
import org.openvoip.p2pp.wire.WireEncoder;
import org.openvoip.p2pp.wire.WireObject.Expires;
import org.openvoip.p2pp.wire.WireObject.PeerInfo;
import org.openvoip.p2pp.wire.WireObject.ResourceObject;

/**
 * The transport contract: what the engine needs from any network it runs on, written once and
 * run on the simulated network (p2pp-sim) and on real sockets (p2pp-net). A network places nodes,
 * each with an {@link Env} and a thread of its own, and lets time pass (virtual or real).
 */
public abstract class TransportContract {

  /** Where bytes for a node go, on the node's thread. */
  @FunctionalInterface
  public interface Receiver {
    void onBytes(byte[] bytes, Transport transport, Endpoint from);
  }

  /** A node's place on the network: its address, its Env and its thread. */
  public record Place(Endpoint endpoint, Env env, Executor thread) {}

  /** A network under test. */
  public interface Network extends AutoCloseable {
    /** Adds a node whose packets go to {@code receiver}. */
    Place add(Receiver receiver) throws Exception;

    /** Lets time pass until {@code condition} holds or {@code maxMillis} have passed. */
    boolean await(BooleanSupplier condition, long maxMillis) throws Exception;

    /** Where node futures complete: never a node's thread on a real network. */
    Executor callbacks();

    @Override
    void close();
  }

  /** Timers for a network whose round trips take at most a few hundred milliseconds. */
  protected static final OverlayConfig OVERLAY = OverlayConfig.DEFAULTS.toBuilder()
      .transactions(new TransactionConfig(200, 2000, 5000, 1400, 10_000))
      .keepAliveMillis(1000).neighborMaintenanceMillis(1000).routingMaintenanceMillis(3000)
      .replicationMillis(3000).build();

  private static final PeerInfo SOMEONE = Examples.peer(Examples.JOINING_PEER, 192, 0, 2, 1);

  private record Received(byte[] bytes, Transport transport, Endpoint from) {}

  protected abstract Network open() throws Exception;

  private Network net;

  @BeforeEach
  void openNetwork() throws Exception {
    net = open();
  }

  @AfterEach
  void closeNetwork() {
    net.close();
  }

  private static <T> T on(Place p, Supplier<T> task) throws Exception {
    CompletableFuture<T> f = new CompletableFuture<>();
    p.thread().execute(() -> f.complete(task.get()));
    return f.get(10, TimeUnit.SECONDS);
  }

  @Test
  void aDatagramArrivesIntactWithItsSender() throws Exception {
    ConcurrentLinkedQueue<Received> got = new ConcurrentLinkedQueue<>();
    Place a = net.add((b, t, f) -> {});
    Place b = net.add((bytes, t, from) -> got.add(new Received(bytes, t, from)));
    byte[] join = WireEncoder.encode(Examples.joinRequest());
    a.thread().execute(() -> a.env().send(Transport.UDP, b.endpoint(), join));
    assertThat(net.await(() -> !got.isEmpty(), 5000)).as("the datagram arrived").isTrue();
    Received r = got.peek();
    assertThat(r.bytes()).isEqualTo(join);
    assertThat(r.transport()).isEqualTo(Transport.UDP);
    assertThat(r.from()).isEqualTo(a.endpoint());
  }

  @Test
  void aStreamCarriesLargeMessagesBothWays() throws Exception {
    ConcurrentLinkedQueue<Received> atA = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<Received> atB = new ConcurrentLinkedQueue<>();
    Place a = net.add((bytes, t, from) -> atA.add(new Received(bytes, t, from)));
    Place b = net.add((bytes, t, from) -> atB.add(new Received(bytes, t, from)));
    byte[] big = WireEncoder.encode(Examples.publishRequest(new byte[40_000]));
    a.thread().execute(() -> a.env().send(Transport.TCP, b.endpoint(), big));
    assertThat(net.await(() -> !atB.isEmpty(), 5000)).as("the frame arrived").isTrue();
    Received r = atB.peek();
    assertThat(r.bytes()).isEqualTo(big);
    assertThat(r.transport()).isEqualTo(Transport.TCP);
    // The answer goes back to whatever address the stream came from.
    b.thread().execute(() -> b.env().send(Transport.TCP, r.from(), big));
    assertThat(net.await(() -> !atA.isEmpty(), 5000)).as("the answer arrived").isTrue();
    assertThat(atA.peek().bytes()).isEqualTo(big);
  }

  @Test
  void transactionsCompleteOverDatagramsAndOverStreamsForLargeMessages() throws Exception {
    List<TransactionLayer> layers = new ArrayList<>();
    Place[] places = new Place[2];
    for (int i = 0; i < 2; i++) {
      int me = i;
      places[i] = net.add((b, t, f) -> layers.get(me).onBytes(b, t, f));
    }
    for (int i = 0; i < 2; i++) {
      Place p = places[i];
      Bytes id = Examples.sequence(0x10 * (i + 1), 20);
      TransactionLayer[] self = new TransactionLayer[1];
      self[0] = on(p, () -> new TransactionLayer(p.env(), OVERLAY.transactions(),
          new WireDecoder(20), id, true, () -> SOMEONE,
          in -> self[0].respond(in, ResponseCode.OK, List.of(SOMEONE, new Expires(60))),
          new Counters()));
      layers.add(self[0]);
    }
    for (int size : new int[] {100, 20_000}) {
      CompletableFuture<Integer> code = new CompletableFuture<>();
      Message req = Examples.publishRequest(new byte[size]);
      places[0].thread().execute(() -> layers.get(0).sendRequest(req, Transport.UDP,
          places[1].endpoint(), new TransactionLayer.ResponseListener() {
            @Override
            public void onResponse(Message response, Endpoint from) {
              code.complete(response.header().responseCode());
            }

            @Override
            public void onFailure(int c, String reason) {
              code.complete(c);
            }
          }));
      assertThat(net.await(code::isDone, 10_000)).as("an answer to %d bytes", size).isTrue();
      assertThat(code.get()).as("answer to a %d-byte value", size).isEqualTo(ResponseCode.OK);
    }
  }

  @Test
  void nodesFormAnOverlayAndFindWhatOthersStored() throws Exception {
    List<Node> nodes = new ArrayList<>();
    Endpoint bootstrap = null;
    for (int i = 0; i < 8; i++) {
      Node[] holder = new Node[1];
      Place p = net.add((b, t, f) -> holder[0].onBytes(b, t, f));
      NodeConfig c = new NodeConfig(null, p.endpoint(), OVERLAY, bootstrap, i == 0);
      holder[0] = on(p, () -> new Node(c, p.env(), net.callbacks()));
      nodes.add(holder[0]);
      if (bootstrap == null) {
        bootstrap = p.endpoint();
      }
      CompletableFuture<Results.Route> joined = holder[0].join();
      assertThat(net.await(joined::isDone, 10_000)).as("node %d joined", i).isTrue();
      joined.get();
    }
    net.await(() -> false, 4000); // a few maintenance rounds
    Bytes key = Bytes.fromHex("0123456789abcdef0123456789abcdef01234567");
    CompletableFuture<Results.Published> put =
        nodes.get(3).publish(key, ResourceObject.CONTENT_USER_INFO, 0, Bytes.of((byte) 42), 60);
    assertThat(net.await(put::isDone, 10_000)).isTrue();
    assertThat(put.get().lifetimeSeconds()).isEqualTo(60);
    for (int i = 0; i < nodes.size(); i++) {
      CompletableFuture<Results.ObjectLookup> got =
          nodes.get(i).lookup(key, ResourceObject.CONTENT_USER_INFO, 0);
      assertThat(net.await(got::isDone, 10_000)).isTrue();
      assertThat(got.get().objects()).as("found from node %d", i).hasSize(1);
      assertThat(got.get().objects().get(0).value()).isEqualTo(Bytes.of((byte) 42));
    }
  }
}
