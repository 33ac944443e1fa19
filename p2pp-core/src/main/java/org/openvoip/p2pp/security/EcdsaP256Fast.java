package org.openvoip.p2pp.security;

import java.math.BigInteger;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.DSADigestSigner;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;

/**
 * ECDSA P-256 with SHA-256 through BouncyCastle's lightweight signer and its P-256 arithmetic,
 * on the JDK's keys: several times the JDK's speed (docs/benchmarks.md). Signatures are DER
 * (r, s), as the JDK's SHA256withECDSA writes them, and the nonce is RFC 6979's, derived from
 * the key and the message: no randomness needed, and the same signature every time.
 */
final class EcdsaP256Fast {
  private static final X9ECParameters P256 = CustomNamedCurves.getByName("secp256r1");
  private static final ECDomainParameters DOMAIN = new ECDomainParameters(P256.getCurve(),
      P256.getG(), P256.getN(), P256.getH(), P256.getSeed());

  private EcdsaP256Fast() {}

  static byte[] sign(PrivateKey key, byte[]... parts) {
    if (!(key instanceof ECPrivateKey ec)
        || !ec.getParams().getOrder().equals(DOMAIN.getN())) {
      throw new IllegalArgumentException("not an ECDSA P-256 private key");
    }
    DSADigestSigner s = signer();
    s.init(true, new ECPrivateKeyParameters(ec.getS(), DOMAIN));
    for (byte[] p : parts) {
      s.update(p, 0, p.length);
    }
    return s.generateSignature();
  }

  static boolean verify(PublicKey key, byte[] signature, byte[]... parts) {
    if (!(key instanceof ECPublicKey ec) || !ec.getParams().getOrder().equals(DOMAIN.getN())) {
      return false;
    }
    BigInteger x = ec.getW().getAffineX();
    BigInteger y = ec.getW().getAffineY();
    ECPublicKeyParameters pub;
    try {
      pub = new ECPublicKeyParameters(DOMAIN.getCurve().createPoint(x, y), DOMAIN);
    } catch (IllegalArgumentException e) {
      return false; // not a point of P-256
    }
    DSADigestSigner s = signer();
    s.init(false, pub);
    for (byte[] p : parts) {
      s.update(p, 0, p.length);
    }
    return s.verifySignature(signature);
  }

  private static DSADigestSigner signer() {
    return new DSADigestSigner(new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest())),
        new SHA256Digest());
  }
}
