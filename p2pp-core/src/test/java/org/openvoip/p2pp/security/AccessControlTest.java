package org.openvoip.p2pp.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openvoip.p2pp.security.CertificatesTest.DAY;
import static org.openvoip.p2pp.security.CertificatesTest.NOW;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openvoip.p2pp.security.Kind.AccessPolicy;
import org.openvoip.p2pp.wire.Bytes;
import org.openvoip.p2pp.wire.WireObject.Certificate;
import org.openvoip.p2pp.wire.WireObject.DataEntry;
import org.openvoip.p2pp.wire.WireObject.Expires;
import org.openvoip.p2pp.wire.WireObject.Owner;
import org.openvoip.p2pp.wire.WireObject.ResourceId;
import org.openvoip.p2pp.wire.WireObject.ResourceObject;
import org.openvoip.p2pp.wire.WireObject.Signature;

/** Each attack on stored data fails with its refusal; honest writes pass. */
class AccessControlTest {
  static final Kind REGISTRATION = new Kind("registration", 0, 0, DataEntry.DICTIONARY,
      AccessPolicy.USER_NODE_MATCH, 1024, 8);
  static final Kind PROFILE = new Kind("profile", 0, 1, DataEntry.SINGLE,
      AccessPolicy.USER_MATCH, 1024, 1);
  static final Kind NODE_DATA = new Kind("node data", 0, 2, DataEntry.ARRAY,
      AccessPolicy.NODE_MATCH, 1024, 16);
  static final Kind RELAYS = new Kind("relay service", 2, 0, DataEntry.DICTIONARY,
      AccessPolicy.NODE_KEY, 256, 1);

  final SecureRandom random = CertificatesTest.seeded(7);
  final KeyPair caKeys = SignatureScheme.ED25519.generate(random);
  final X509Certificate ca = Certificates.authority(caKeys, "OpenVoIP test CA", NOW - DAY,
      NOW + 365 * DAY, random);
  final CertificateChecker checker = new CertificateChecker(List.of(ca), false, 20);
  final AccessControl access = new AccessControl(checker,
      List.of(REGISTRATION, PROFILE, NODE_DATA, RELAYS), 20);
  final Identity alice = enroll("alice@example.org", 0x0a, SignatureScheme.ED25519, 1);
  final Identity mallory = enroll("mallory@example.org", 0x0b, SignatureScheme.ECDSA_P256_SHA256,
      2);

  Identity enroll(String user, int idByte, SignatureScheme s, long serial) {
    KeyPair kp = s.generate(random);
    X509Certificate c = Certificates.node(kp.getPublic(), user, List.of(nodeId(idByte)),
        "test", ca, caKeys.getPrivate(), BigInteger.valueOf(serial), NOW - DAY, NOW + 30 * DAY,
        random);
    return new Identity(kp, c);
  }

  static Bytes nodeId(int b) {
    byte[] x = new byte[20];
    java.util.Arrays.fill(x, (byte) b);
    return Bytes.of(x);
  }

  static ResourceObject unsigned(Kind k, Bytes rid, DataEntry e, String owner, byte[] value) {
    return new ResourceObject(k.contentType(), k.subType(), new ResourceId(rid), Bytes.of(value),
        null, new Owner(Bytes.of(owner.getBytes(StandardCharsets.UTF_8))), new Expires(3600),
        null, null, e);
  }

  static ResourceObject signedBy(Identity who, ResourceObject o) {
    Signature sig = who.sign(SignedData.toBeSigned(o));
    return new ResourceObject(o.contentType(), o.subType(), o.resourceId(), o.value(), null,
        o.owner(), o.expires(), sig, who.wireCertificate(), o.entry());
  }

  ResourceObject registration(Identity who, String user, Bytes key, byte[] contact) {
    return signedBy(who, unsigned(REGISTRATION, Hashes.id(user, 20),
        DataEntry.dictionary(NOW, true, key), user, contact));
  }

  Refusal refusal(ResourceObject o) {
    AccessControl.Outcome out = access.check(o, NOW);
    return out.ok() ? null : out.refusal().refusal();
  }

