package org.openvoip.cli;

import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.openvoip.net.LinkSecurity;
import org.openvoip.p2pp.node.OverlayConfig;
import org.openvoip.p2pp.node.Security;
import org.openvoip.p2pp.security.AccessControl;
import org.openvoip.p2pp.security.CertificateChecker;
import org.openvoip.p2pp.security.Certificates;
import org.openvoip.p2pp.security.Identity;
import org.openvoip.p2pp.security.OverlayDocument;
import org.openvoip.p2pp.security.SignatureScheme;
import org.openvoip.p2pp.wire.Method;
import org.openvoip.server.OverlayKinds;
import org.openvoip.server.enroll.EnrollmentAuthority;
import org.openvoip.server.enroll.EnrollmentClient;
import org.openvoip.server.enroll.EnrollmentServer;

/**
 * The enrollment side of {@code demo --secure}: a certificate authority in a temporary
 * directory, its enrollment server on loopback, and every peer enrolled through it over TLS
 * (P2PP Enroll, with a password). Each member keeps its own certificate checker, which learns
 * revocations the way running nodes do: by asking the server for the current overlay document.
 */
final class SecureDemo implements AutoCloseable {
  static final String OVERLAY = "demo.openvoip.org";
  /** Fewer than the server's default (600,000), so that 50 enrollments take seconds. */
  static final int ITERATIONS = 10_000;
  /** Small enough that the demo's rogue reaches them. */
  static final Security.Limits LIMITS = new Security.Limits(64, 64 * 1024, 50, 200);
  private static final long DAY = 86_400_000L;

  private final Path dir;
  private final EnrollmentServer server;
  private final X509Certificate ca;
  private final EnrollmentClient.Pin pin;
  private final int idLength;
  private final SecureRandom random = new SecureRandom();

  private SecureDemo(Path dir, EnrollmentServer server, X509Certificate ca, int idLength) {
    this.dir = dir;
    this.server = server;
    this.ca = ca;
    this.pin = EnrollmentClient.Pin.of(ca);
    this.idLength = idLength;
  }

  static SecureDemo start(EventLoopGroup group, OverlayConfig oc) throws Exception {
    Path dir = Files.createTempDirectory("openvoip-demo-ca");
    SecureRandom random = new SecureRandom();
    EnrollmentAuthority authority = EnrollmentAuthority.open(dir, OVERLAY, oc.idLength(),
        SignatureScheme.ED25519, System.currentTimeMillis(), 365 * DAY, ITERATIONS, random);
    OverlayDocument template = new OverlayDocument(OVERLAY, 1, oc, false,
        OverlayKinds.defaults(), List.of(), List.of(), null, List.of());
    EnrollmentServer server = EnrollmentServer.start(group,
        new InetSocketAddress("127.0.0.1", 0), authority, template, DAY, random);
    server.advertise("127.0.0.1:" + server.address().getPort());
    return new SecureDemo(dir, server, authority.certificate(), oc.idLength());
  }

  InetSocketAddress address() {
    return server.address();
  }

  X509Certificate ca() {
    return ca;
  }

  String fingerprint() {
    return EnrollmentClient.fingerprint(ca);
  }

  /** An enrolled node: its identity, and the checker through which it trusts others. */
  final class Member {
    final Identity identity;
    final CertificateChecker checker;

    Member(Identity identity, CertificateChecker checker) {
      this.identity = identity;
      this.checker = checker;
    }

    Security security() {
      return new Security(identity, new AccessControl(checker, OverlayKinds.defaults(),
          idLength), LIMITS);
    }

    LinkSecurity links() {
      return new LinkSecurity(identity, List.of(ca), checker, random);
    }
  }

  /** Adds {@code user} with a fresh password and enrolls it over TLS, as a node would. */
  Member enroll(String user) throws Exception {
    char[] password = password();
    char[] copy = password.clone();
    server.withAuthority(a -> {
      a.setPassword(user, copy);
      return null;
    });
    KeyPair keys = SignatureScheme.ED25519.generate(random);
    EnrollmentClient.Enrolled e = EnrollmentClient.enroll(server.address(), pin, Method.ENROLL,
        user, password, keys, null, random, 10_000);
    CertificateChecker checker = new CertificateChecker(List.of(ca), false, idLength);
    e.document().revokedSerials().forEach(checker::revoke);
    return new Member(e.identity(), checker);
  }

  /**
   * Each member asks the server for the current document with its certificate alone and refuses
   * its revoked serials from then on; returns how many serials the document lists.
   */
  int refresh(List<Member> members) throws Exception {
    int revoked = 0;
    for (Member m : members) {
      EnrollmentClient.Enrolled e = EnrollmentClient.status(server.address(), pin, m.identity,
          random, 10_000);
      e.document().revokedSerials().forEach(m.checker::revoke);
      revoked = e.document().revoked().size();
    }
    return revoked;
  }

  /** Revokes a member's certificate at the server. */
  void revoke(Member m) throws Exception {
    server.revoke(m.identity.certificate().getSerialNumber());
  }

  /** A certificate the CA issued to {@code user} that expired ten days ago. */
  Identity expired(String user) throws Exception {
    KeyPair keys = SignatureScheme.ED25519.generate(random);
    char[] password = password();
    long now = System.currentTimeMillis();
    X509Certificate c = server.withAuthority(a -> {
      a.setPassword(user, password.clone());
      // Issued 40 days ago for 30 days.
      return a.enroll(user, password, Certificates.request(keys, user, random), now - 40 * DAY,
          30 * DAY).certificate();
    });
    return new Identity(keys, c);
  }

  /** A certificate for {@code user} from a certificate authority the overlay does not know. */
  Identity fromUnknownCa(String user) {
    KeyPair caKeys = SignatureScheme.ED25519.generate(random);
    long now = System.currentTimeMillis();
    X509Certificate rogueCa = Certificates.authority(caKeys, "CN=Not the overlay's CA",
        now - DAY, now + DAY, random);
    KeyPair keys = SignatureScheme.ED25519.generate(random);
    byte[] id = new byte[idLength];
    random.nextBytes(id);
    return new Identity(keys, Certificates.node(keys.getPublic(), user,
        List.of(org.openvoip.p2pp.wire.Bytes.of(id)), OVERLAY, rogueCa, caKeys.getPrivate(),
        Certificates.serial(random), now - DAY, now + DAY, random));
  }

  private char[] password() {
    byte[] b = new byte[12];
    random.nextBytes(b);
    return java.util.HexFormat.of().formatHex(b).toCharArray();
  }

  @Override
  public void close() throws IOException {
    server.close();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
