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
import org.openvoip.p2pp.wire.IpAddress;

/**
 * A TURN relay (RFC 8656, UDP) on Netty: the listening port and every relayed port of its
 * allocations live on one event loop, which runs {@link TurnServer}'s control plane and forwards
 * the media itself. Relayed ports are opened on {@code relayAddress} as allocations come.
 */
public final class NetRelay implements AutoCloseable {
  /** Socket buffers: bursts from many calls wait here rather than being dropped. */
  private static final int BUFFER = 4 << 20;

  private final EventLoop loop;
  private final Counters counters;
  private final InetAddress relayAddress;
  private final Map<Endpoint, Channel> relayed = new HashMap<>();
  private final Map<Endpoint, PeerSide> peerSides = new HashMap<>();
  /** The fast data plane, mirrored from the server's state: by client address. */
  private final Map<InetSocketAddress, Fast> fastByClient = new HashMap<>();
  private Counters.Counter toPeer;
  private Counters.Counter toClient;

  /**
   * One allocation's forwarding state as the fast path needs it: Netty addresses, no parsing.
   * Mirrored from {@link TurnServer} (the authority) through {@link TurnServer.DataPlane}.
   */
  private static final class Fast {
    final InetSocketAddress client;
    final Channel relayedChannel;
    final Map<Integer, InetSocketAddress> channelPeer = new HashMap<>();
    final Map<InetSocketAddress, Integer> peerChannel = new HashMap<>();
    final Map<Integer, Long> channelUntil = new HashMap<>();
    final Map<InetAddress, Long> permittedUntil = new HashMap<>();

    Fast(InetSocketAddress client, Channel relayedChannel) {
      this.client = client;
      this.relayedChannel = relayedChannel;
    }

    boolean permits(InetSocketAddress peer, long now) {
      Long until = permittedUntil.get(peer.getAddress());
      return until != null && until > now;
    }

    boolean live(int channel, long now) {
      Long until = channelUntil.get(channel);
      return until != null && until > now;
    }
  }
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
        .channel(NioDatagramChannel.class)
        .option(io.netty.channel.ChannelOption.SO_RCVBUF, BUFFER)
        .option(io.netty.channel.ChannelOption.SO_SNDBUF, BUFFER)
        .handler(r.new ClientSide()).bind(at).sync().channel();
    try {
      r.loop.submit(() -> {
        r.server = new TurnServer(r.env(), counters, config, r.new Ports(), r.new Output());
        r.server.mirror(r.new Mirror());
        r.toPeer = counters.counter("turn.relayed-to-peer");
        r.toClient = counters.counter("turn.relayed-to-client");
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
    return new LoopEnv(loop, random) {
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

  @Override
  public void close() {
    if (server != null) {
      loop.submit(server::close).syncUninterruptibly();
    }
    listen.close().syncUninterruptibly();
  }

  private static Endpoint endpoint(InetSocketAddress a) {
    return NetTransport.endpoint(a);
  }

  static InetSocketAddress socket(Endpoint e) {
    return new InetSocketAddress(e.address().toInetAddress(), e.port());
  }

  private static long nowMillis() {
    return System.nanoTime() / 1_000_000;
  }

  /**
   * The listening port. ChannelData on a live channel goes straight out of the relayed port
   * (the payload is not copied); everything else goes to the server.
   */
  private final class ClientSide extends SimpleChannelInboundHandler<DatagramPacket> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket p) {
      io.netty.buffer.ByteBuf b = p.content();
      int n = b.readableBytes();
      if (n >= 4 && (b.getByte(b.readerIndex()) & 0xC0) == 0x40) {
        Fast f = fastByClient.get(p.sender());
        int channel = b.getUnsignedShort(b.readerIndex());
        int len = b.getUnsignedShort(b.readerIndex() + 2);
        long now = nowMillis();
        InetSocketAddress peer = f == null ? null : f.channelPeer.get(channel);
        if (peer != null && len <= n - 4 && f.live(channel, now) && f.permits(peer, now)) {
          toPeer.increment();
          f.relayedChannel.writeAndFlush(new DatagramPacket(
              b.retainedSlice(b.readerIndex() + 4, len), peer));
          return;
        }
      }
      server.onClientDatagram(ByteBufUtil.getBytes(b), endpoint(p.sender()));
    }
  }

  /**
   * A relayed port. From a peer with a live channel, the datagram goes to the client as
   * ChannelData straight away (one copy, into a pooled buffer); otherwise to the server.
   */
  private final class PeerSide extends SimpleChannelInboundHandler<DatagramPacket> {
    private final Endpoint at;
    Fast fast;

    PeerSide(Endpoint at) {
      this.at = at;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket p) {
      Fast f = fast;
      io.netty.buffer.ByteBuf b = p.content();
      if (f != null) {
        Integer channel = f.peerChannel.get(p.sender());
        long now = nowMillis();
        if (channel != null && b.readableBytes() <= 0xFFFF && f.live(channel, now)
            && f.permits(p.sender(), now)) {
          int len = b.readableBytes();
          io.netty.buffer.ByteBuf out = ctx.alloc().directBuffer(4 + len);
          out.writeShort(channel).writeShort(len).writeBytes(b, b.readerIndex(), len);
          toClient.increment();
          listen.writeAndFlush(new DatagramPacket(out, f.client));
          return;
        }
      }
      server.onPeerDatagram(at, endpoint(p.sender()), ByteBufUtil.getBytes(b));
    }
  }

  /** Keeps the fast path in step with the server. */
  private final class Mirror implements TurnServer.DataPlane {
    @Override
    public void allocated(Endpoint client, Endpoint at) {
      Fast f = new Fast(socket(client), relayed.get(at));
      fastByClient.put(f.client, f);
      PeerSide side = peerSides.get(at);
      if (side != null) {
        side.fast = f;
      }
    }

    private Fast of(Endpoint at) {
      PeerSide side = peerSides.get(at);
      return side == null ? null : side.fast;
    }

    @Override
    public void permitted(Endpoint at, long ipv4, long untilMillis) {
      Fast f = of(at);
      if (f != null) {
        f.permittedUntil.put(IpAddress.of((byte) (ipv4 >>> 24), (byte) (ipv4 >>> 16),
            (byte) (ipv4 >>> 8), (byte) ipv4).toInetAddress(), untilMillis);
      }
    }

    @Override
    public void channelBound(Endpoint at, int channel, Endpoint peer, long untilMillis) {
      Fast f = of(at);
      if (f != null) {
        InetSocketAddress p = socket(peer);
        f.channelPeer.put(channel, p);
        f.peerChannel.put(p, channel);
        f.channelUntil.put(channel, untilMillis);
      }
    }

    @Override
    public void released(Endpoint client, Endpoint at) {
      fastByClient.remove(socket(client));
      PeerSide side = peerSides.get(at);
      if (side != null) {
        side.fast = null;
      }
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
          jch.setOption(java.net.StandardSocketOptions.SO_RCVBUF, 256 << 10);
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
        PeerSide side = new PeerSide(at);
        ch.pipeline().addLast(side);
        loop.register(ch);
        relayed.put(at, ch);
        peerSides.put(at, side);
        return at;
      } catch (IOException e) {
        counters.increment("net.relay-port-failed");
        return null;
      }
    }

    @Override
    public void close(Endpoint at) {
      peerSides.remove(at);
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
