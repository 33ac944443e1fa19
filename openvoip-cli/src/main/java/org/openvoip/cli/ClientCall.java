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

  /**
   * The security of a client command: its options and data directory (an enrolled identity,
   * or a self-signed one, made for this run when there is no directory); null without.
   */
  static NodeSecurity.Secured security(ClientOptions o, OverlayConfig oc) throws Failed {
    try {
      return NodeSecurity.load(o.dataDir, o.security, oc, new SecureRandom());
    } catch (java.io.IOException | org.openvoip.p2pp.security.CertificateProblem e) {
      throw new Failed(e.getMessage());
    }
  }

  /** A failure already put in words. */
  static final class Failed extends Exception {
    private static final long serialVersionUID = 1L;

    Failed(String message) {
      super(message);
    }
  }

  static <T> T run(InetSocketAddress via, OverlayConfig oc,
      Function<P2ppClient, CompletableFuture<T>> request) throws Failed, InterruptedException {
    return run(via, oc, null, request);
  }

  /**
   * Runs one request; with {@code secured} (null: none), the client's links are DTLS and TLS
   * with its certificate. Its Source-ID is a random one all the same: the identity may be a
   * running node's (the same data directory), and a request whose Source-ID is the responsible
   * peer's own would never reach it. A client's requests are forwarded (R set), so no link binds
   * their Source-ID; what the client stores carries its owner's signature.
   */
  static <T> T run(InetSocketAddress via, OverlayConfig oc, NodeSecurity.Secured secured,
      Function<P2ppClient, CompletableFuture<T>> request) throws Failed, InterruptedException {
    Endpoint to = NetSupport.endpoint(via);
    // Answers come back to where the request came from: loopback for a local peer.
    InetAddress local = via.getAddress().isLoopbackAddress() ? via.getAddress() : null;
    EventLoopGroup group = NetSupport.eventLoops(1);
    ExecutorService callbacks = NetSupport.callbacks();
    try (NetClient client = NetClient.start(group, new InetSocketAddress(local, 0), oc,
        NetSupport.randomId(oc.idLength()), callbacks, new SplittableRandom(new SecureRandom().nextLong()),
        secured == null ? null : secured.links(new SecureRandom()))) {
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
