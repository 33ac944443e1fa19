package org.openvoip.net;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import org.openvoip.p2pp.env.Counters;
import org.openvoip.p2pp.env.Endpoint;
import org.openvoip.p2pp.env.PacketReceiver;
import org.openvoip.p2pp.env.Env;
import org.openvoip.p2pp.env.Transport;
import org.openvoip.p2pp.stun.StunMessage;
import org.openvoip.p2pp.wire.Bytes;
import org.openvoip.p2pp.wire.IpAddress;
import org.openvoip.p2pp.wire.WireDecoder;

/**
 * One node's sockets on Netty: UDP and TCP on the same port, all on one {@link EventLoop}, so
 * every callback into the engine (received bytes, timers) runs on the node's thread, as {@link
 * Env} promises. Many nodes can share one {@link EventLoopGroup}.
 *
 * <p>TCP connections are reused in both directions: an answer to a request that came over an
 * accepted connection goes back over it. Stream framing uses {@link WireDecoder#frameLength}, so
 * a frame larger than the decoder's limit closes the connection without being buffered.
 *
 * <p>The UDP port also carries STUN, told apart from P2PP and DTLS by STUN's magic cookie: STUN
 * datagrams go to and come from the engine's {@link org.openvoip.p2pp.stun.StunAgent} in the
 * clear, even when links are DTLS (RFC 7983's split), so that nodes use peers as STUN servers
 * and ICE checks reach the agent.
 *
 * <p>With {@link LinkSecurity}, every link is authenticated and encrypted, both ends showing a
 * certificate: datagrams go in DTLS 1.2 ({@link DtlsLinks}) and streams in TLS 1.3, and nothing
 * travels in the clear. Packets are then handed over as {@link Transport#DTLS} and {@link
 * Transport#TLS}, and {@link Env#linkIds} tells the engine whose certificate the link showed;
 * the engine's UDP and TCP are sent as DTLS and TLS. Without it, DTLS and TLS are refused.
 */
public final class NetTransport implements AutoCloseable {

  private final EventLoop loop;
  private final WireDecoder decoder;
  private final Counters counters;
  private final Map<InetSocketAddress, Channel> streams = new HashMap<>();
  private final Map<InetSocketAddress, ChannelFuture> connecting = new HashMap<>();
  private final LinkSecurity.Contexts links;
  private DtlsLinks dtls;
  private Channel udp;
  private Channel tcpServer;
  private volatile PacketReceiver receiver = (bytes, t, from) -> {};
  /** The IDs bound by the link of the packet being handed over, on the loop; else null. */
  private List<Bytes> deliveringIds;
  private Endpoint deliveringFrom;

  private NetTransport(EventLoop loop, WireDecoder decoder, Counters counters,
      LinkSecurity security) {
    this.loop = loop;
    this.decoder = decoder;
    this.counters = counters;
    this.links = security == null ? null : security.contexts(this::refusedCertificate);
  }

  private void refusedCertificate(org.openvoip.p2pp.security.CertificateProblem p) {
    if (loop.inEventLoop()) {
      counters.increment(p.refusal().counter());
    } else {
      loop.execute(() -> counters.increment(p.refusal().counter()));
    }
  }

  /**
   * Binds UDP and TCP on {@code at} (port 0: any free port, the same for both) on one event loop
   * of {@code group}.
   */
  public static NetTransport bind(EventLoopGroup group, InetSocketAddress at, WireDecoder decoder,
      Counters counters) throws InterruptedException {
    return bind(group, at, decoder, counters, null);
  }

  /**
   * Binds as {@link #bind(EventLoopGroup, InetSocketAddress, WireDecoder, Counters)} does; with
   * {@code security} (null: none), every link is DTLS or TLS with mutual authentication.
   */
  public static NetTransport bind(EventLoopGroup group, InetSocketAddress at, WireDecoder decoder,
      Counters counters, LinkSecurity security) throws InterruptedException {
    // Port 0: UDP picks a free port, and TCP must get the same one, which a TCP socket (an
    // outgoing connection's ephemeral port) may hold; then try another.
    for (int attempt = 1; ; attempt++) {
      try {
        return bindOnce(group, at, decoder, counters, security);
      } catch (TcpPortTaken e) {
        if (at.getPort() != 0 || attempt == 20) {
          throw new IllegalStateException("cannot bind TCP on " + e.getMessage(), e.getCause());
        }
        counters.increment("net.tcp-port-taken-retries");
      }
    }
  }