  @Test
  void honestWritesOfEveryPolicyPass() {
    AccessControl.Outcome reg = access.check(registration(alice, "alice@example.org",
        alice.nodeId(), "sip:alice@192.0.2.1".getBytes()), NOW);
    assertThat(reg.ok()).as("%s", reg.refusal()).isTrue();
    assertThat(reg.signer().user()).isEqualTo("alice@example.org");
    assertThat(reg.kind()).isEqualTo(REGISTRATION);
    assertThat(refusal(signedBy(alice, unsigned(PROFILE, Hashes.id("alice@example.org", 20),
        DataEntry.single(NOW, true), "alice@example.org", new byte[10])))).isNull();
    assertThat(refusal(signedBy(mallory, unsigned(NODE_DATA, Hashes.id(mallory.nodeId(), 20),
        DataEntry.array(NOW, true, 3), "mallory@example.org", new byte[10])))).isNull();
    assertThat(refusal(signedBy(mallory, unsigned(RELAYS, Hashes.id("TURN", 20),
        DataEntry.dictionary(NOW, true, mallory.nodeId()), "mallory@example.org",
        new byte[10])))).isNull();
  }

  @Test
  void aForgedOrAlteredSignatureIsRefused() {
    ResourceObject good = registration(alice, "alice@example.org", alice.nodeId(),
        "sip:alice@192.0.2.1".getBytes());
    // Mallory changes the contact of Alice's signed registration: the signature no longer fits.
    ResourceObject altered = new ResourceObject(good.contentType(), good.subType(),
        good.resourceId(), Bytes.of("sip:alice@203.0.113.66".getBytes()), null, good.owner(),
        good.expires(), good.signature(), good.certificate(), good.entry());
    assertThat(refusal(altered)).isEqualTo(Refusal.BAD_SIGNATURE);
    // Random bytes as a signature.
    byte[] sig = good.signature().value().toByteArray();
    sig[10] ^= 0x40;
    ResourceObject forged = new ResourceObject(good.contentType(), good.subType(),
        good.resourceId(), good.value(), null, good.owner(), good.expires(),
        new Signature(good.signature().scheme(), Bytes.of(sig)), good.certificate(),
        good.entry());
    assertThat(refusal(forged)).isEqualTo(Refusal.BAD_SIGNATURE);
    // Alice's signature, claimed under another scheme.
    ResourceObject otherScheme = new ResourceObject(good.contentType(), good.subType(),
        good.resourceId(), good.value(), null, good.owner(), good.expires(),
        new Signature(Signature.ECDSA_SECP256R1_SHA256, good.signature().value()),
        good.certificate(), good.entry());
    assertThat(refusal(otherScheme)).isEqualTo(Refusal.BAD_SIGNATURE);
    // Unsigned.
    assertThat(refusal(unsigned(REGISTRATION, Hashes.id("alice@example.org", 20),
        DataEntry.dictionary(NOW, true, alice.nodeId()), "alice@example.org", new byte[1])))
        .isEqualTo(Refusal.NOT_SIGNED);
  }

  /**
   * The simulator's modelled cost: signatures are not verified (an altered value passes, which
   * is why only a simulation of honest nodes may use it), the other checks still apply, and the
   * CPU time of the checks is counted: one verification each, and the certificate once.
   */
  @Test
  void aModelledCheckSkipsTheSignatureButCountsItsCost() {
    AccessControl modelled = new AccessControl(checker,
        List.of(REGISTRATION, PROFILE, NODE_DATA, RELAYS), 20, true);
    ResourceObject good = registration(alice, "alice@example.org", alice.nodeId(),
        "sip:alice@192.0.2.1".getBytes());
    ResourceObject altered = new ResourceObject(good.contentType(), good.subType(),
        good.resourceId(), Bytes.of("sip:alice@203.0.113.66".getBytes()), null, good.owner(),
        good.expires(), good.signature(), good.certificate(), good.entry());
    assertThat(modelled.check(altered, NOW).ok()).isTrue();
    SignatureScheme ed = SignatureScheme.ED25519;
    assertThat(modelled.takeWorkMicros()).isEqualTo(ed.verifyMicros() + ed.certificateMicros());
    assertThat(modelled.check(good, NOW).ok()).isTrue();
    assertThat(modelled.takeWorkMicros()).isEqualTo(ed.verifyMicros());
    ResourceObject notHers = registration(mallory, "alice@example.org", alice.nodeId(),
        "sip:mallory@192.0.2.66".getBytes());
    assertThat(modelled.check(notHers, NOW).refusal().refusal()).isEqualTo(Refusal.NOT_OWNER);
    // The real check pays for the same work.
    assertThat(access.check(good, NOW).ok()).isTrue();
    assertThat(access.takeWorkMicros()).isEqualTo(ed.verifyMicros() + ed.certificateMicros());
  }

