package org.openvoip.p2pp.security;

import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Arrays;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * Ed25519 with BouncyCastle's lightweight implementation on the JDK's keys. The JDK's own
 * EdDSA (Java 17 to 25) signs and verifies about a thousand times a second on the test machine,
 * which would cap how many values a peer can check; BouncyCastle's is many times faster
 * (docs/benchmarks.md). Both produce the same RFC 8032 signatures. Keys stay JDK keys: their
 * PKCS#8 and X.509 encodings end with the 32 raw key bytes.
 */
final class Ed25519Fast {
  private Ed25519Fast() {}

  static byte[] sign(PrivateKey key, byte[]... parts) {
    byte[] enc = key.getEncoded();
    if (enc == null || enc.length < 32 || !"EdDSA".equals(key.getAlgorithm())
        && !"Ed25519".equals(key.getAlgorithm())) {
      throw new IllegalArgumentException("not a Ed25519 private key");
    }
    // PKCS#8 for Ed25519 (RFC 8410): ... OCTET STRING { OCTET STRING (32 bytes) } at the end,
    // unless the optional public key follows; the JDK writes none.
    byte[] raw = Arrays.copyOfRange(enc, enc.length - 32, enc.length);
    Ed25519Signer s = new Ed25519Signer();
    s.init(true, new Ed25519PrivateKeyParameters(raw, 0));
    for (byte[] p : parts) {
      s.update(p, 0, p.length);
    }
    return s.generateSignature();
  }

  static boolean verify(PublicKey key, byte[] signature, byte[]... parts) {
    byte[] enc = key.getEncoded();
    if (enc == null || enc.length < 32 || signature.length != 64) {
      return false;
    }
    Ed25519Signer s = new Ed25519Signer();
    s.init(false, new Ed25519PublicKeyParameters(enc, enc.length - 32));
    for (byte[] p : parts) {
      s.update(p, 0, p.length);
    }
    return s.verifySignature(signature);
  }
}
