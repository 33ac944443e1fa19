package org.openvoip.net;

import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.util.concurrent.Executor;
import java.util.random.RandomGenerator;
import org.openvoip.p2pp.env.Counters;
import org.openvoip.p2pp.env.Endpoint;
import org.openvoip.p2pp.node.OverlayConfig;
import org.openvoip.p2pp.node.P2ppClient;
import org.openvoip.p2pp.wire.Bytes;
import org.openvoip.p2pp.wire.WireDecoder;

/**
 * A {@link P2ppClient} on real sockets: sends routed requests through a peer of a running
 * overlay and receives the answers on its own port (port 0: a free one). Futures complete on
 * {@code callbacks}, never on the event loop.
 */
public final class NetClient implements AutoCloseable {
  private final NetTransport transport;
  private final P2ppClient client;

  private NetClient(NetTransport transport, P2ppClient client) {
    this.transport = transport;
    this.client = client;
  }

  public static NetClient start(EventLoopGroup group, InetSocketAddress at, OverlayConfig overlay,
      Bytes id, Executor callbacks, RandomGenerator random) throws InterruptedException {
    return start(group, at, overlay, id, callbacks, random, null);
  }

  /** A client whose links are DTLS and TLS with {@code links} (null: plain UDP and TCP). */
  public static NetClient start(EventLoopGroup group, InetSocketAddress at, OverlayConfig overlay,
      Bytes id, Executor callbacks, RandomGenerator random, LinkSecurity links)
      throws InterruptedException {
    NetTransport t = NetTransport.bind(group, at, new WireDecoder(overlay.idLength()),
        new Counters(), links);
    P2ppClient c = t.attach(bound -> new P2ppClient(overlay, id, bound, t.env(random), callbacks),
        client -> client::onBytes);
    return new NetClient(t, c);
  }

  public P2ppClient client() {
    return client;
  }

  public Endpoint localEndpoint() {
    return transport.localEndpoint();
  }

  /** Releases the client's sockets. */
  @Override
  public void close() {
    transport.close();
  }
}
