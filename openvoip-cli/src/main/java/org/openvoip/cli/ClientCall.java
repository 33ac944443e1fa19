package org.openvoip.cli;

import io.netty.channel.EventLoopGroup;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.openvoip.net.NetClient;
import org.openvoip.p2pp.env.Endpoint;
import org.openvoip.p2pp.node.OverlayConfig;
import org.openvoip.p2pp.node.P2ppClient;

/**
 * One request of a command-line client: a {@link P2ppClient} on a free port sends it through
 * the {@code --via} peer, which routes it to the responsible peer and relays the answer.
 */
final class ClientCall {
  private ClientCall() {}

  /** A failure already put in words. */
  static final class Failed extends Exception {
    private static final long serialVersionUID = 1L;

    Failed(String message) {
      super(message);
    }
  }

  static <T> T run(InetSocketAddress via, OverlayConfig oc,
      Function<P2ppClient, CompletableFuture<T>> request) throws Failed, InterruptedException {
    Endpoint to = NetSupport.endpoint(via);
    // Answers come back to where the request came from: loopback for a local peer.
    InetAddress local = via.getAddress().isLoopbackAddress() ? via.getAddress() : null;
    EventLoopGroup group = NetSupport.eventLoops(1);
    ExecutorService callbacks = NetSupport.callbacks();
    try (NetClient client = NetClient.start(group, new InetSocketAddress(local, 0), oc,
        NetSupport.randomId(oc.idLength()), callbacks,
        new SplittableRandom(new SecureRandom().nextLong()))) {
      // The transaction layer gives up on its own (T2 without an ACK, T3 without an answer);
      // this bound only guards against a bug.
      long bound = oc.transactions().t2Millis() + oc.transactions().t3Millis() + 5_000;
      return request.apply(client.client()).get(bound, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new Failed("no answer from " + to);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new Failed(NetSupport.describe(e));
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      throw new Failed("cannot open a client socket: " + NetSupport.describe(e));
    } finally {
      NetSupport.shutdown(group, callbacks);
    }
  }
}
