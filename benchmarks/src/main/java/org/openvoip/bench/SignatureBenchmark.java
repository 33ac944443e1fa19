package org.openvoip.bench;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openvoip.p2pp.security.CertificateChecker;
import org.openvoip.p2pp.security.CertificateProblem;
import org.openvoip.p2pp.security.Certificates;
import org.openvoip.p2pp.security.SignatureScheme;
import org.openvoip.p2pp.wire.Bytes;

/**
 * Sign and verify throughput of the two signature algorithms a P2PP overlay accepts, over the
 * bytes a storing peer verifies for one stored value (about 200 bytes: Resource-ID, types,
 * owner, generation and a short value), and the check of a node certificate signed by the
 * enrollment server (parse from DER, chain, validity), which a peer does once per new peer or
 * per new owner of a value. The certificate check cycles through 2,048 distinct certificates:
 * the JDK caches parsed certificates (750 of them) and the verification of each, so checking one
 * certificate again and again measures a cache. One thread; see docs/benchmarks.md.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
public class SignatureBenchmark {
  @Param({"ED25519", "ECDSA_P256_SHA256"})
  public SignatureScheme scheme;

  KeyPair keys;
  SecureRandom random;
  byte[] payload;
  byte[] signature;
  static final int CERTIFICATES = 2048;
  Bytes[] certificates;
  int next;
  CertificateChecker checker;
  long now;

  @Setup(Level.Trial)
  public void setUp() throws CertificateProblem {
    random = new SecureRandom();
    keys = scheme.generate(random);
    payload = new byte[200];
    random.nextBytes(payload);
    signature = scheme.sign(keys.getPrivate(), payload);
    if (!scheme.verify(keys.getPublic(), signature, payload)) {
      throw new IllegalStateException("the signature does not verify");
    }
    now = 1_795_824_000_000L;
    KeyPair caKeys = scheme.generate(random);
    X509Certificate ca = Certificates.authority(caKeys, "bench CA", now - 86_400_000L,
        now + 86_400_000L, random);
    X509Certificate node = Certificates.node(keys.getPublic(), "alice@example.org",
        List.of(Bytes.of(new byte[20])), "bench", ca, caKeys.getPrivate(), BigInteger.ONE,
        now - 86_400_000L, now + 86_400_000L, random);
    certificates = new Bytes[CERTIFICATES];
    certificates[0] = Certificates.der(node);
    for (int i = 1; i < CERTIFICATES; i++) {
      certificates[i] = Certificates.der(Certificates.node(scheme.generate(random).getPublic(),
          "user" + i + "@example.org", List.of(Bytes.of(new byte[20])), "bench", ca,
          caKeys.getPrivate(), BigInteger.valueOf(i + 1L), now - 86_400_000L, now + 86_400_000L,
          random));
    }
    checker = new CertificateChecker(List.of(ca), false, 20);
    for (int i = 0; i < CERTIFICATES; i++) {
      checkCertificate(); // measure the right thing: they all pass
    }
  }

  @Benchmark
  public byte[] sign() {
    return scheme.sign(keys.getPrivate(), payload);
  }

  @Benchmark
  public boolean verify() {
    return scheme.verify(keys.getPublic(), signature, payload);
  }

  @Benchmark
  public Object checkCertificate() throws CertificateProblem {
    Bytes der = certificates[next];
    next = (next + 1) % CERTIFICATES;
    return checker.check(Certificates.parse(der), now);
  }
}
