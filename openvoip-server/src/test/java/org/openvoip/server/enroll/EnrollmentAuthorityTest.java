package org.openvoip.server.enroll;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.openvoip.p2pp.security.CertificateChecker;
import org.openvoip.p2pp.security.Certificates;
import org.openvoip.p2pp.security.SignatureScheme;
import org.openvoip.p2pp.wire.Bytes;
import org.openvoip.p2pp.wire.ResponseCode;

class EnrollmentAuthorityTest {
  static final long NOW = 1_795_824_000_000L;
  static final long DAY = 86_400_000L;
  /** Few iterations: the tests check the scheme, not its cost. */
  static final int ITERATIONS = 1000;

  @TempDir Path dir;
  final SecureRandom random = new SecureRandom();

  EnrollmentAuthority open(SignatureScheme s) throws Exception {
    return EnrollmentAuthority.open(dir, "test.openvoip.org", 20, s, NOW, 3650 * DAY, ITERATIONS,
        random);
  }

  @ParameterizedTest
  @EnumSource(SignatureScheme.class)
  void aUserEnrollsWithPasswordAndRequestAndGetsANodeId(SignatureScheme s) throws Exception {
    EnrollmentAuthority ca = open(s);
    ca.setPassword("alice@example.org", "correct horse".toCharArray());
    KeyPair node = s.generate(random);
    Bytes csr = Certificates.request(node, "alice@example.org", random);
    EnrollmentAuthority.Issued issued = ca.enroll("alice@example.org",
        "correct horse".toCharArray(), csr, NOW, 30 * DAY);
    CertificateChecker checker = new CertificateChecker(List.of(ca.certificate()), false, 20);
    CertificateChecker.Verified v = checker.check(issued.certificate(), NOW);
    assertThat(v.user()).isEqualTo("alice@example.org");
    assertThat(v.nodeIds()).containsExactly(issued.nodeId());
    assertThat(v.publicKey()).isEqualTo(node.getPublic());
    // A second enrollment gets another node-ID.
    EnrollmentAuthority.Issued again = ca.enroll("alice@example.org",
        "correct horse".toCharArray(), csr, NOW, 30 * DAY);
    assertThat(again.nodeId()).isNotEqualTo(issued.nodeId());
    assertThat(ca.issuedTo("alice@example.org")).containsExactly(issued.serial(), again.serial());
  }

  @ParameterizedTest
  @EnumSource(SignatureScheme.class)
  void wrongPasswordsUnknownUsersAndForeignRequestsAreRefused(SignatureScheme s)
      throws Exception {
    EnrollmentAuthority ca = open(s);
    ca.setPassword("alice@example.org", "correct horse".toCharArray());
    ca.setPassword("mallory@example.org", "mallory's pw".toCharArray());
    KeyPair node = s.generate(random);
    Bytes forAlice = Certificates.request(node, "alice@example.org", random);
    assertThatThrownBy(() -> ca.enroll("alice@example.org", "wrong horse".toCharArray(),
        forAlice, NOW, DAY)).isInstanceOfSatisfying(EnrollmentException.class,
            e -> assertThat(e.code()).isEqualTo(ResponseCode.UNAUTHORIZED));
    assertThatThrownBy(() -> ca.enroll("bob@example.org", "correct horse".toCharArray(),
        forAlice, NOW, DAY)).isInstanceOfSatisfying(EnrollmentException.class,
            e -> assertThat(e.code()).isEqualTo(ResponseCode.UNAUTHORIZED));
    // Mallory, with his own password, asks for a certificate in Alice's name.
    assertThatThrownBy(() -> ca.enroll("mallory@example.org", "mallory's pw".toCharArray(),
        forAlice, NOW, DAY)).isInstanceOfSatisfying(EnrollmentException.class,
            e -> assertThat(e.code()).isEqualTo(ResponseCode.FORBIDDEN));
    assertThatThrownBy(() -> ca.enroll("alice@example.org", "correct horse".toCharArray(),
        Bytes.of((byte) 1, (byte) 2), NOW, DAY)).isInstanceOfSatisfying(
            EnrollmentException.class, e -> assertThat(e.code())
                .isEqualTo(ResponseCode.BAD_REQUEST));
    assertThatThrownBy(() -> ca.setPassword("alice@example.org", "short".toCharArray()))
        .hasMessageContaining("at least 8 characters");
  }

  @ParameterizedTest
  @EnumSource(SignatureScheme.class)
  void theAuthorityKeepsItsKeyUsersAndRevocationsButNoPassword(SignatureScheme s)
      throws Exception {
    EnrollmentAuthority ca = open(s);
    ca.setPassword("alice@example.org", "correct horse".toCharArray());
    KeyPair node = s.generate(random);
    EnrollmentAuthority.Issued issued = ca.enroll("alice@example.org",
        "correct horse".toCharArray(), Certificates.request(node, "alice@example.org", random),
        NOW, DAY);
    ca.revoke(issued.serial());

    EnrollmentAuthority reopened = open(s);
    assertThat(reopened.certificate()).isEqualTo(ca.certificate());
    assertThat(reopened.checkPassword("alice@example.org", "correct horse".toCharArray()))
        .isTrue();
    assertThat(reopened.checkPassword("alice@example.org", "correct horsf".toCharArray()))
        .isFalse();
    assertThat(reopened.revoked()).containsExactly(issued.serial());
    // A certificate issued after the restart still verifies under the same CA.
    EnrollmentAuthority.Issued later = reopened.enroll("alice@example.org",
        "correct horse".toCharArray(), Certificates.request(node, "alice@example.org", random),
        NOW, DAY);
    new CertificateChecker(List.of(ca.certificate()), false, 20).check(later.certificate(), NOW);
    assertThat(later.nodeId()).isNotEqualTo(issued.nodeId());
    String users = Files.readString(dir.resolve("users"), StandardCharsets.UTF_8);
    assertThat(users).startsWith("alice@example.org ").doesNotContain("correct horse");
    if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
          Files.getPosixFilePermissions(dir.resolve("ca.key")))).isEqualTo("rw-------");
    }
  }
}
