package org.openvoip.net;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import org.openvoip.p2pp.env.Counters;
import org.openvoip.p2pp.env.Endpoint;
import org.openvoip.p2pp.relay.TurnServer;
import org.openvoip.p2pp.wire.Bytes;
import org.openvoip.p2pp.wire.IpAddress;

/**
 * A TURN relay (RFC 8656, UDP) on Netty: the listening port and every relayed port of its
 * allocations live on one event loop, which runs {@link TurnServer}'s control plane and forwards
 * the media itself. Relayed ports are opened on {@code relayAddress} as allocations come.
 */
public final class NetRelay implements AutoCloseable {
  private final EventLoop loop;
  private final Counters counters;
  private final InetAddress relayAddress;
  private final Map<Endpoint, Channel> relayed = new HashMap<>();
  private Channel listen;
  private TurnServer server;

  private NetRelay(EventLoop loop, Counters counters, InetAddress relayAddress) {
    this.loop = loop;
    this.counters = counters;
    this.relayAddress = relayAddress;
  }

  /**
   * Starts a relay listening on {@code at}, opening relayed ports on {@code relayAddress} (the
   * address peers send media to; null: the listening address).
   */
  public static NetRelay start(EventLoopGroup group, InetSocketAddress at,
      InetAddress relayAddress, TurnServer.Config config, Counters counters)
      throws InterruptedException {
    NetRelay r = new NetRelay(group.next(), counters,
        relayAddress != null ? relayAddress : at.getAddress());
    r.listen = new io.netty.bootstrap.Bootstrap().group(r.loop)
        .channel(NioDatagramChannel.class).handler(r.new ClientSide()).bind(at).sync().channel();
    try {
      r.loop.submit(() -> {
        r.server = new TurnServer(r.env(), counters, config, r.new Ports(), r.new Output());
      }).get();
    } catch (ExecutionException e) {
      r.close();
      throw new IllegalStateException(e.getCause());
    }
    return r;
  }

  /** Clock, timers and randomness on the relay's loop; the relay sends through its channels. */
  private org.openvoip.p2pp.env.Env env() {
    java.util.random.RandomGenerator random =
        new SplittableRandom(new java.security.SecureRandom().nextLong());
    return new org.openvoip.p2pp.env.Env() {
      @Override
      public long now() {
        return System.nanoTime() / 1_000_000;
      }

      @Override
      public long epochMillis() {
        return System.currentTimeMillis();
      }

      @Override
      public Timer schedule(long delayMillis, Runnable task) {
        java.util.concurrent.ScheduledFuture<?> f = loop.schedule(task, delayMillis,
            java.util.concurrent.TimeUnit.MILLISECONDS);
        return () -> f.cancel(false);
      }

      @Override
      public java.util.random.RandomGenerator random() {
        return random;
      }

      @Override
      public void send(org.openvoip.p2pp.env.Transport t, Endpoint to, byte[] bytes) {
        throw new UnsupportedOperationException("the relay sends through its own channels");
      }
    };
  }

  /** The listening address. */
  public Endpoint localEndpoint() {
    return endpoint((InetSocketAddress) listen.localAddress());
  }

  public EventLoop eventLoop() {
    return loop;
  }

  /** Allocations alive; on the relay's loop. */
  public int allocations() {
    return server.allocations();
  }

  @Override
  public void close() {
    if (server != null) {
      loop.submit(server::close).syncUninterruptibly();
    }
    listen.close().syncUninterruptibly();
  }

  static Endpoint endpoint(InetSocketAddress a) {
    return new Endpoint(new IpAddress(Bytes.of(a.getAddress().getAddress())), a.getPort());
  }

  static InetSocketAddress socket(Endpoint e) {
    return new InetSocketAddress(e.address().toInetAddress(), e.port());
  }

  private final class ClientSide extends SimpleChannelInboundHandler<DatagramPacket> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket p) {
      server.onClientDatagram(ByteBufUtil.getBytes(p.content()), endpoint(p.sender()));
    }
  }

  private final class PeerSide extends SimpleChannelInboundHandler<DatagramPacket> {
    private final Endpoint at;

    PeerSide(Endpoint at) {
      this.at = at;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket p) {
      server.onPeerDatagram(at, endpoint(p.sender()), ByteBufUtil.getBytes(p.content()));
    }
  }

  /** Relayed ports: bound at once with plain NIO, then registered on this loop (inline). */
  private final class Ports implements TurnServer.Ports {
    @Override
    public Endpoint open(boolean even) {
      try {
        java.nio.channels.DatagramChannel jch = null;
        for (int attempt = 0; attempt < 64; attempt++) {
          jch = java.nio.channels.DatagramChannel.open(
              relayAddress.getAddress().length == 4 ? StandardProtocolFamily.INET
                  : StandardProtocolFamily.INET6);
          jch.bind(new InetSocketAddress(relayAddress, 0));
          if (!even || ((InetSocketAddress) jch.getLocalAddress()).getPort() % 2 == 0) {
            break;
          }
          jch.close();
          jch = null;
        }
        if (jch == null) {
          counters.increment("net.relay-no-even-port");
          return null;
        }
        NioDatagramChannel ch = new NioDatagramChannel(jch);
        Endpoint at = endpoint((InetSocketAddress) jch.getLocalAddress());
        ch.pipeline().addLast(new PeerSide(at));
        loop.register(ch);
        relayed.put(at, ch);
        return at;
      } catch (IOException e) {
        counters.increment("net.relay-port-failed");
        return null;
      }
    }

    @Override
    public void close(Endpoint at) {
      Channel ch = relayed.remove(at);
      if (ch != null) {
        ch.close();
      }
    }
  }

  private final class Output implements TurnServer.Output {
    @Override
    public void toClient(Endpoint client, byte[] bytes, int offset, int length) {
      listen.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(bytes, offset, length),
          socket(client)));
    }

    @Override
    public void toPeer(Endpoint from, Endpoint peer, byte[] bytes, int offset, int length) {
      Channel ch = relayed.get(from);
      if (ch != null) {
        ch.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(bytes, offset, length),
            socket(peer)));
      }
    }
  }
}
