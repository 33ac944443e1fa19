package org.openvoip.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openvoip.p2pp.env.Counters;
import org.openvoip.p2pp.env.Endpoint;
import org.openvoip.p2pp.env.Transport;
import org.openvoip.p2pp.transaction.TransactionConfig;
import org.openvoip.p2pp.transaction.TransactionLayer;
import org.openvoip.p2pp.wire.Bytes;
import org.openvoip.p2pp.wire.Examples;
import org.openvoip.p2pp.wire.Header;
import org.openvoip.p2pp.wire.Message;
import org.openvoip.p2pp.wire.Method;
import org.openvoip.p2pp.wire.ResponseCode;
import org.openvoip.p2pp.wire.WireDecoder;
import org.openvoip.p2pp.wire.WireObject.AddressInfo;
import org.openvoip.p2pp.wire.WireObject.Candidate;
import org.openvoip.p2pp.wire.WireObject.PeerInfo;

/**
 * The transaction layer on real loopback sockets: the same engine code as in the unit tests,
 * run by Netty. Waits are bounded (a hang fails the test); nothing asserts a duration.
 */
class NetTransportTest {
  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());

  /** A node: sockets, environment, transaction layer answering every request with 200. */
  final class Node implements AutoCloseable {
    final Counters counters = new Counters();
    final NetTransport net;
    final Bytes id;
    final PeerInfo self;
    final TransactionLayer layer;

    Node(Bytes id, TransactionConfig config) throws InterruptedException {
      this.id = id;
      this.net = NetTransport.bind(group, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
          new WireDecoder(20), counters);
      Endpoint at = net.localEndpoint();
      this.self = PeerInfo.of(id, AddressInfo.of(Candidate.host(at.address(), at.port())));
      this.layer = new TransactionLayer(net.env(new SplittableRandom(id.hashCode())), config,
          new WireDecoder(20), id, true, () -> self,
          in -> layer().respond(in, ResponseCode.OK, List.of(self)), counters);
      net.receiver(layer::onBytes);
    }

    private TransactionLayer layer() {
      return layer;
    }

    /** Sends a Join to {@code to} on this node's event loop; the future completes with the answer. */
    CompletableFuture<Message> join(int txId, Transport transport, Node to) {
      CompletableFuture<Message> result = new CompletableFuture<>();
      Message join = Message.of(Header.request(Method.JOIN, true, false, 10, txId, id), self);
      net.eventLoop().execute(() -> layer.sendRequest(join, transport, to.net.localEndpoint(),
          new TransactionLayer.ResponseListener() {
            @Override
            public void onResponse(Message response, Endpoint from) {
              result.complete(response);
            }

            @Override
            public void onFailure(int code, String reason) {
              result.completeExceptionally(new AssertionError(code + " " + reason));
            }
          }));
      return result;
    }

    /** A counter, read on the node's thread. */
    long counter(String name) throws Exception {
      return net.eventLoop().submit(() -> counters.get(name)).get(5, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
      net.close();
    }
  }

  @AfterEach
  void shutdown() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private static void eventually(BooleanSupplier condition) throws InterruptedException {
    for (int i = 0; i < 500 && !condition.getAsBoolean(); i++) {
      Thread.sleep(10);
    }
    assertThat(condition.getAsBoolean()).as("condition within 5 s").isTrue();
  }

  @Test
  void aRequestAndItsAnswerCrossRealUdp() throws Exception {
    try (Node a = new Node(Examples.JOINING_PEER, TransactionConfig.DEFAULTS);
        Node b = new Node(Examples.ADMITTING_PEER, TransactionConfig.DEFAULTS)) {
      Message answer = a.join(1, Transport.UDP, b).get(10, TimeUnit.SECONDS);
      assertThat(answer.header().responseCode()).isEqualTo(ResponseCode.OK);
      assertThat(answer.header().responseId()).isEqualTo(b.id);
      assertThat(answer.first(PeerInfo.class)).isEqualTo(b.self);
      assertThat(a.counter("transaction.acks-sent")).isEqualTo(1); // A acknowledged the responseACK
    }
  }

  @Test
  void aRequestAndItsAnswerCrossRealTcpOverOneConnection() throws Exception {
    try (Node a = new Node(Examples.JOINING_PEER, TransactionConfig.DEFAULTS);
        Node b = new Node(Examples.ADMITTING_PEER, TransactionConfig.DEFAULTS)) {
      for (int tx = 1; tx <= 3; tx++) {
        Message answer = a.join(tx, Transport.TCP, b).get(10, TimeUnit.SECONDS);
        assertThat(answer.header().transactionId()).isEqualTo(tx);
      }
      assertThat(a.counter("transaction.acks-sent")).isZero();
    }
  }

  @Test
  void aRequestTooLargeForADatagramSwitchesToTcp() throws Exception {
    try (Node a = new Node(Examples.JOINING_PEER, TransactionConfig.DEFAULTS.withMaxDatagram(64));
        Node b = new Node(Examples.ADMITTING_PEER, TransactionConfig.DEFAULTS)) {
      Message answer = a.join(7, Transport.UDP, b).get(10, TimeUnit.SECONDS);
      assertThat(answer.header().responseCode()).isEqualTo(ResponseCode.OK);
      assertThat(a.counter("transaction.sent-over-stream-for-size")).isEqualTo(1);
    }
  }

  @Test
  void garbageDatagramsAreCountedAndTheNodeKeepsWorking() throws Exception {
    try (Node a = new Node(Examples.JOINING_PEER, TransactionConfig.DEFAULTS);
        Node b = new Node(Examples.ADMITTING_PEER, TransactionConfig.DEFAULTS);
        DatagramSocket raw = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      Endpoint to = b.net.localEndpoint();
      byte[] junk = {0x44, 0, 3, 10, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13};
      raw.send(new DatagramPacket(junk, junk.length, to.address().toInetAddress(), to.port()));
      eventually(() -> {
        try {
          return b.counter("drop.malformed.not_p2pp") == 1;
        } catch (Exception e) {
          return false;
        }
      });
      assertThat(a.join(2, Transport.UDP, b).get(10, TimeUnit.SECONDS).header().responseCode())
          .isEqualTo(ResponseCode.OK);
    }
  }

  @Test
  void aStreamThatLosesItsFramingIsClosedAndCounted() throws Exception {
    try (Node b = new Node(Examples.ADMITTING_PEER, TransactionConfig.DEFAULTS)) {
      Endpoint to = b.net.localEndpoint();
      try (Socket s = new Socket(to.address().toInetAddress(), to.port())) {
        OutputStream out = s.getOutputStream();
        byte[] header = Bytes.parseHex("4400030a596abf0d00003039" + "7fffffff"); // 2 GB frame
        out.write(header);
        out.flush();
        s.setSoTimeout(5000);
        assertThat(s.getInputStream().read()).as("the node closes the connection").isEqualTo(-1);
      }
      assertThat(b.counter("drop.stream.message_too_large")).isEqualTo(1);
    }
  }
}
