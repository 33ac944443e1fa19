package org.openvoip.p2pp.security;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.openvoip.p2pp.wire.Bytes;

/**
 * X.509 certificates and PKCS#10 requests as P2PP uses them (RELOAD's layout, section 10.3 of
 * RFC 6940): a node's certificate names its user in a subjectAltName rfc822Name ("alice@example.org")
 * and each of its node-IDs in a subjectAltName URI "p2pp://&lt;node-ID in hex&gt;@&lt;overlay&gt;/".
 * BouncyCastle builds them; the JDK parses and verifies them. Times are the caller's (epoch
 * milliseconds from the runtime), never the wall clock.
 */
public final class Certificates {
  private static final String URI_PREFIX = "p2pp://";
  private static final int SAN_RFC822 = 1;
  private static final int SAN_URI = 6;

  private Certificates() {}

  /** A certificate authority's own certificate (basicConstraints CA). */
  public static X509Certificate authority(KeyPair keys, String name, long notBeforeMillis,
      long notAfterMillis, SecureRandom random) {
    X500Name subject = name(name);
    JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject,
        serial(random), new Date(notBeforeMillis), new Date(notAfterMillis), subject,
        keys.getPublic());
    try {
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      b.addExtension(Extension.keyUsage, true,
          new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return build(b, keys.getPrivate(), random);
  }

  /**
   * A node certificate signed by {@code issuerKey}: the CA's, or the node's own for a
   * self-signed certificate (then {@code issuer} is null).
   */
  public static X509Certificate node(PublicKey subjectKey, String user, List<Bytes> nodeIds,
      String overlay, X509Certificate issuer, PrivateKey issuerKey, BigInteger serial,
      long notBeforeMillis, long notAfterMillis, SecureRandom random) {
    return node(subjectKey, user, nodeIds, overlay, issuer, issuerKey, serial, notBeforeMillis,
        notAfterMillis, random, null);
  }

  /**
   * The OID of OpenVoIP's admission extension, which shows that whoever made a certificate knew
   * the overlay's shared secret: 2.25 (a UUID, ITU-T X.667) ecad2c8b-4b62-4955-8271-c7c908bbae74.
   */
  public static final String ADMISSION_OID = "2.25.314596977823834018118324944399222156916";

  /**
   * The admission token of {@code key} in an overlay with this shared secret:
   * HMAC-SHA256(secret, "p2pp admission" || SubjectPublicKeyInfo DER). Only those who know the
   * secret can make it, and it binds the certificate's key, so it cannot be moved to another.
   */
  public static byte[] admissionToken(byte[] secret, PublicKey key) {
    try {
      javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
      mac.init(new javax.crypto.spec.SecretKeySpec(secret, "HmacSHA256"));
      mac.update("p2pp admission".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      return mac.doFinal(key.getEncoded());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM lacks HmacSHA256", e);
    }
  }

  /** The admission token a certificate carries, or null. */
  public static byte[] admission(X509Certificate c) {
    byte[] ext = c.getExtensionValue(ADMISSION_OID);
    if (ext == null) {
      return null;
    }
    try {
      // getExtensionValue wraps the extension's OCTET STRING in another one.
      byte[] inner = org.bouncycastle.asn1.ASN1OctetString.getInstance(ext).getOctets();
      return org.bouncycastle.asn1.ASN1OctetString.getInstance(inner).getOctets();
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * A node certificate as {@link #node(PublicKey, String, List, String, X509Certificate,
   * PrivateKey, BigInteger, long, long, SecureRandom)} makes it; with {@code admission} (null:
   * none), it carries that admission token ({@link #admissionToken}).
   */
  public static X509Certificate node(PublicKey subjectKey, String user, List<Bytes> nodeIds,
      String overlay, X509Certificate issuer, PrivateKey issuerKey, BigInteger serial,
      long notBeforeMillis, long notAfterMillis, SecureRandom random, byte[] admission) {
    X500Name subject = name(user);
    X500Name issuerName = issuer == null ? subject
        : X500Name.getInstance(issuer.getSubjectX500Principal().getEncoded());
    JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuerName, serial,
        new Date(notBeforeMillis), new Date(notAfterMillis), subject, subjectKey);
    List<GeneralName> names = new ArrayList<>();
    names.add(new GeneralName(GeneralName.rfc822Name, user));
    for (Bytes id : nodeIds) {
      names.add(new GeneralName(GeneralName.uniformResourceIdentifier, uri(id, overlay)));
    }
    try {
      b.addExtension(Extension.subjectAlternativeName, false,
          new GeneralNames(names.toArray(GeneralName[]::new)));
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      if (admission != null) {
        b.addExtension(new org.bouncycastle.asn1.ASN1ObjectIdentifier(ADMISSION_OID), false,
            new org.bouncycastle.asn1.DEROctetString(admission));
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return build(b, issuerKey, random);
  }

  /**
   * A self-signed node certificate for an overlay without an enrollment server: its node-ID is
   * the hash of its public key ({@link #selfSignedNodeId}).
   */
  public static X509Certificate selfSigned(KeyPair keys, String user, String overlay,
      int idLength, long notBeforeMillis, long notAfterMillis, SecureRandom random) {
    return selfSigned(keys, user, overlay, idLength, notBeforeMillis, notAfterMillis, random,
        null);
  }

  /**
   * A self-signed node certificate; with {@code secret} (null: none), it carries the admission
   * token that an overlay with this shared secret asks for.
   */
  public static X509Certificate selfSigned(KeyPair keys, String user, String overlay,
      int idLength, long notBeforeMillis, long notAfterMillis, SecureRandom random,
      byte[] secret) {
    return node(keys.getPublic(), user, List.of(selfSignedNodeId(keys.getPublic(), idLength)),
        overlay, null, keys.getPrivate(), serial(random), notBeforeMillis, notAfterMillis,
        random, secret == null ? null : admissionToken(secret, keys.getPublic()));
  }

  /** The node-ID of a self-signed certificate: SHA-1 of the encoded public key, cut to length. */
  public static Bytes selfSignedNodeId(PublicKey key, int idLength) {
    return Hashes.id(key.getEncoded(), idLength);
  }

  /** A PKCS#10 request for {@code user}'s certificate, signed with the key it certifies. */
  public static Bytes request(KeyPair keys, String user, SecureRandom random) {
    try {
      ContentSigner signer = signer(keys.getPrivate(), random);
      return Bytes.of(new JcaPKCS10CertificationRequestBuilder(name(user), keys.getPublic())
          .build(signer).getEncoded());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A PKCS#10 request, its self-signature checked. */
  public record Request(String subject, PublicKey publicKey) {}

  /**
   * Parses and checks a PKCS#10 request.
   *
   * @throws CertificateProblem if it is malformed, its key is not accepted or its signature is
   *     wrong
   */
  public static Request parseRequest(Bytes der) throws CertificateProblem {
    try {
      JcaPKCS10CertificationRequest r =
          new JcaPKCS10CertificationRequest(new PKCS10CertificationRequest(der.toByteArray()));
      PublicKey key = r.getPublicKey();
      SignatureScheme.of(key);
      if (!r.isSignatureValid(new JcaContentVerifierProviderBuilder().build(key))) {
        throw new CertificateProblem("the certificate request's signature is wrong");
      }
      String cn = r.getSubject().getRDNs(BCStyle.CN).length == 0 ? ""
          : r.getSubject().getRDNs(BCStyle.CN)[0].getFirst().getValue().toString();
      return new Request(cn, key);
    } catch (IOException | RuntimeException | GeneralSecurityException | PKCSException
        | OperatorCreationException e) {
      throw new CertificateProblem("not a valid certificate request: " + e.getMessage());
    }
  }

  /**
   * Parses a DER X.509 certificate.
   *
   * @throws CertificateProblem if it is not one
   */
  public static X509Certificate parse(Bytes der) throws CertificateProblem {
    try {
      CertificateFactory f = CertificateFactory.getInstance("X.509");
      return (X509Certificate) f.generateCertificate(new ByteArrayInputStream(der.toByteArray()));
    } catch (CertificateException | RuntimeException e) {
      throw new CertificateProblem("not an X.509 certificate: " + e.getMessage());
    }
  }

  /** The DER encoding of a certificate. */
  public static Bytes der(X509Certificate c) {
    try {
      return Bytes.of(c.getEncoded());
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The user a node certificate names (its rfc822Name), or null. */
  public static String user(X509Certificate c) {
    for (List<?> n : altNames(c)) {
      if ((Integer) n.get(0) == SAN_RFC822) {
        return (String) n.get(1);
      }
    }
    return null;
  }

  /** The node-IDs a node certificate names (its p2pp:// URIs), in order. */
  public static List<Bytes> nodeIds(X509Certificate c) {
    List<Bytes> out = new ArrayList<>();
    for (List<?> n : altNames(c)) {
      if ((Integer) n.get(0) == SAN_URI) {
        String u = (String) n.get(1);
        int at = u.indexOf('@');
        if (u.startsWith(URI_PREFIX) && at > URI_PREFIX.length()) {
          try {
            out.add(Bytes.fromHex(u.substring(URI_PREFIX.length(), at)));
          } catch (IllegalArgumentException e) {
            // not a node-ID URI of ours; ignore it
          }
        }
      }
    }
    return out;
  }

  /** The overlay a node-ID URI names, or null. */
  public static String overlay(X509Certificate c) {
    for (List<?> n : altNames(c)) {
      if ((Integer) n.get(0) == SAN_URI) {
        String u = (String) n.get(1);
        int at = u.indexOf('@');
        if (u.startsWith(URI_PREFIX) && at > 0 && u.endsWith("/")) {
          return u.substring(at + 1, u.length() - 1);
        }
      }
    }
    return null;
  }

  static String uri(Bytes nodeId, String overlay) {
    return URI_PREFIX + nodeId.hex() + "@" + overlay + "/";
  }

  private static Collection<List<?>> altNames(X509Certificate c) {
    try {
      Collection<List<?>> n = c.getSubjectAlternativeNames();
      return n == null ? List.of() : n;
    } catch (CertificateParsingException e) {
      return List.of();
    }
  }

  private static X500Name name(String cn) {
    return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, cn).build();
  }

  /** A positive random 64-bit serial number. */
  public static BigInteger serial(SecureRandom random) {
    return new BigInteger(63, random).add(BigInteger.ONE);
  }

  private static ContentSigner signer(PrivateKey key, SecureRandom random) {
    String alg = key.getAlgorithm().equals("EC") ? SignatureScheme.ECDSA_P256_SHA256.jcaName()
        : SignatureScheme.ED25519.jcaName();
    try {
      return new JcaContentSignerBuilder(alg).setSecureRandom(random).build(key);
    } catch (OperatorCreationException e) {
      throw new IllegalArgumentException("cannot sign with a " + key.getAlgorithm() + " key", e);
    }
  }

  private static X509Certificate build(X509v3CertificateBuilder b, PrivateKey key,
      SecureRandom random) {
    try {
      return new JcaX509CertificateConverter().getCertificate(b.build(signer(key, random)));
    } catch (CertificateException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Lower-case hex, for messages. */
  static String hex(BigInteger serial) {
    return serial.toString(16).toLowerCase(Locale.ROOT);
  }
}
