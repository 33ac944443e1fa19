package org.openvoip.p2pp.security;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.openvoip.p2pp.node.OverlayConfig;
import org.openvoip.p2pp.wire.Bytes;

/**
 * The overlay configuration as one signed document (RELOAD's overlay configuration, P2PP-NOTES):
 * the overlay's name, its {@link OverlayConfig}, whether self-signed certificates are accepted,
 * its kinds, its root certificates (base64 DER), bootstrap peers and enrollment server, the
 * serial numbers (hex) of the certificates the CA has revoked, and a sequence number that orders
 * versions. The enrollment server signs it with the CA's key and hands it to every
 * node it enrolls; a node accepts it only if a root it trusts signed it.
 *
 * <p>On the wire and on disk it is JSON: {@code {"document": base64(JSON of the fields),
 * "scheme": "ed25519", "signature": base64, "signer": base64(DER of the signing certificate)}}.
 * The signature covers the document's bytes exactly as sent, so no canonical form is needed.
 */
public record OverlayDocument(String overlay, long sequence, OverlayConfig config,
    boolean selfSignedAllowed, List<Kind> kinds, List<String> rootCertificates,
    List<String> bootstrap, String enrollmentServer, List<String> revoked) {
  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  public OverlayDocument {
    if (overlay == null || overlay.isBlank() || config == null) {
      throw new IllegalArgumentException("an overlay document needs a name and a configuration");
    }
    kinds = List.copyOf(kinds);
    rootCertificates = List.copyOf(rootCertificates);
    bootstrap = List.copyOf(bootstrap);
    revoked = revoked == null ? List.of() : List.copyOf(revoked);
    for (String hex : revoked) {
      new java.math.BigInteger(hex, 16); // a serial number in hex, or not a document
    }
  }

  /** The revoked serial numbers, parsed. */
  public List<java.math.BigInteger> revokedSerials() {
    List<java.math.BigInteger> out = new ArrayList<>();
    for (String hex : revoked) {
      out.add(new java.math.BigInteger(hex, 16));
    }
    return out;
  }

  /** The document's fields as signed. */
  private record Envelope(String document, String scheme, String signature, String signer) {}

  /**
   * Signs the document with a certificate authority's key ({@code caKeys}, certified by
   * {@code ca}); returns the envelope's bytes.
   */
  public Bytes sign(java.security.KeyPair caKeys, X509Certificate ca) {
    if (!ca.getPublicKey().equals(caKeys.getPublic())) {
      throw new IllegalArgumentException("the certificate is not for this key pair");
    }
    try {
      byte[] doc = JSON.writeValueAsBytes(this);
      SignatureScheme scheme = SignatureScheme.of(caKeys.getPublic());
      Base64.Encoder b64 = Base64.getEncoder();
      Envelope e = new Envelope(b64.encodeToString(doc), scheme.cliName(),
          b64.encodeToString(scheme.sign(caKeys.getPrivate(), doc)),
          b64.encodeToString(Certificates.der(ca).toByteArray()));
      return Bytes.of(JSON.writeValueAsBytes(e));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the overlay document", e);
    }
  }

  /**
   * Reads a signed document and checks that one of {@code trusted} signed it. With no trusted
   * roots (a node that has none yet), the signer must be one of the document's own roots: that
   * is trust on first use, so such a node must get the document over a channel it trusts (from
   * the enrollment server over TLS, whose CA its administrator named) and keep its roots.
   *
   * @throws CertificateProblem saying what is wrong: not such a document, not signed by a
   *     trusted root, or a signature that does not verify
   */
  public static OverlayDocument verify(Bytes envelope, List<X509Certificate> trusted)
      throws CertificateProblem {
    Envelope e;
    OverlayDocument d;
    byte[] doc;
    try {
      e = JSON.readValue(envelope.toByteArray(), Envelope.class);
      Base64.Decoder b64 = Base64.getDecoder();
      doc = b64.decode(e.document());
      X509Certificate signer = Certificates.parse(Bytes.of(b64.decode(e.signer())));
      d = JSON.readValue(doc, OverlayDocument.class);
      List<X509Certificate> roots = new ArrayList<>(trusted);
      if (roots.isEmpty()) {
        roots.addAll(d.roots());
      }
      if (!roots.contains(signer)) {
        throw new CertificateProblem("the overlay document is signed by "
            + signer.getSubjectX500Principal().getName() + ", not by a trusted root");
      }
      SignatureScheme scheme = SignatureScheme.ofName(e.scheme());
      if (SignatureScheme.of(signer.getPublicKey()) != scheme
          || !scheme.verify(signer.getPublicKey(), b64.decode(e.signature()), doc)) {
        throw new CertificateProblem("the overlay document's signature does not verify");
      }
    } catch (java.io.IOException | IllegalArgumentException | NullPointerException ex) {
      throw new CertificateProblem("not a signed overlay document: " + ex.getMessage());
    }
    return d;
  }

  /** The document's root certificates, parsed. */
  public List<X509Certificate> roots() throws CertificateProblem {
    List<X509Certificate> out = new ArrayList<>();
    for (String der : rootCertificates) {
      try {
        out.add(Certificates.parse(Bytes.of(Base64.getDecoder().decode(der))));
      } catch (IllegalArgumentException e) {
        throw new CertificateProblem("a root certificate is not base64: " + e.getMessage());
      }
    }
    return out;
  }

  /** A root certificate as the document carries it. */
  public static String root(X509Certificate c) {
    return Base64.getEncoder().encodeToString(Certificates.der(c).toByteArray());
  }
}
