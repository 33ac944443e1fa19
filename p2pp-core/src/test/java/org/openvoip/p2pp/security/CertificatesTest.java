package org.openvoip.p2pp.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.openvoip.p2pp.wire.Bytes;

class CertificatesTest {
  /** 2026-11-28T00:00:00Z: the tests' "now", not the wall clock (the simulator's day 0). */
  static final long NOW = org.openvoip.p2pp.transaction.TestNetwork.EPOCH_MILLIS;
  static final long DAY = 86_400_000L;

  static SecureRandom seeded(long seed) {
    return new SeededRandom(seed);
  }

  /** A deterministic SecureRandom for tests (the simulator's comes from p2pp-sim). */
  static final class SeededRandom extends SecureRandom {
    private static final long serialVersionUID = 1L;
    private final java.util.SplittableRandom r;

    SeededRandom(long seed) {
      super(new byte[0]);
      this.r = new java.util.SplittableRandom(seed);
    }

    @Override
    public void nextBytes(byte[] bytes) {
      r.nextBytes(bytes);
    }

    @Override
    public byte[] generateSeed(int n) {
      byte[] b = new byte[n];
      r.nextBytes(b);
      return b;
    }
  }

  static Bytes id(int b) {
    byte[] x = new byte[20];
    x[0] = (byte) b;
    return Bytes.of(x);
  }

  @ParameterizedTest
  @EnumSource(SignatureScheme.class)
  void signaturesVerifyAndAnyChangeBreaksThem(SignatureScheme s) {
    SecureRandom r = seeded(1);
    KeyPair kp = s.generate(r);
    assertThat(SignatureScheme.of(kp.getPublic())).isEqualTo(s);
    byte[] sig = s.sign(kp.getPrivate(), new byte[] {1, 2}, new byte[] {3});
    assertThat(s.verify(kp.getPublic(), sig, new byte[] {1, 2, 3})).isTrue();
    assertThat(s.verify(kp.getPublic(), sig, new byte[] {1, 2, 4})).isFalse();
    sig[sig.length - 1] ^= 1;
    assertThat(s.verify(kp.getPublic(), sig, new byte[] {1, 2, 3})).isFalse();
    assertThat(s.verify(kp.getPublic(), new byte[] {0}, new byte[] {1})).as("garbage").isFalse();
    KeyPair other = s.generate(r);
    byte[] good = s.sign(kp.getPrivate(), new byte[] {9});
    assertThat(s.verify(other.getPublic(), good, new byte[] {9})).isFalse();
    assertThat(SignatureScheme.ofCode(s.code())).isEqualTo(s);
    assertThat(SignatureScheme.ofName(s.cliName())).isEqualTo(s);
  }

