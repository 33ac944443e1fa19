package org.openvoip.p2pp.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.openvoip.p2pp.security.CertificatesTest.DAY;
import static org.openvoip.p2pp.security.CertificatesTest.NOW;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openvoip.p2pp.node.OverlayConfig;
import org.openvoip.p2pp.wire.Bytes;
import org.openvoip.p2pp.wire.WireObject.DataEntry;

class OverlayDocumentTest {
  final SecureRandom random = CertificatesTest.seeded(11);
  final KeyPair caKeys = SignatureScheme.ED25519.generate(random);
  final X509Certificate ca = Certificates.authority(caKeys, "example CA", NOW - DAY, NOW + DAY,
      random);

  OverlayDocument document(long sequence) {
    OverlayConfig c = OverlayConfig.builder().algorithm("kademlia").bucketSize(16).replicas(5)
        .build();
    return new OverlayDocument("example.org", sequence, c, false, List.of(new Kind(
        "registration", 0, 0, DataEntry.DICTIONARY, Kind.AccessPolicy.USER_NODE_MATCH, 4096,
        8)), List.of(OverlayDocument.root(ca)), List.of("192.0.2.1:7080"),
        "enroll.example.org:7081", List.of("1f2e"));
  }

  @Test
  void aSignedDocumentRoundTripsAndVerifiesUnderItsRoot() throws Exception {
    OverlayDocument d = document(7);
    Bytes signed = d.sign(caKeys, ca);
    // A node that trusts no root yet takes the document's own, once that root signed it.
    OverlayDocument back = OverlayDocument.verify(signed, List.of());
    assertThat(back).isEqualTo(d);
    assertThat(back.config().bucketSize()).isEqualTo(16);
    assertThat(back.kinds().get(0).policy()).isEqualTo(Kind.AccessPolicy.USER_NODE_MATCH);
    assertThat(back.roots()).containsExactly(ca);
    assertThat(back.revokedSerials()).containsExactly(java.math.BigInteger.valueOf(0x1f2e));
    assertThat(OverlayDocument.verify(signed, List.of(ca))).isEqualTo(d);
  }

  @Test
  void anAlteredDocumentOrAnUntrustedSignerIsRefused() throws Exception {
    Bytes signed = document(7).sign(caKeys, ca);
    // Change one character of the signed document (the sequence number 7 becomes 8).
    String env = new String(signed.toByteArray(), StandardCharsets.UTF_8);
    String doc64 = env.replaceAll(".*\"document\":\"([^\"]+)\".*", "$1");
    String doc = new String(Base64.getDecoder().decode(doc64), StandardCharsets.UTF_8);
    assertThat(doc).contains("\"sequence\":7");
    String forged = env.replace(doc64, Base64.getEncoder().encodeToString(
        doc.replace("\"sequence\":7", "\"sequence\":8").getBytes(StandardCharsets.UTF_8)));
    assertThatThrownBy(() -> OverlayDocument.verify(Bytes.of(forged.getBytes(
        StandardCharsets.UTF_8)), List.of(ca))).isInstanceOf(CertificateProblem.class)
        .hasMessageContaining("signature does not verify");
    // Another CA signs a document naming itself: a node that trusts the first refuses it.
    KeyPair otherKeys = SignatureScheme.ECDSA_P256_SHA256.generate(random);
    X509Certificate other = Certificates.authority(otherKeys, "rogue CA", NOW - DAY, NOW + DAY,
        random);
    Bytes rogue = document(8).sign(otherKeys, other);
    assertThatThrownBy(() -> OverlayDocument.verify(rogue, List.of(ca)))
        .hasMessageContaining("not by a trusted root");
    // With no roots of its own, a node refuses a document whose signer is not among its roots.
    assertThatThrownBy(() -> OverlayDocument.verify(rogue, List.of()))
        .hasMessageContaining("not by a trusted root");
    assertThatThrownBy(() -> OverlayDocument.verify(Bytes.of((byte) '{'), List.of()))
        .hasMessageContaining("not a signed overlay document");
  }
}
