package org.openvoip.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;
import org.openvoip.net.LinkSecurity;
import org.openvoip.p2pp.node.OverlayConfig;
import org.openvoip.p2pp.node.Security;
import org.openvoip.p2pp.security.AccessControl;
import org.openvoip.p2pp.security.CertificateChecker;
import org.openvoip.p2pp.security.CertificateProblem;
import org.openvoip.p2pp.security.Certificates;
import org.openvoip.p2pp.security.Identity;
import org.openvoip.p2pp.security.Kind;
import org.openvoip.p2pp.security.OverlayDocument;
import org.openvoip.p2pp.security.SignatureScheme;
import org.openvoip.p2pp.wire.Bytes;
import org.openvoip.server.OverlayKinds;
import org.openvoip.server.enroll.EnrollmentAuthority;
import picocli.CommandLine.Option;

/**
 * A node's security from its data directory and options, in one of three modes:
 * <ul>
 *   <li><b>enrolled</b>: the directory holds what {@code openvoip enroll} wrote: {@value #KEY}
 *       (PKCS#8, owner-only), {@value #CERT}, {@value #CA} and {@value #DOCUMENT} (the overlay
 *       document signed by the CA, whose configuration, kinds and revoked serials apply);
 *   <li><b>self-signed</b> ({@code --self-signed}): a key and a self-signed certificate whose
 *       node-ID is the hash of the key, made on first use and kept in the directory if there is
 *       one; peers accept any such certificate;
 *   <li><b>shared secret</b> ({@code --secret-file}): self-signed, but peers admit only
 *       certificates made with the overlay's secret (an admission token bound to the key).
 * </ul>
 * Without any of them, the node runs without security (plain UDP and TCP, unsigned data).
 */
final class NodeSecurity {
  static final String KEY = "node.key";
  static final String CERT = "node.crt";
  static final String CA = "ca.crt";
  static final String DOCUMENT = "overlay.json";
  private static final long SELF_SIGNED_VALIDITY = 365L * 86_400_000L;

  /** The options of the self-signed and shared-secret modes. */
  static final class Options {
    @Option(names = "--self-signed",
        description = "Secure the node without an enrollment server: a self-signed certificate"
            + " whose node-ID is the hash of its key (kept in --data-dir); links are DTLS/TLS"
            + " and data is signed. Every node of the overlay must use it.")
    boolean selfSigned;

    @Option(names = "--secret-file", paramLabel = "FILE",
        description = "Like --self-signed, but admit only nodes that know the overlay's shared"
            + " secret, read from FILE (at least 16 bytes).")
    Path secretFile;

    @Option(names = "--user", paramLabel = "NAME",
        description = "The user a self-signed certificate names (default: node-<id>@<overlay>).")
    String user;

    @Option(names = "--overlay-name", defaultValue = "openvoip", paramLabel = "NAME",
        description = "The overlay's name in self-signed certificates (default: ${DEFAULT-VALUE}).")
    String overlayName;

    boolean any() {
      return selfSigned || secretFile != null;
    }
  }

  /** What a secured node runs with. */
  record Secured(String mode, Identity identity, List<X509Certificate> chain,
      CertificateChecker checker, List<Kind> kinds, OverlayDocument document, OverlayConfig config) {
    Security security() {
      return new Security(identity, new AccessControl(checker, kinds, config.idLength()));
    }

    LinkSecurity links(SecureRandom random) {
      return new LinkSecurity(identity, chain, checker, random);
    }
  }

  private NodeSecurity() {}

  /** Whether {@code dir} holds an enrolled identity. */
  static boolean enrolled(Path dir) {
    return dir != null && Files.exists(dir.resolve(CERT)) && Files.exists(dir.resolve(CA))
        && Files.exists(dir.resolve(KEY));
  }