  /** The UDP port chosen was taken for TCP. */
  private static final class TcpPortTaken extends Exception {
    private static final long serialVersionUID = 1L;

    TcpPortTaken(String where, Throwable cause) {
      super(where, cause);
    }
  }

  private static NetTransport bindOnce(EventLoopGroup group, InetSocketAddress at,
      WireDecoder decoder, Counters counters, LinkSecurity security)
      throws InterruptedException, TcpPortTaken {
    NetTransport t = new NetTransport(group.next(), decoder, counters, security);
    t.udp = new Bootstrap().group(t.loop).channel(NioDatagramChannel.class)
        .handler(t.new DatagramHandler()).bind(at).sync().channel();
    InetSocketAddress bound = (InetSocketAddress) t.udp.localAddress();
    int port = bound.getPort();
    if (t.links != null) {
      t.dtls = new DtlsLinks(t.links, t.loop, counters, bound,
          (to, datagram) -> t.udp.writeAndFlush(
              new DatagramPacket(Unpooled.wrappedBuffer(datagram), to)),
          (plain, from, ids) -> t.deliver(plain, Transport.DTLS, from, ids));
    }
    try {
      t.tcpServer = new ServerBootstrap().group(t.loop, t.loop)
          .channel(NioServerSocketChannel.class).childHandler(t.streamInitializer(null))
          .bind(new InetSocketAddress(at.getAddress(), port)).sync().channel();
    } catch (Exception e) { // sync() rethrows the bind's IOException as it is
      t.udp.close().syncUninterruptibly();
      if (e instanceof java.net.BindException) {
        throw new TcpPortTaken(at.getAddress() + ":" + port, e);
      }
      if (e instanceof InterruptedException ie) {
        throw ie;
      }
      throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
    }
    return t;
  }

  /** Sets where received bytes go (the node's transaction layer). */
  public void receiver(PacketReceiver r) {
    this.receiver = r;
  }

  public EventLoop eventLoop() {
    return loop;
  }

