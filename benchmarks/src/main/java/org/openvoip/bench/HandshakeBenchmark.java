package org.openvoip.bench;

import java.nio.ByteBuffer;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openvoip.net.LinkSecurity;
import org.openvoip.p2pp.security.CertificateChecker;
import org.openvoip.p2pp.security.Certificates;
import org.openvoip.p2pp.security.Identity;
import org.openvoip.p2pp.security.SignatureScheme;
import org.openvoip.p2pp.wire.Bytes;

/**
 * Full handshakes of the links nodes open to each other (docs/benchmarks.md, "Security"): TLS 1.3
 * and DTLS 1.2 with mutual authentication by overlay certificates, both ends in this thread,
 * engine to engine through buffers (no sockets), with the same engines and trust checks as
 * {@code NetTransport}. DTLS includes the cookie exchange (HelloVerifyRequest). One operation is
 * one handshake, both sides' work counted: full, or resumed from the client's session cache.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class HandshakeBenchmark {
  @Param({"ED25519", "ECDSA_P256_SHA256"})
  public SignatureScheme scheme;

  @Param({"TLS", "DTLS"})
  public String protocol;

  /**
   * false: every handshake is with a new peer address, so it is a full one; true: the same
   * address each time, so the JDK's client session cache resumes the session (abbreviated
   * handshake, no certificates or signatures) where the protocol allows it.
   */
  @Param({"false", "true"})
  public boolean resume;

  private int nextPort = 1;

  private LinkSecurity.Contexts client;
  private LinkSecurity.Contexts server;

  @Setup
  public void setUp() {
    SecureRandom random = new SecureRandom();
    long now = System.currentTimeMillis();
    long day = 86_400_000L;
    KeyPair caKeys = scheme.generate(random);
    X509Certificate ca = Certificates.authority(caKeys, "CN=Bench CA", now - day, now + day,
        random);
    CertificateChecker checker = new CertificateChecker(List.of(ca), false, 20);
    client = new LinkSecurity(node(scheme, ca, caKeys, random, "a@bench"), List.of(ca), checker,
        random).contexts(p -> { });
    server = new LinkSecurity(node(scheme, ca, caKeys, random, "b@bench"), List.of(ca), checker,
        random).contexts(p -> { });
  }

  private static Identity node(SignatureScheme s, X509Certificate ca, KeyPair caKeys,
      SecureRandom random, String user) {
    KeyPair kp = s.generate(random);
    byte[] id = new byte[20];
    random.nextBytes(id);
    long now = System.currentTimeMillis();
    return new Identity(kp, Certificates.node(kp.getPublic(), user, List.of(Bytes.of(id)),
        "bench", ca, caKeys.getPrivate(), Certificates.serial(random), now - 86_400_000L,
        now + 86_400_000L, random));
  }

  @Benchmark
  public boolean handshake() throws SSLException {
    boolean dtls = protocol.equals("DTLS");
    java.net.InetSocketAddress peer = new java.net.InetSocketAddress("127.0.0.1",
        resume ? 7081 : 1 + (nextPort++ % 65_000));
    SSLEngine c = dtls ? client.dtlsEngine(true, peer, 16_384) : client.tlsEngine(true, peer);
    SSLEngine s = dtls ? server.dtlsEngine(false, peer, 16_384) : server.tlsEngine(false, peer);
    c.beginHandshake();
    s.beginHandshake();
    ByteBuffer toServer = ByteBuffer.allocate(65_536);
    ByteBuffer toClient = ByteBuffer.allocate(65_536);
    for (int round = 0; round < 100; round++) {
      step(c, toServer, toClient);
      step(s, toClient, toServer);
      if (done(c) && done(s) && authenticated(c) && authenticated(s)) {
        return true;
      }
    }
    throw new IllegalStateException("the handshake did not finish");
  }

  /** Whether the engine has checked the other side's certificate: the handshake is complete. */
  private static boolean authenticated(SSLEngine e) {
    try {
      return e.getSession().getPeerCertificates().length > 0;
    } catch (javax.net.ssl.SSLPeerUnverifiedException x) {
      return false;
    }
  }

  private static boolean done(SSLEngine e) {
    HandshakeStatus h = e.getHandshakeStatus();
    return h == HandshakeStatus.NOT_HANDSHAKING || h == HandshakeStatus.FINISHED;
  }

  /** Lets {@code e} read what it was sent and write what it has to say. */
  private static void step(SSLEngine e, ByteBuffer out, ByteBuffer in) throws SSLException {
    ByteBuffer app = ByteBuffer.allocate(65_536);
    in.flip();
    while (true) {
      HandshakeStatus h = e.getHandshakeStatus();
      if (h == HandshakeStatus.NEED_TASK) {
        Runnable t;
        while ((t = e.getDelegatedTask()) != null) {
          t.run();
        }
      } else if (h == HandshakeStatus.NEED_WRAP) {
        SSLEngineResult r = e.wrap(ByteBuffer.allocate(0), out);
        if (r.bytesProduced() == 0 && r.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
          break;
        }
      } else if ((h == HandshakeStatus.NEED_UNWRAP || h == HandshakeStatus.NEED_UNWRAP_AGAIN)
          && (in.hasRemaining() || h == HandshakeStatus.NEED_UNWRAP_AGAIN)) {
        SSLEngineResult r = e.unwrap(in, app);
        if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW
            || (r.bytesConsumed() == 0 && r.getHandshakeStatus() == h)) {
          break;
        }
      } else {
        break;
      }
    }
    in.compact();
  }
}
