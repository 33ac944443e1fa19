package org.openvoip.cli;

import io.netty.channel.EventLoopGroup;
import java.io.PrintWriter;
import java.security.SecureRandom;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.openvoip.net.NetNode;
import org.openvoip.p2pp.env.Endpoint;
import org.openvoip.p2pp.node.NodeConfig;
import org.openvoip.p2pp.wire.WireObject.ResourceObject;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Runs one node until it is stopped: by Ctrl-C or a kill (a shutdown hook leaves the overlay
 * gracefully) or, in tests, by {@link #stop}.
 */
final class Serving {
  private final CountDownLatch stop = new CountDownLatch(1);
  private final CountDownLatch done = new CountDownLatch(1);
  private volatile Endpoint bound;

  /**
   * Asks the bootstrap server and its partner peer what NAT this node sits behind (STUN, RFC
   * 5780's tests), in the background, and prints the answer when it comes.
   */
  private static void reportNat(org.openvoip.p2pp.node.Node node,
      org.openvoip.p2pp.env.Endpoint server, java.io.PrintWriter out) {
    node.discoverNat(server, null).whenComplete((r, e) -> {
      if (e != null) {
        out.println("NAT discovery failed: " + NetSupport.describe(e));
      } else if (!r.answered()) {
        out.println("NAT discovery: " + server + " did not answer STUN (" + r.note() + ")");
      } else {
        out.printf("NAT discovery: %s, public address %s, %s%s%n", r.natType(), r.mapped(),
            r.reachable() ? "reachable by any node"
                : "NOT reachable by nodes it has not contacted: it needs ICE or a relay",
            r.note().isEmpty() ? "" : " (" + r.note() + ")");
      }
      out.flush();
    });
  }

  /** The address the node listens on, once it has joined; null before. */
  Endpoint bound() {
    return bound;
  }

  /** Leaves the overlay and returns from {@link #run}. */
  void stop() {
    stop.countDown();
  }

  /** Whether {@link #run} has returned. */
  boolean awaitDone(long millis) throws InterruptedException {
    return done.await(millis, TimeUnit.MILLISECONDS);
  }

  /** How often a node with a data directory writes what it stores there. */
  static final long SAVE_EVERY_SECONDS = 60;

  int run(CommandSpec spec, NodeConfig config, String role) throws InterruptedException {
    return run(spec, config, role, null, null, null);
  }

  /**
   * Runs the node; with {@code storedFile}, it takes back the objects kept there once joined,
   * and writes what it stores there every {@value #SAVE_EVERY_SECONDS} s and before it leaves.
   */
  /**
   * @param secured the node's security (null: none): links become DTLS and TLS, and an enrolled
   *     node renews its certificate and takes in revocations from its enrollment server
   * @param dataDir where an enrolled node keeps what renewal brings (null: nowhere)
   */
  int run(CommandSpec spec, NodeConfig config, String role, Path storedFile,
      NodeSecurity.Secured secured, Path dataDir) throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    EventLoopGroup group = NetSupport.eventLoops(1);
    ExecutorService callbacks = NetSupport.callbacks();
    try {
      NetNode node;
      try {
        node = NetNode.start(group, config, callbacks,
            new SplittableRandom(new SecureRandom().nextLong()),
            secured == null ? null : secured.links(new SecureRandom()));
      } catch (Exception e) {
        err.println("error: cannot listen on " + config.address() + ": "
            + NetSupport.describe(e));
        return 1;
      }
      try {
        // Long enough for the engine's three join attempts, each bounded by the lookup timeout.
        node.node().join().get(60, TimeUnit.SECONDS);
      } catch (Exception e) {
        node.close();
        err.println("error: could not join" + (config.bootstrap() == null ? ""
            : " through " + config.bootstrap()) + ": " + NetSupport.describe(e));
        return 1;
      }
      out.printf("%s %s listening on %s (%s, overlay %s)%n", role,
          node.node().id().hex(), node.localEndpoint(), secured == null ? "UDP and TCP"
              : "DTLS and TLS, " + secured.mode() + " as " + secured.identity().user(),
          config.overlay().algorithm());
      if (config.bootstrap() != null) {
        reportNat(node.node(), config.bootstrap(), out);
      }
      Renewal renewal = secured == null ? null : Renewal.start(secured, dataDir, out, err);
      ScheduledExecutorService saver = null;
      if (storedFile != null) {
        try {
          List<ResourceObject> kept = StoredFile.load(storedFile, config.overlay().idLength(),
              System.currentTimeMillis());
          if (!kept.isEmpty()) {
            int n = node.node().restore(kept).get(10, TimeUnit.SECONDS);
            out.printf("took back %d of %d objects kept in %s%n", n, kept.size(), storedFile);
          }
        } catch (Exception e) {
          err.println("warning: the objects kept in " + storedFile + " are not taken back: "
              + NetSupport.describe(e));
        }
        saver = Executors.newSingleThreadScheduledExecutor(r -> {
          Thread t = new Thread(r, "openvoip-save");
          t.setDaemon(true);
          return t;
        });
        saver.scheduleWithFixedDelay(() -> save(node, storedFile, err), SAVE_EVERY_SECONDS,
            SAVE_EVERY_SECONDS, TimeUnit.SECONDS);
      }
      out.println("Ctrl-C leaves the overlay gracefully.");
      out.flush();
      bound = node.localEndpoint();
      Thread hook = new Thread(() -> {
        stop.countDown();
        try {
          done.await(10, TimeUnit.SECONDS); // let run() leave before the JVM halts
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "openvoip-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      try {
        stop.await();
      } finally {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
          // The hook is running: it waits for us below.
        }
        if (saver != null) {
          saver.shutdownNow();
          save(node, storedFile, err);
        }
        if (renewal != null) {
          renewal.stop();
        }
        out.println("leaving the overlay");
        out.flush();
        node.leaveAndClose(2000);
      }
      return 0;
    } finally {
      NetSupport.shutdown(group, callbacks);
      done.countDown();
    }
  }

  private static void save(NetNode node, Path file, PrintWriter err) {
    try {
      StoredFile.save(file, node.node(), node.node().stored().get(10, TimeUnit.SECONDS),
          System.currentTimeMillis());
    } catch (Exception e) {
      err.println("warning: cannot keep the stored objects in " + file + ": "
          + NetSupport.describe(e));
    }
  }
}