  /**
   * Builds the engine that will own this transport on its event loop (an engine draws from its
   * generator as it is built), hands it the transport's bytes, and returns it; if building
   * fails, the transport is closed.
   *
   * @param build gets the bound address, which the engine should advertise
   * @param receiverOf where the built engine takes its bytes
   */
  public <T> T attach(Function<Endpoint, T> build, Function<T, PacketReceiver> receiverOf)
      throws InterruptedException {
    try {
      Endpoint bound = localEndpoint();
      T built = loop.submit(() -> build.apply(bound)).get();
      receiver(receiverOf.apply(built));
      return built;
    } catch (ExecutionException e) {
      close();
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e);
    } catch (RuntimeException | InterruptedException e) {
      close();
      throw e;
    }
  }

  /** The address and port UDP and TCP are bound to. */
  public Endpoint localEndpoint() {
    return endpoint((InetSocketAddress) udp.localAddress());
  }

  /** An {@link Env} on this transport: its event loop's timers and the monotonic clock. */
  public Env env(RandomGenerator random) {
    return new LoopEnv(loop, random) {
      @Override
      public List<Bytes> linkIds(Transport transport, Endpoint from) {
        return deliveringIds != null && from.equals(deliveringFrom) ? deliveringIds : null;
      }

      @Override
      public void send(Transport transport, Endpoint destination, byte[] bytes) {
        if (loop.inEventLoop()) {
          NetTransport.this.send(transport, destination, bytes);
        } else {
          loop.execute(() -> NetTransport.this.send(transport, destination, bytes));
        }
      }
    };
  }

  private void send(Transport transport, Endpoint to, byte[] bytes) {
    InetSocketAddress addr = new InetSocketAddress(to.address().toInetAddress(), to.port());
    if (!transport.reliable() && StunMessage.isStun(bytes)) {
      // STUN goes in the clear, as it comes (the receiving side splits on the magic cookie).
      udp.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(bytes), addr));
      return;
    }
    if (dtls != null) {
      // A secured transport sends nothing in the clear: the engine's UDP is DTLS, TCP is TLS.
      if (transport.reliable()) {
        sendStream(addr, bytes);
      } else {
        dtls.send(addr, bytes);
      }
      return;
    }
    switch (transport) {
      case UDP -> udp.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(bytes), addr));
      case TCP -> sendStream(addr, bytes);
      default -> throw new IllegalArgumentException(
          transport + " needs link security (a certificate and the overlay's trust)");
    }
  }

  private void sendStream(InetSocketAddress addr, byte[] bytes) {
    Channel ch = streams.get(addr);
    if (ch != null && ch.isActive()) {
      ch.writeAndFlush(Unpooled.wrappedBuffer(bytes));
      return;
    }
    ChannelFuture f = connecting.computeIfAbsent(addr, a -> {
      ChannelFuture c = new Bootstrap().group(loop).channel(NioSocketChannel.class)
          .handler(streamInitializer(a)).connect(a);
      c.addListener(done -> connecting.remove(a));
      return c;
    });
    f.addListener(done -> {
      if (f.isSuccess()) {
        f.channel().writeAndFlush(Unpooled.wrappedBuffer(bytes));
      } else {
        counters.increment("net.tcp-connect-failed");
      }
    });
  }

  @Override
  public void close() {
    try {
      udp.close().syncUninterruptibly();
      tcpServer.close().syncUninterruptibly();
    } finally {
      loop.execute(() -> {
        streams.values().forEach(Channel::close);
        if (dtls != null) {
          dtls.closeAll();
        }
      });
    }
  }

  /** The engine's form of a socket address. */
  static Endpoint endpoint(InetSocketAddress a) {
    return new Endpoint(new IpAddress(Bytes.of(a.getAddress().getAddress())), a.getPort());
  }

  private void deliver(byte[] bytes, Transport t, InetSocketAddress from, List<Bytes> linkIds) {
    Endpoint sender = endpoint(from);
    deliveringIds = linkIds;
    deliveringFrom = sender;
    try {
      receiver.onBytes(bytes, t, sender);
    } catch (RuntimeException e) {
      // The engine counts and drops bad input itself; reaching here is a bug, not bad input.
      counters.increment("net.receiver-failed");
      throw e;
    } finally {
      deliveringIds = null;
      deliveringFrom = null;
    }
  }

  private final class DatagramHandler extends SimpleChannelInboundHandler<DatagramPacket> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
      byte[] bytes = ByteBufUtil.getBytes(packet.content());
      if (StunMessage.isStun(bytes)) {
        // STUN shares the port, in the clear even when links are DTLS (RFC 7983's split).
        deliver(bytes, Transport.UDP, packet.sender(), null);
        return;
      }
      if (dtls != null) {
        dtls.onDatagram(packet.sender(), bytes);
      } else {
        deliver(bytes, Transport.UDP, packet.sender(), null);
      }
    }
  }

  private static final AttributeKey<List<Bytes>> PEER_IDS = AttributeKey.valueOf("p2pp.peer-ids");

  /** @param connectingTo the address this side connects to; null on accepted connections */
  private ChannelInitializer<SocketChannel> streamInitializer(InetSocketAddress connectingTo) {
    return new ChannelInitializer<>() {
      @Override
      protected void initChannel(SocketChannel ch) {
        if (links != null) {
          boolean client = connectingTo != null;
          InetSocketAddress peer = client ? connectingTo : ch.remoteAddress();
          SslHandler tls = new SslHandler(links.tlsEngine(client, peer));
          tls.handshakeFuture().addListener(done -> {
            if (done.isSuccess()) {
              ch.attr(PEER_IDS).set(LinkSecurity.peerIds(tls.engine().getSession()));
              counters.increment("net.tls-handshakes");
            } else {
              counters.increment("net.tls-handshake-failed");
            }
          });
          ch.pipeline().addLast(tls);
        }
        ch.pipeline().addLast(new FrameDecoder(decoder, e -> counters.increment(
            "drop.stream." + e.reason().name().toLowerCase())), new StreamHandler());
      }
    };
  }

  private final class StreamHandler extends SimpleChannelInboundHandler<byte[]> {
    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      streams.put((InetSocketAddress) ctx.channel().remoteAddress(), ctx.channel());
      ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      streams.remove((InetSocketAddress) ctx.channel().remoteAddress(), ctx.channel());
      ctx.fireChannelInactive();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, byte[] frame) {
      InetSocketAddress from = (InetSocketAddress) ctx.channel().remoteAddress();
      if (links == null) {
        deliver(frame, Transport.TCP, from, null);
        return;
      }
      List<Bytes> ids = ctx.channel().attr(PEER_IDS).get();
      if (ids == null) { // the handshake's listener has not run yet
        ids = LinkSecurity.peerIds(ctx.pipeline().get(SslHandler.class).engine().getSession());
        ctx.channel().attr(PEER_IDS).set(ids);
      }
      deliver(frame, Transport.TLS, from, ids);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      counters.increment("net.stream-errors");
      ctx.close();
    }
  }
}
