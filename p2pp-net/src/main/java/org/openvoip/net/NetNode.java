package org.openvoip.net;

import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.random.RandomGenerator;
import org.openvoip.p2pp.env.Counters;
import org.openvoip.p2pp.env.Endpoint;
import org.openvoip.p2pp.node.Node;
import org.openvoip.p2pp.node.NodeConfig;
import org.openvoip.p2pp.wire.WireDecoder;

/**
 * A P2PP {@link Node} on real sockets: one {@link NetTransport} (UDP and TCP on one port) on one
 * event loop of a shared {@link EventLoopGroup}. Received packets and the node's timers run on
 * that event loop; the node's futures complete on the {@code callbacks} executor, which must not
 * be an event loop of the group. Many nodes can share one group.
 *
 * <p>{@link #close()} stops the node at once (as a crash would) and releases its sockets;
 * {@link #leaveAndClose} says goodbye to the neighbours first.
 */
public final class NetNode implements AutoCloseable {
  private final NetTransport transport;
  private final Node node;
  private final Counters netCounters;
  private boolean closed;

  private NetNode(NetTransport transport, Node node, Counters netCounters) {
    this.transport = transport;
    this.node = node;
    this.netCounters = netCounters;
  }

  /**
   * Binds UDP and TCP at {@code config.address()} (port 0: a free port) and builds the node on
   * them; the node advertises the address it is bound to.
   *
   * @param random the node's generator; used on the event loop only
   */
  public static NetNode start(EventLoopGroup group, NodeConfig config, Executor callbacks,
      RandomGenerator random) throws InterruptedException {
    return start(group, config, callbacks, random, null);
  }

  /**
   * Starts a node as {@link #start(EventLoopGroup, NodeConfig, Executor, RandomGenerator)}
   * does; with {@code links} (null: plain UDP and TCP), every link is DTLS or TLS with mutual
   * authentication by certificates, and a message whose Source-ID the sender's certificate does
   * not bind is refused.
   */
  public static NetNode start(EventLoopGroup group, NodeConfig config, Executor callbacks,
      RandomGenerator random, LinkSecurity links) throws InterruptedException {
    Counters counters = new Counters();
    Endpoint want = config.address();
    NetTransport t = NetTransport.bind(group,
        new InetSocketAddress(want.address().toInetAddress(), want.port()),
        new WireDecoder(config.overlay().idLength()), counters, links);
    Node node = t.attach(bound -> new Node(new NodeConfig(config.id(), bound, config.overlay(),
        config.bootstrap(), config.bootstrapServer(), config.security()), t.env(random),
        callbacks),
        Node::receiver);
    return new NetNode(t, node, counters);
  }

  public Node node() {
    return node;
  }

  /** Where UDP and TCP are bound. */
  public Endpoint localEndpoint() {
    return transport.localEndpoint();
  }

  /**
   * Runs {@code query} on the node's thread and returns its result: for the node's
   * call-on-its-thread methods ({@link Node#isResponsibleNow}, {@link Node#holdsNow}, ...).
   */
  public <T> T onLoop(java.util.function.Function<Node, T> query)
      throws InterruptedException, ExecutionException {
    return transport.eventLoop().submit(() -> query.apply(node)).get();
  }

  /** A copy of the transport's counters (TCP connect failures, stream errors, ...). */
  public java.util.Map<String, Long> netCounters()
      throws InterruptedException, ExecutionException {
    return transport.eventLoop().submit(netCounters::snapshot).get();
  }

  /**
   * Leaves gracefully (neighbours told, stored objects handed over), waits up to
   * {@code waitMillis} for that to be sent, then closes.
   */
  public void leaveAndClose(long waitMillis) throws InterruptedException {
    try {
      node.leave().get(waitMillis, TimeUnit.MILLISECONDS);
      // The Leave indications are on their way; give their ACKs a moment before the socket goes.
      Thread.sleep(Math.min(waitMillis, 200));
    } catch (ExecutionException | TimeoutException e) {
      // Closing anyway: a node that cannot leave in time is treated as crashed.
    } finally {
      close();
    }
  }

  /** Stops the node at once (nothing more is sent) and releases its sockets. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      transport.eventLoop().submit(node::crashNow).syncUninterruptibly();
    } finally {
      transport.close();
    }
  }
}
