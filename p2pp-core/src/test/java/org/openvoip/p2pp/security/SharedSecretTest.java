package org.openvoip.p2pp.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.openvoip.p2pp.security.CertificatesTest.DAY;
import static org.openvoip.p2pp.security.CertificatesTest.NOW;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Shared-secret mode: an overlay without an enrollment server admits only self-signed
 * certificates that carry the admission token of its secret, which binds the certificate's key.
 */
class SharedSecretTest {
  final SecureRandom random = CertificatesTest.seeded(23);
  final byte[] secret = "the overlay's secret".getBytes(StandardCharsets.UTF_8);
  final CertificateChecker checker = new CertificateChecker(List.of(), true, 20, secret);

  Identity member(byte[] knows) {
    return Identity.selfSigned(SignatureScheme.ED25519, "a@adhoc", "adhoc", 20, NOW, DAY,
        random, knows);
  }

  @Test
  void aCertificateMadeWithTheSecretIsAdmitted() throws Exception {
    Identity i = member(secret);
    assertThat(Certificates.admission(i.certificate()))
        .isEqualTo(Certificates.admissionToken(secret, i.keys().getPublic()));
    assertThat(checker.check(i.certificate(), NOW).nodeIds()).containsExactly(i.nodeId());
  }

  @Test
  void withoutTheSecretOrWithAnotherOneItIsRefused() {
    assertThatThrownBy(() -> checker.check(member(null).certificate(), NOW))
        .isInstanceOf(CertificateProblem.class).hasMessageContaining("shared secret");
    byte[] other = "a guess".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> checker.check(member(other).certificate(), NOW))
        .isInstanceOf(CertificateProblem.class).hasMessageContaining("shared secret");
  }

  @Test
  void aTokenCopiedOntoAnotherKeyDoesNotCount() {
    Identity good = member(secret);
    // Mallory copies the good token into her own certificate: it binds the other key.
    java.security.KeyPair mine = SignatureScheme.ED25519.generate(random);
    var forged = Certificates.node(mine.getPublic(), "m@adhoc", List.of(
        Certificates.selfSignedNodeId(mine.getPublic(), 20)), "adhoc", null, mine.getPrivate(),
        Certificates.serial(random), NOW - DAY, NOW + DAY, random,
        Certificates.admission(good.certificate()));
    assertThatThrownBy(() -> checker.check(forged, NOW))
        .isInstanceOf(CertificateProblem.class).hasMessageContaining("shared secret");
  }
}
