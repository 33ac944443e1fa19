package org.openvoip.net;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.openvoip.p2pp.env.Counters;
import org.openvoip.p2pp.env.TransportContract;
import org.openvoip.p2pp.wire.WireDecoder;

/** The transport contract on real loopback sockets, in real time. */
class NetTransportContractTest extends TransportContract {
  @Override
  protected Network open() {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    ExecutorService callbacks = Executors.newCachedThreadPool();
    List<NetTransport> transports = new ArrayList<>();
    SplittableRandom seeds = new SplittableRandom(3);
    return new Network() {
      @Override
      public Place add(Receiver receiver) throws Exception {
        NetTransport t = NetTransport.bind(group,
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), new WireDecoder(20),
            new Counters());
        t.receiver(receiver::onBytes);
        transports.add(t);
        return new Place(t.localEndpoint(), t.env(seeds.split()), t.eventLoop());
      }

      @Override
      public boolean await(BooleanSupplier condition, long maxMillis) throws Exception {
        long end = System.nanoTime() + maxMillis * 1_000_000;
        while (!condition.getAsBoolean() && System.nanoTime() < end) {
          Thread.sleep(10);
        }
        return condition.getAsBoolean();
      }

      @Override
      public Executor callbacks() {
        return callbacks;
      }

      @Override
      public void close() {
        transports.forEach(NetTransport::close);
        callbacks.shutdownNow();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
      }
    };
  }
}
