package org.openvoip.p2pp.security;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.openvoip.p2pp.wire.Bytes;

/**
 * Decides whether a node certificate is good in one overlay: signed by one of the overlay's
 * certificate authorities (or, where the overlay allows it, self-signed with a node-ID that is
 * the hash of its key), valid at the given time, not revoked, naming a user and node-IDs of the
 * overlay's length. Times come from the runtime (epoch milliseconds), never the wall clock.
 */
public final class CertificateChecker {
  /** What a good certificate vouches for. */
  public record Verified(String user, List<Bytes> nodeIds, PublicKey publicKey,
      SignatureScheme scheme, BigInteger serial, boolean selfSigned, long notBeforeMillis,
      long notAfterMillis) {
    /** Whether the certificate binds {@code nodeId}. */
    public boolean binds(Bytes nodeId) {
      return nodeIds.contains(nodeId);
    }
  }

  private final List<X509Certificate> authorities;
  private final boolean allowSelfSigned;
  private final int idLength;
  /** Read on the node's thread, written by whoever fetches revocation lists. */
  private final Set<BigInteger> revoked = Collections.synchronizedSet(new HashSet<>());

  /**
   * @param authorities the overlay's root certificates (none: self-signed certificates only)
   * @param allowSelfSigned whether self-signed node certificates are accepted
   * @param idLength bytes in the overlay's node-IDs
   */
  public CertificateChecker(List<X509Certificate> authorities, boolean allowSelfSigned,
      int idLength) {
    this(authorities, allowSelfSigned, idLength, null);
  }

  /**
   * A checker that also admits only certificates carrying the admission token of {@code
   * secret} (the overlay's shared secret; null: no such rule), see {@link
   * Certificates#admissionToken}.
   */
  public CertificateChecker(List<X509Certificate> authorities, boolean allowSelfSigned,
      int idLength, byte[] secret) {
    this.authorities = List.copyOf(authorities);
    this.allowSelfSigned = allowSelfSigned;
    this.idLength = idLength;
    this.secret = secret == null ? null : secret.clone();
  }

  private final byte[] secret;

  /** Refuses the certificate with this serial number from now on (the CA revoked it). */
  public void revoke(BigInteger serial) {
    revoked.add(serial);
  }

  public boolean isRevoked(BigInteger serial) {
    return revoked.contains(serial);
  }

  /**
   * Checks {@code c} at time {@code nowMillis}.
   *
   * @throws CertificateProblem saying why it is not good
   */
  public Verified check(X509Certificate c, long nowMillis) throws CertificateProblem {
    valid(c, nowMillis, "certificate");
    PublicKey key = c.getPublicKey();
    SignatureScheme scheme;
    try {
      scheme = SignatureScheme.of(key);
    } catch (IllegalArgumentException e) {
      throw new CertificateProblem(e.getMessage());
    }
    String user = Certificates.user(c);
    List<Bytes> ids = Certificates.nodeIds(c);
    if (user == null || ids.isEmpty()) {
      throw new CertificateProblem("the certificate names no user or no node-ID");
    }
    for (Bytes id : ids) {
      if (id.length() != idLength) {
        throw new CertificateProblem("the certificate's node-ID " + id.hex() + " is not "
            + idLength + " bytes long");
      }
    }
    boolean selfSigned = c.getIssuerX500Principal().equals(c.getSubjectX500Principal())
        && signedBy(c, key);
    if (selfSigned) {
      if (!allowSelfSigned) {
        throw new CertificateProblem("self-signed certificates are not accepted in this overlay");
      }
      Bytes expected = Certificates.selfSignedNodeId(key, idLength);
      if (ids.size() != 1 || !ids.get(0).equals(expected)) {
        throw new CertificateProblem("a self-signed certificate's node-ID must be the hash of "
            + "its key, " + expected.hex());
      }
    } else {
      X509Certificate ca = issuerOf(c);
      if (ca == null) {
        throw new CertificateProblem("the certificate is signed by an unknown certificate "
            + "authority (" + c.getIssuerX500Principal().getName() + ")");
      }
      valid(ca, nowMillis, "certificate authority's certificate");
    }
    if (secret != null) {
      byte[] token = Certificates.admission(c);
      if (token == null || !java.security.MessageDigest.isEqual(token,
          Certificates.admissionToken(secret, key))) {
        throw new CertificateProblem("the certificate does not show the overlay's shared "
            + "secret (no admission token, or a wrong one)");
      }
    }
    if (revoked.contains(c.getSerialNumber())) {
      throw new CertificateProblem(Refusal.REVOKED_CERTIFICATE, "the certificate (serial "
          + Certificates.hex(c.getSerialNumber()) + ") has been revoked");
    }
    return new Verified(user, ids, key, scheme, c.getSerialNumber(), selfSigned,
        c.getNotBefore().getTime(), c.getNotAfter().getTime());
  }

  private X509Certificate issuerOf(X509Certificate c) {
    for (X509Certificate ca : authorities) {
      if (ca.getSubjectX500Principal().equals(c.getIssuerX500Principal())
          && signedBy(c, ca.getPublicKey())) {
        return ca;
      }
    }
    return null;
  }

  /** The OIDs of the signature algorithms our schemes sign certificates with. */
  private static final String OID_ED25519 = "1.3.101.112";
  private static final String OID_ECDSA_SHA256 = "1.2.840.10045.4.3.2";

  /**
   * Whether {@code key} signed {@code c}. Certificates signed with one of the overlay's schemes
   * are checked with our signers (several times the JDK's speed, docs/benchmarks.md), others by
   * the JDK.
   */
  private static boolean signedBy(X509Certificate c, PublicKey key) {
    try {
      String oid = c.getSigAlgOID();
      SignatureScheme scheme = OID_ED25519.equals(oid) ? SignatureScheme.ED25519
          : OID_ECDSA_SHA256.equals(oid) ? SignatureScheme.ECDSA_P256_SHA256 : null;
      if (scheme != null) {
        SignatureScheme ofKey;
        try {
          ofKey = SignatureScheme.of(key);
        } catch (IllegalArgumentException e) {
          return false;
        }
        return ofKey == scheme && scheme.verify(key, c.getSignature(), c.getTBSCertificate());
      }
      c.verify(key);
      return true;
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  private static void valid(X509Certificate c, long nowMillis, String what)
      throws CertificateProblem {
    try {
      c.checkValidity(new Date(nowMillis));
    } catch (CertificateExpiredException e) {
      throw new CertificateProblem("the " + what + " expired on " + c.getNotAfter().toInstant());
    } catch (CertificateNotYetValidException e) {
      throw new CertificateProblem("the " + what + " is not valid before "
          + c.getNotBefore().toInstant());
    }
  }
}