  @Test
  void ed25519SignaturesAreTheJdksAndRfc8032s() throws Exception {
    SecureRandom r = seeded(9);
    KeyPair kp = SignatureScheme.ED25519.generate(r);
    byte[] data = "P2PP".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    byte[] ours = SignatureScheme.ED25519.sign(kp.getPrivate(), data);
    java.security.Signature jdk = java.security.Signature.getInstance("Ed25519");
    jdk.initSign(kp.getPrivate(), r);
    jdk.update(data);
    assertThat(ours).as("Ed25519 is deterministic: the same bytes").isEqualTo(jdk.sign());
    jdk.initVerify(kp.getPublic());
    jdk.update(data);
    assertThat(jdk.verify(ours)).isTrue();
    // RFC 8032, section 7.1, TEST 1: the empty message.
    java.security.KeyFactory kf = java.security.KeyFactory.getInstance("Ed25519");
    byte[] sk = java.util.HexFormat.of().parseHex(
        "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
    byte[] pkcs8 = new byte[48];
    System.arraycopy(java.util.HexFormat.of().parseHex("302e020100300506032b657004220420"), 0,
        pkcs8, 0, 16);
    System.arraycopy(sk, 0, pkcs8, 16, 32);
    java.security.PrivateKey priv = kf.generatePrivate(
        new java.security.spec.PKCS8EncodedKeySpec(pkcs8));
    assertThat(java.util.HexFormat.of().formatHex(SignatureScheme.ED25519.sign(priv)))
        .isEqualTo("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
            + "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
  }

  @Test
  void ecdsaSignaturesAreWhatTheJdkWritesAndReads() throws Exception {
    SecureRandom r = seeded(10);
    KeyPair kp = SignatureScheme.ECDSA_P256_SHA256.generate(r);
    byte[] data = "P2PP".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    byte[] ours = SignatureScheme.ECDSA_P256_SHA256.sign(kp.getPrivate(), data);
    assertThat(SignatureScheme.ECDSA_P256_SHA256.sign(kp.getPrivate(), data))
        .as("RFC 6979 nonces: deterministic").isEqualTo(ours);
    java.security.Signature jdk = java.security.Signature.getInstance("SHA256withECDSA");
    jdk.initVerify(kp.getPublic());
    jdk.update(data);
    assertThat(jdk.verify(ours)).as("the JDK reads ours").isTrue();
    jdk.initSign(kp.getPrivate(), r);
    jdk.update(data);
    byte[] theirs = jdk.sign();
    assertThat(SignatureScheme.ECDSA_P256_SHA256.verify(kp.getPublic(), theirs, data))
        .as("we read the JDK's").isTrue();
    // A key on another curve is neither used to sign nor accepted to verify.
    java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("EC");
    g.initialize(new java.security.spec.ECGenParameterSpec("secp384r1"), r);
    KeyPair p384 = g.generateKeyPair();
    assertThatThrownBy(() -> SignatureScheme.ECDSA_P256_SHA256.sign(p384.getPrivate(), data))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(SignatureScheme.ECDSA_P256_SHA256.verify(p384.getPublic(), ours, data)).isFalse();
  }

  @Test
  void unknownSchemesAreNamed() {
    assertThat(SignatureScheme.ofCode(0x0804)).isNull();
    assertThatThrownBy(() -> SignatureScheme.ofName("rsa"))
        .hasMessage("unknown signature algorithm 'rsa'; known: ed25519, ecdsa-p256");
  }

  @ParameterizedTest
  @EnumSource(SignatureScheme.class)
  void aServerSignedCertificateBindsUserAndNodeIds(SignatureScheme s) throws Exception {
    SecureRandom r = seeded(2);
    KeyPair caKeys = s.generate(r);
    X509Certificate ca = Certificates.authority(caKeys, "OpenVoIP test CA", NOW - DAY,
        NOW + 365 * DAY, r);
    KeyPair node = s.generate(r);
    Bytes csr = Certificates.request(node, "alice@example.org", r);
    Certificates.Request req = Certificates.parseRequest(csr);
    assertThat(req.subject()).isEqualTo("alice@example.org");
    assertThat(req.publicKey()).isEqualTo(node.getPublic());
    X509Certificate c = Certificates.node(req.publicKey(), "alice@example.org",
        List.of(id(7), id(8)), "test.openvoip.org", ca, caKeys.getPrivate(), BigInteger.TEN,
        NOW - DAY, NOW + 30 * DAY, r);
    X509Certificate back = Certificates.parse(Certificates.der(c));
    assertThat(Certificates.user(back)).isEqualTo("alice@example.org");
    assertThat(Certificates.nodeIds(back)).containsExactly(id(7), id(8));
    assertThat(Certificates.overlay(back)).isEqualTo("test.openvoip.org");

    CertificateChecker checker = new CertificateChecker(List.of(ca), false, 20);
    CertificateChecker.Verified v = checker.check(back, NOW);
    assertThat(v.user()).isEqualTo("alice@example.org");
    assertThat(v.binds(id(8))).isTrue();
    assertThat(v.binds(id(9))).isFalse();
    assertThat(v.selfSigned()).isFalse();
    assertThat(v.scheme()).isEqualTo(s);

    assertThatThrownBy(() -> checker.check(back, NOW + 31 * DAY))
        .isInstanceOf(CertificateProblem.class).hasMessageContaining("certificate expired on");
    assertThatThrownBy(() -> checker.check(back, NOW - 2 * DAY))
        .hasMessageContaining("not valid before");
    // The CA's signature altered (the DER ends with it): refused.
    byte[] der = Certificates.der(c).toByteArray();
    der[der.length - 1] ^= 1;
    X509Certificate altered = Certificates.parse(Bytes.of(der));
    assertThatThrownBy(() -> checker.check(altered, NOW))
        .hasMessageContaining("signed by an unknown certificate authority");
    checker.revoke(BigInteger.TEN);
    assertThatThrownBy(() -> checker.check(back, NOW)).hasMessageContaining("has been revoked");
  }

  @Test
  void aCertificateFromAnotherAuthorityIsRefused() throws Exception {
    SecureRandom r = seeded(3);
    SignatureScheme s = SignatureScheme.ED25519;
    KeyPair caKeys = s.generate(r);
    X509Certificate ca = Certificates.authority(caKeys, "OpenVoIP test CA", NOW - DAY,
        NOW + DAY, r);
    KeyPair rogueKeys = s.generate(r);
    // Same name, other key: only the signature tells them apart.
    X509Certificate rogue = Certificates.authority(rogueKeys, "OpenVoIP test CA", NOW - DAY,
        NOW + DAY, r);
    KeyPair node = s.generate(r);
    X509Certificate c = Certificates.node(node.getPublic(), "mallory@example.org",
        List.of(id(1)), "o", rogue, rogueKeys.getPrivate(), BigInteger.ONE, NOW - DAY,
        NOW + DAY, r);
    CertificateChecker checker = new CertificateChecker(List.of(ca), true, 20);
    assertThatThrownBy(() -> checker.check(c, NOW))
        .hasMessageContaining("signed by an unknown certificate authority");
    assertThatThrownBy(() -> Certificates.parse(Bytes.of((byte) 0x30, (byte) 0x03, (byte) 1)))
        .isInstanceOf(CertificateProblem.class).hasMessageContaining("not an X.509 certificate");
    assertThatThrownBy(() -> Certificates.parseRequest(Bytes.of((byte) 1, (byte) 2)))
        .hasMessageContaining("not a valid certificate request");
  }

  @Test
  void selfSignedNodeIdsAreTheHashOfTheKey() throws Exception {
    SecureRandom r = seeded(4);
    Identity me = Identity.selfSigned(SignatureScheme.ED25519, "bob@adhoc", "adhoc", 20, NOW,
        DAY, r);
    assertThat(me.nodeId())
        .isEqualTo(Certificates.selfSignedNodeId(me.keys().getPublic(), 20));
    CertificateChecker open = new CertificateChecker(List.of(), true, 20);
    assertThat(open.check(me.certificate(), NOW).selfSigned()).isTrue();
    CertificateChecker closed = new CertificateChecker(List.of(), false, 20);
    assertThatThrownBy(() -> closed.check(me.certificate(), NOW))
        .hasMessageContaining("self-signed certificates are not accepted");
    // A self-signed certificate that claims a node-ID of its choosing is refused.
    KeyPair kp = SignatureScheme.ED25519.generate(r);
    X509Certificate chosen = Certificates.node(kp.getPublic(), "eve@adhoc", List.of(id(5)),
        "adhoc", null, kp.getPrivate(), BigInteger.TWO, NOW - DAY, NOW + DAY, r);
    assertThatThrownBy(() -> open.check(chosen, NOW))
        .hasMessageContaining("node-ID must be the hash of its key");
    var sig = me.sign(new byte[] {1, 2, 3});
    assertThat(sig.scheme()).isEqualTo(SignatureScheme.ED25519.code());
    assertThat(me.scheme().verify(me.keys().getPublic(), sig.value().toByteArray(),
        new byte[] {1, 2, 3})).isTrue();
  }
}
