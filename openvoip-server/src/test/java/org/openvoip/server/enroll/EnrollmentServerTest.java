package org.openvoip.server.enroll;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openvoip.p2pp.node.OverlayConfig;
import org.openvoip.p2pp.security.Certificates;
import org.openvoip.p2pp.security.Kind;
import org.openvoip.p2pp.security.OverlayDocument;
import org.openvoip.p2pp.security.SignatureScheme;
import org.openvoip.p2pp.wire.Method;
import org.openvoip.p2pp.wire.WireObject.DataEntry;

/**
 * The enrollment server over real TLS on loopback: a user enrolls with its password and gets a
 * certificate, the CA and the signed overlay document; a wrong password gets 401; a client that
 * pins another CA never sends its password; a node renews with its certificate alone and keeps
 * its node-ID; a revoked certificate cannot renew, and the next document lists it.
 */
class EnrollmentServerTest {
  private static final String USER = "alice@test.openvoip.org";
  private static final long DAY = 86_400_000L;

  @TempDir Path dir;
  private final SecureRandom random = new SecureRandom();
  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private EnrollmentAuthority authority;
  private EnrollmentServer server;
  private EnrollmentClient.Pin pin;

  @BeforeEach
  void start() throws Exception {
    authority = EnrollmentAuthority.open(dir, "test.openvoip.org", 20, SignatureScheme.ED25519,
        System.currentTimeMillis(), 3650 * DAY, 1000, random);
    authority.setPassword(USER, "correct horse".toCharArray());
    OverlayDocument template = new OverlayDocument("test.openvoip.org", 1,
        OverlayConfig.DEFAULTS, false, List.of(new Kind("user-info", 1, 0, DataEntry.SINGLE,
            Kind.AccessPolicy.USER_MATCH, 4096, 1)), List.of(), List.of("127.0.0.1:7080"),
        null, List.of());
    server = EnrollmentServer.start(group, new InetSocketAddress("127.0.0.1", 0), authority,
        template, 30 * DAY, random);
    pin = EnrollmentClient.Pin.fingerprint(EnrollmentClient.fingerprint(
        authority.certificate()));
  }

  @AfterEach
  void stop() {
    server.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private EnrollmentClient.Enrolled enroll(Method m, String password, KeyPair keys,
      org.openvoip.p2pp.security.Identity current) throws Exception {
    return EnrollmentClient.enroll(server.address(), pin, m, USER, password.toCharArray(), keys,
        current, random, 10_000);
  }

  @Test
  void aUserEnrollsOverTlsAndGetsCertificateCaAndOverlayDocument() throws Exception {
    KeyPair keys = SignatureScheme.ED25519.generate(random);
    EnrollmentClient.Enrolled e = enroll(Method.ENROLL, "correct horse", keys, null);
    assertThat(e.identity().user()).isEqualTo(USER);
    assertThat(e.identity().nodeId().length()).isEqualTo(20);
    assertThat(e.ca()).isEqualTo(authority.certificate());
    assertThat(e.document().overlay()).isEqualTo("test.openvoip.org");
    assertThat(e.document().roots()).containsExactly(authority.certificate());
    assertThat(e.document().bootstrap()).containsExactly("127.0.0.1:7080");
    assertThat(server.counters()).containsEntry("enrolled", 1L);
  }

  @Test
  void aWrongPasswordIsRefusedWith401() {
    KeyPair keys = SignatureScheme.ED25519.generate(random);
    assertThatThrownBy(() -> enroll(Method.ENROLL, "wrong", keys, null))
        .isInstanceOf(EnrollmentException.class)
        .satisfies(t -> assertThat(((EnrollmentException) t).code()).isEqualTo(401));
    assertThat(server.counters()).containsEntry("refused-401", 1L);
  }

  @Test
  void aClientPinningAnotherCaStopsBeforeSendingThePassword() throws Exception {
    KeyPair other = SignatureScheme.ED25519.generate(random);
    long now = System.currentTimeMillis();
    EnrollmentClient.Pin wrong = EnrollmentClient.Pin.of(Certificates.authority(other,
        "CN=Elsewhere", now - DAY, now + DAY, random));
    KeyPair keys = SignatureScheme.ED25519.generate(random);
    assertThatThrownBy(() -> EnrollmentClient.enroll(server.address(), wrong, Method.ENROLL,
        USER, "correct horse".toCharArray(), keys, null, random, 10_000))
        .isInstanceOf(IOException.class);
    Thread.sleep(200);
    assertThat(server.counters()).doesNotContainKeys("enrolled", "refused-401");
  }

  @Test
  void aNodeRenewsWithItsCertificateAloneAndKeepsItsNodeIdUntilRevoked() throws Exception {
    KeyPair keys = SignatureScheme.ED25519.generate(random);
    EnrollmentClient.Enrolled first = enroll(Method.ENROLL, "correct horse", keys, null);
    EnrollmentClient.Enrolled renewed = enroll(Method.AUTHENTICATE, "", keys, first.identity());
    assertThat(renewed.identity().nodeId()).isEqualTo(first.identity().nodeId());
    assertThat(renewed.identity().certificate().getSerialNumber())
        .isNotEqualTo(first.identity().certificate().getSerialNumber());
    // Without a password or a certificate there is nothing to go on.
    assertThatThrownBy(() -> enroll(Method.AUTHENTICATE, "", keys, null))
        .isInstanceOf(EnrollmentException.class)
        .satisfies(t -> assertThat(((EnrollmentException) t).code()).isEqualTo(401));

    long sequence = renewed.document().sequence();
    server.revoke(renewed.identity().certificate().getSerialNumber());
    assertThatThrownBy(() -> enroll(Method.AUTHENTICATE, "", keys, renewed.identity()))
        .isInstanceOf(EnrollmentException.class)
        .hasMessageContaining("revoked");
    // With the password, the user gets its node-ID back under a new certificate.
    EnrollmentClient.Enrolled back = enroll(Method.AUTHENTICATE, "correct horse", keys, null);
    assertThat(back.identity().nodeId()).isEqualTo(first.identity().nodeId());
    assertThat(back.document().sequence()).isGreaterThan(sequence);
    assertThat(back.document().revokedSerials())
        .containsExactly(renewed.identity().certificate().getSerialNumber());
    // A running node asks for the document with its certificate alone; nothing is issued.
    int issued = authority.issuedTo(USER).size();
    EnrollmentClient.Enrolled status = EnrollmentClient.status(server.address(), pin,
        back.identity(), random, 10_000);
    assertThat(status.identity().certificate()).isEqualTo(back.identity().certificate());
    assertThat(status.document().revokedSerials())
        .containsExactly(renewed.identity().certificate().getSerialNumber());
    assertThat(authority.issuedTo(USER)).hasSize(issued);
    assertThatThrownBy(() -> EnrollmentClient.status(server.address(), pin, renewed.identity(),
        random, 10_000)).isInstanceOf(EnrollmentException.class).hasMessageContaining("revoked");
  }
}