  @Test
  void nobodyButTheOwnerWritesItsValues() {
    // Mallory signs a registration for Alice's address of record: with Alice as Owner ...
    assertThat(refusal(registration(mallory, "alice@example.org", mallory.nodeId(),
        new byte[1]))).isEqualTo(Refusal.NOT_OWNER);
    // ... or as himself at Alice's resource.
    assertThat(refusal(signedBy(mallory, unsigned(REGISTRATION,
        Hashes.id("alice@example.org", 20), DataEntry.dictionary(NOW, true, mallory.nodeId()),
        "mallory@example.org", new byte[1])))).isEqualTo(Refusal.NOT_OWNER);
    // A registration of his own, keyed by Alice's node-ID.
    assertThat(refusal(registration(mallory, "mallory@example.org", alice.nodeId(),
        new byte[1]))).isEqualTo(Refusal.NOT_OWNER);
    // Node data at the hash of Alice's node-ID.
    assertThat(refusal(signedBy(mallory, unsigned(NODE_DATA, Hashes.id(alice.nodeId(), 20),
        DataEntry.array(NOW, true, 0), "mallory@example.org", new byte[1]))))
        .isEqualTo(Refusal.NOT_OWNER);
    // Mallory presents Alice's certificate with his own signature.
    ResourceObject mine = registration(mallory, "alice@example.org", alice.nodeId(),
        new byte[1]);
    ResourceObject borrowed = new ResourceObject(mine.contentType(), mine.subType(),
        mine.resourceId(), mine.value(), null, mine.owner(), mine.expires(), mine.signature(),
        alice.wireCertificate(), mine.entry());
    assertThat(refusal(borrowed)).isEqualTo(Refusal.BAD_SIGNATURE);
  }

  @Test
  void valuesMustFitTheirKind() {
    assertThat(refusal(registration(alice, "alice@example.org", alice.nodeId(),
        new byte[1025]))).isEqualTo(Refusal.TOO_LARGE);
    assertThat(refusal(signedBy(alice, unsigned(REGISTRATION, Hashes.id("alice@example.org", 20),
        DataEntry.single(NOW, true), "alice@example.org", new byte[1]))))
        .isEqualTo(Refusal.WRONG_MODEL);
    assertThat(refusal(signedBy(alice, new ResourceObject(9, 9, new ResourceId(nodeId(1)),
        Bytes.EMPTY, null, null, null, null, null, DataEntry.single(NOW, true)))))
        .isEqualTo(Refusal.UNKNOWN_KIND);
  }

  @Test
  void expiredUnknownAndRevokedCertificatesAreRefused() {
    ResourceObject good = registration(alice, "alice@example.org", alice.nodeId(), new byte[1]);
    assertThat(access.check(good, NOW).ok()).isTrue(); // cached from here on
    AccessControl.Outcome late = access.check(good, NOW + 31 * DAY);
    assertThat(late.refusal().refusal()).isEqualTo(Refusal.BAD_CERTIFICATE);
    assertThat(late.refusal().text()).contains("expired");

    // A certificate from a CA this overlay does not trust.
    KeyPair otherCa = SignatureScheme.ED25519.generate(random);
    X509Certificate other = Certificates.authority(otherCa, "Elsewhere CA", NOW - DAY,
        NOW + DAY, random);
    KeyPair kp = SignatureScheme.ED25519.generate(random);
    Identity stranger = new Identity(kp, Certificates.node(kp.getPublic(), "eve@example.org",
        List.of(nodeId(0x0e)), "test", other, otherCa.getPrivate(), BigInteger.ONE, NOW - DAY,
        NOW + DAY, random));
    AccessControl.Outcome unknown = access.check(registration(stranger, "eve@example.org",
        stranger.nodeId(), new byte[1]), NOW);
    assertThat(unknown.refusal().refusal()).isEqualTo(Refusal.BAD_CERTIFICATE);
    assertThat(unknown.refusal().text()).contains("unknown certificate authority");

    // Garbage where the certificate goes.
    ResourceObject junk = new ResourceObject(good.contentType(), good.subType(),
        good.resourceId(), good.value(), null, good.owner(), good.expires(), good.signature(),
        new Certificate(Certificate.SERVER_SIGNED, Bytes.of((byte) 1, (byte) 2)), good.entry());
    assertThat(refusal(junk)).isEqualTo(Refusal.BAD_CERTIFICATE);

    // Revoked by the enrollment server after it was cached.
    checker.revoke(BigInteger.valueOf(1));
    AccessControl.Outcome revoked = access.check(good, NOW);
    assertThat(revoked.refusal().refusal()).isEqualTo(Refusal.REVOKED_CERTIFICATE);
  }
}
