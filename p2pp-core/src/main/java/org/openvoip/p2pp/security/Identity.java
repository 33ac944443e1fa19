package org.openvoip.p2pp.security;

import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;
import org.openvoip.p2pp.wire.Bytes;
import org.openvoip.p2pp.wire.WireObject;

/**
 * A node's own identity: its key pair and its certificate (issued by the enrollment server, or
 * self-signed). Signing needs no randomness; making a self-signed identity draws on the
 * {@link SecureRandom} the runtime supplies.
 */
public final class Identity {
  private final KeyPair keys;
  private final X509Certificate certificate;
  private final SignatureScheme scheme;
  private final String user;
  private final List<Bytes> nodeIds;
  private final boolean selfSigned;

  public Identity(KeyPair keys, X509Certificate certificate) {
    if (!certificate.getPublicKey().equals(keys.getPublic())) {
      throw new IllegalArgumentException("the certificate is not for this key pair");
    }
    this.keys = keys;
    this.certificate = certificate;
    this.scheme = SignatureScheme.of(keys.getPublic());
    this.user = Certificates.user(certificate);
    this.nodeIds = Certificates.nodeIds(certificate);
    if (user == null || nodeIds.isEmpty()) {
      throw new IllegalArgumentException("the certificate names no user or no node-ID");
    }
    this.selfSigned = certificate.getIssuerX500Principal()
        .equals(certificate.getSubjectX500Principal());
  }

  /** A self-signed identity: a new key pair, its node-ID the hash of the public key. */
  public static Identity selfSigned(SignatureScheme scheme, String user, String overlay,
      int idLength, long nowMillis, long validityMillis, SecureRandom random) {
    return selfSigned(scheme, user, overlay, idLength, nowMillis, validityMillis, random, null);
  }

  /**
   * A self-signed identity that shows the overlay's shared {@code secret} (null: none) with an
   * admission token.
   */
  public static Identity selfSigned(SignatureScheme scheme, String user, String overlay,
      int idLength, long nowMillis, long validityMillis, SecureRandom random, byte[] secret) {
    KeyPair kp = scheme.generate(random);
    return new Identity(kp, Certificates.selfSigned(kp, user, overlay, idLength,
        nowMillis - 60_000, nowMillis + validityMillis, random, secret));
  }

  public KeyPair keys() {
    return keys;
  }

  public X509Certificate certificate() {
    return certificate;
  }

  public SignatureScheme scheme() {
    return scheme;
  }

  public String user() {
    return user;
  }

  /** The node-ID this identity joins with: the certificate's first. */
  public Bytes nodeId() {
    return nodeIds.get(0);
  }

  public List<Bytes> nodeIds() {
    return nodeIds;
  }

  /** The Certificate object that carries this identity on the wire. */
  public WireObject.Certificate wireCertificate() {
    return new WireObject.Certificate(selfSigned ? WireObject.Certificate.SELF_SIGNED
        : WireObject.Certificate.SERVER_SIGNED, Certificates.der(certificate));
  }

  /** Signs the concatenation of {@code parts}. */
  public WireObject.Signature sign(byte[]... parts) {
    return new WireObject.Signature(scheme.code(), Bytes.of(scheme.sign(keys.getPrivate(),
        parts)));
  }
}
