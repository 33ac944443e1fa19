package org.openvoip.p2pp.security;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import org.openvoip.p2pp.wire.WireObject;

/**
 * The signature algorithms a P2PP overlay accepts, by their 16-bit TLS SignatureScheme code (the
 * Scheme field of the Signature object, docs/protocol.md). Both come with the JDK.
 *
 * <p>Signing and verifying go through BouncyCastle's lightweight signers on the JDK's keys,
 * several times faster than the JDK's own (docs/benchmarks.md), with the same signatures: both
 * are deterministic (Ed25519 by definition, ECDSA with RFC 6979 nonces). Key generation draws on
 * the {@link SecureRandom} the runtime supplies (a real one on the network, a seeded one in the
 * simulator): the engine never makes its own randomness.
 */
public enum SignatureScheme {
  ED25519(WireObject.Signature.ED25519, "Ed25519", "Ed25519", 64, 111, 142, 135),
  ECDSA_P256_SHA256(WireObject.Signature.ECDSA_SECP256R1_SHA256, "SHA256withECDSA", "EC", 71,
      103, 230, 306);

  private final int code;
  private final String jcaName;
  private final String keyAlgorithm;
  private final int signatureLength;
  private final int signMicros;
  private final int verifyMicros;
  private final int certificateMicros;

  SignatureScheme(int code, String jcaName, String keyAlgorithm, int signatureLength,
      int signMicros, int verifyMicros, int certificateMicros) {
    this.code = code;
    this.jcaName = jcaName;
    this.keyAlgorithm = keyAlgorithm;
    this.signatureLength = signatureLength;
    this.signMicros = signMicros;
    this.verifyMicros = verifyMicros;
    this.certificateMicros = certificateMicros;
  }

  /** Bytes in a signature (for ECDSA, the usual DER length; it varies by a byte or two). */
  public int signatureLength() {
    return signatureLength;
  }

  /**
   * CPU time of one signature, in microseconds on one core: {@code SignatureBenchmark} on the
   * 2-core test machine, Java 17 (docs/benchmarks.md). The simulator charges it.
   */
  public int signMicros() {
    return signMicros;
  }

  /** CPU time of one verification, as {@link #signMicros()} measures it. */
  public int verifyMicros() {
    return verifyMicros;
  }

  /** CPU time of checking a certificate signed with this scheme (parse, chain, validity). */
  public int certificateMicros() {
    return certificateMicros;
  }

  /** The TLS SignatureScheme code carried on the wire. */
  public int code() {
    return code;
  }

  /** The JCA signature algorithm name (also what X.509 certificates are signed with). */
  public String jcaName() {
    return jcaName;
  }

  /** The scheme with wire code {@code code}, or null if the overlay does not accept it. */
  public static SignatureScheme ofCode(int code) {
    for (SignatureScheme s : values()) {
      if (s.code == code) {
        return s;
      }
    }
    return null;
  }

  /** The scheme by its name on the command line ("ed25519", "ecdsa-p256"). */
  public static SignatureScheme ofName(String name) {
    return switch (name.toLowerCase(java.util.Locale.ROOT)) {
      case "ed25519" -> ED25519;
      case "ecdsa-p256", "p256", "ecdsa" -> ECDSA_P256_SHA256;
      default -> throw new IllegalArgumentException(
          "unknown signature algorithm '" + name + "'; known: ed25519, ecdsa-p256");
    };
  }

  /** The command-line name. */
  public String cliName() {
    return this == ED25519 ? "ed25519" : "ecdsa-p256";
  }

  /**
   * The scheme that signs with {@code key}'s algorithm.
   *
   * @throws IllegalArgumentException for a key of another algorithm or curve
   */
  public static SignatureScheme of(PublicKey key) {
    String alg = key.getAlgorithm();
    if (alg.equals("Ed25519") || alg.equals("EdDSA")) {
      return ED25519;
    }
    if (alg.equals("EC") && key instanceof ECPublicKey ec
        && ec.getParams().getCurve().getField().getFieldSize() == 256
        && ec.getParams().getOrder().bitLength() == 256) {
      return ECDSA_P256_SHA256;
    }
    throw new IllegalArgumentException("keys of algorithm " + alg
        + " are not accepted; use Ed25519 or ECDSA P-256");
  }

  /** A new key pair for this scheme. */
  public KeyPair generate(SecureRandom random) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance(keyAlgorithm);
      if (this == ECDSA_P256_SHA256) {
        g.initialize(new ECGenParameterSpec("secp256r1"), random);
      } else {
        g.initialize(255, random);
      }
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK cannot make " + this + " keys", e);
    }
  }

  /**
   * Signs the concatenation of {@code parts}. Deterministic (Ed25519, and ECDSA with RFC 6979
   * nonces): no randomness.
   *
   * @throws IllegalArgumentException for a key of another scheme
   */
  public byte[] sign(PrivateKey key, byte[]... parts) {
    return this == ED25519 ? Ed25519Fast.sign(key, parts) : EcdsaP256Fast.sign(key, parts);
  }

  /** Whether {@code signature} signs the concatenation of {@code parts} under {@code key}. */
  public boolean verify(PublicKey key, byte[] signature, byte[]... parts) {
    return this == ED25519 ? Ed25519Fast.verify(key, signature, parts)
        : EcdsaP256Fast.verify(key, signature, parts);
  }
}