  /**
   * The node's security, or null when it runs without.
   *
   * @param config the overlay configuration from the command line; an enrolled node takes its
   *     overlay document's instead
   * @throws IOException when files cannot be read or written
   * @throws CertificateProblem when what the directory holds does not check out
   */
  static Secured load(Path dir, Options o, OverlayConfig config, SecureRandom random)
      throws IOException, CertificateProblem {
    if (enrolled(dir)) {
      if (o != null && o.any()) {
        throw new CertificateProblem(dir + " holds an enrolled identity; --self-signed and"
            + " --secret-file are for overlays without an enrollment server");
      }
      return enrolledIn(dir);
    }
    if (o == null || !o.any()) {
      return null;
    }
    byte[] secret = o.secretFile == null ? null : secret(o.secretFile);
    int idLength = config.idLength();
    Identity me = dir != null && Files.exists(dir.resolve(CERT)) && Files.exists(dir.resolve(KEY))
        ? read(dir) : null;
    CertificateChecker checker = new CertificateChecker(List.of(), true, idLength, secret);
    long now = System.currentTimeMillis();
    if (me == null) {
      KeyPair kp = SignatureScheme.ED25519.generate(random);
      Bytes id = Certificates.selfSignedNodeId(kp.getPublic(), idLength);
      String user = o.user != null ? o.user
          : "node-" + id.hex().substring(0, 8) + "@" + o.overlayName;
      me = new Identity(kp, Certificates.selfSigned(kp, user, o.overlayName, idLength,
          now - 60_000, now + SELF_SIGNED_VALIDITY, random, secret));
      if (dir != null) {
        write(dir, me);
      }
    }
    try {
      checker.check(me.certificate(), now);
    } catch (CertificateProblem p) {
      throw new CertificateProblem("the certificate in " + dir + " does not fit this overlay: "
          + p.getMessage());
    }
    return new Secured(secret == null ? "self-signed" : "shared secret", me, List.of(), checker,
        OverlayKinds.defaults(), null, config);
  }

  private static Secured enrolledIn(Path dir) throws IOException, CertificateProblem {
    Identity me = read(dir);
    X509Certificate ca = EnrollmentAuthority.readCertificate(dir.resolve(CA));
    OverlayDocument doc = OverlayDocument.verify(Bytes.of(Files.readAllBytes(
        dir.resolve(DOCUMENT))), List.of(ca));
    CertificateChecker checker = new CertificateChecker(List.of(ca), doc.selfSignedAllowed(),
        doc.config().idLength());
    doc.revokedSerials().forEach(checker::revoke);
    checker.check(me.certificate(), System.currentTimeMillis());
    return new Secured("enrolled", me, List.of(ca), checker,
        doc.kinds().isEmpty() ? OverlayKinds.defaults() : doc.kinds(), doc, doc.config());
  }

  static Identity read(Path dir) throws IOException {
    X509Certificate cert = EnrollmentAuthority.readCertificate(dir.resolve(CERT));
    return new Identity(new KeyPair(cert.getPublicKey(),
        EnrollmentAuthority.readKey(dir.resolve(KEY))), cert);
  }

  /** Writes the key (owner-only) and the certificate. */
  static void write(Path dir, Identity me) throws IOException {
    Files.createDirectories(dir);
    EnrollmentAuthority.writeSecret(dir.resolve(KEY),
        EnrollmentAuthority.pemPkcs8(me.keys().getPrivate()));
    EnrollmentAuthority.writeAtomically(dir.resolve(CERT),
        EnrollmentAuthority.pem(me.certificate()));
  }

  static byte[] secret(Path file) throws IOException {
    byte[] s = Files.readAllBytes(file);
    String text = new String(s, StandardCharsets.UTF_8);
    if (text.endsWith("\n")) { // a file written by an editor or echo: the newline is not the secret
      s = text.stripTrailing().getBytes(StandardCharsets.UTF_8);
    }
    if (s.length < 16) {
      throw new IOException(file + " holds " + s.length + " bytes; a shared secret needs at"
          + " least 16");
    }
    return s;
  }
}
