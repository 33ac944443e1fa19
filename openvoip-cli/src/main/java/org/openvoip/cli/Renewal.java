package org.openvoip.cli;

import java.io.PrintWriter;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.openvoip.p2pp.security.OverlayDocument;
import org.openvoip.p2pp.wire.Method;
import org.openvoip.server.enroll.EnrollmentAuthority;
import org.openvoip.server.enroll.EnrollmentClient;

/**
 * What keeps an enrolled node current: at start and every {@link #EVERY_MINUTES} minutes it asks
 * the enrollment server named in its overlay document for the current document, showing its
 * certificate alone (an Authenticate with an empty request; the TLS handshake proves it holds the
 * key). The running node refuses the document's revoked serials from then on. When the
 * certificate has less than a third of its validity left, it asks for a new one instead (same
 * node-ID); both are written to the data directory for the next start.
 */
final class Renewal {
  static final long EVERY_MINUTES = 10;

  private final NodeSecurity.Secured secured;
  private final Path dataDir;
  private final PrintWriter out;
  private final PrintWriter err;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "openvoip-renewal");
    t.setDaemon(true);
    return t;
  });
  private long sequence;

  private Renewal(NodeSecurity.Secured secured, Path dataDir, PrintWriter out, PrintWriter err) {
    this.secured = secured;
    this.dataDir = dataDir;
    this.out = out;
    this.err = err;
    this.sequence = secured.document().sequence();
  }

  /** Starts renewing, if the node is enrolled with a server it can reach; else null. */
  static Renewal start(NodeSecurity.Secured secured, Path dataDir, PrintWriter out,
      PrintWriter err) {
    OverlayDocument doc = secured.document();
    if (doc == null || doc.enrollmentServer() == null || doc.enrollmentServer().isBlank()) {
      return null;
    }
    Renewal r = new Renewal(secured, dataDir, out, err);
    r.timer.scheduleWithFixedDelay(r::renew, 0, EVERY_MINUTES, TimeUnit.MINUTES);
    return r;
  }

  void stop() {
    timer.shutdownNow();
  }

  private void renew() {
    OverlayDocument doc = secured.document();
    try {
      InetSocketAddress server = NetSupport.parseHostPort(doc.enrollmentServer());
      java.security.cert.X509Certificate c = secured.identity().certificate();
      long left = c.getNotAfter().getTime() - System.currentTimeMillis();
      long validity = c.getNotAfter().getTime() - c.getNotBefore().getTime();
      EnrollmentClient.Pin pin = EnrollmentClient.Pin.of(secured.chain().get(0));
      EnrollmentClient.Enrolled e = left < validity / 3
          ? EnrollmentClient.enroll(server, pin, Method.AUTHENTICATE, secured.identity().user(),
              new char[0], secured.identity().keys(), secured.identity(), new SecureRandom(),
              10_000)
          : EnrollmentClient.status(server, pin, secured.identity(), new SecureRandom(), 10_000);
      int newly = 0;
      for (BigInteger serial : e.document().revokedSerials()) {
        if (!secured.checker().isRevoked(serial)) {
          secured.checker().revoke(serial);
          newly++;
        }
      }
      if (dataDir != null) {
        NodeSecurity.write(dataDir, e.identity());
        EnrollmentAuthority.writeAtomically(dataDir.resolve(NodeSecurity.DOCUMENT),
            new String(e.signedDocument().toByteArray(), java.nio.charset.StandardCharsets.UTF_8));
      }
      if (newly > 0 || e.document().sequence() != sequence) {
        out.printf("overlay document %d from %s: %d revoked certificates (%d new)%n",
            e.document().sequence(), server, e.document().revoked().size(), newly);
        out.flush();
      }
      sequence = e.document().sequence();
    } catch (Exception ex) {
      err.println("warning: cannot renew with the enrollment server " + doc.enrollmentServer()
          + ": " + NetSupport.describe(ex) + " (will try again in " + EVERY_MINUTES + " min)");
      err.flush();
    }
  }
}
