package org.openvoip.sim;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.SplittableRandom;
import org.openvoip.p2pp.node.Security;
import org.openvoip.p2pp.security.AccessControl;
import org.openvoip.p2pp.security.CertificateChecker;
import org.openvoip.p2pp.security.Certificates;
import org.openvoip.p2pp.security.Identity;
import org.openvoip.p2pp.security.Kind;
import org.openvoip.p2pp.security.SignatureScheme;
import org.openvoip.p2pp.wire.Bytes;
import org.openvoip.p2pp.wire.WireObject.DataEntry;

/**
 * A secured simulated overlay: one certificate authority, and for node {@code i} an Ed25519 key
 * and a certificate for user "node{@code i}@sim" binding one node-ID, all drawn from the seed,
 * so that a secured run replays to the byte. Real keys, real signatures, real checks.
 */
public final class SimSecurity {
  /**
   * The workload's kind: a dictionary at any Resource-ID whose key is the writer's node-ID, so
   * that any node may publish any of the workload's random keys, signed as itself.
   */
  public static final Kind WORKLOAD = new Kind("simulated object", Workload.CONTENT_TYPE,
      Workload.SUB_TYPE, DataEntry.DICTIONARY, Kind.AccessPolicy.NODE_KEY, 1024, 64);
  private static final long DAY = 86_400_000L;

  private final long seed;
  private final int idLength;
  private final KeyPair caKeys;
  private final X509Certificate ca;
  private final boolean modelled;

  public SimSecurity(long seed, int idLength) {
    this(seed, idLength, false);
  }

  /**
   * @param modelled model the cost of cryptography instead of paying it: nodes send signatures
   *     of the right length without computing them, and do not verify them (every node of the
   *     simulation is honest); the CPU time is charged to the nodes either way
   */
  public SimSecurity(long seed, int idLength, boolean modelled) {
    this.modelled = modelled;
    this.seed = seed;
    this.idLength = idLength;
    SeededSecureRandom r = new SeededSecureRandom(seed ^ 0xCA);
    this.caKeys = SignatureScheme.ED25519.generate(r);
    this.ca = Certificates.authority(caKeys, "OpenVoIP simulator CA",
        SimNetwork.EPOCH_MILLIS - DAY, SimNetwork.EPOCH_MILLIS + 3650 * DAY, r);
  }

  /** Node {@code i}'s identity and checks. */
  public Security enroll(int i) {
    SeededSecureRandom r = new SeededSecureRandom(seed * 31 + i);
    KeyPair kp = SignatureScheme.ED25519.generate(r);
    byte[] id = new byte[idLength];
    new SplittableRandom(seed ^ (0x5DEECE66DL * (i + 1))).nextBytes(id);
    X509Certificate c = Certificates.node(kp.getPublic(), "node" + i + "@sim",
        List.of(Bytes.of(id)), "sim", ca, caKeys.getPrivate(), BigInteger.valueOf(i + 1L),
        SimNetwork.EPOCH_MILLIS - DAY, SimNetwork.EPOCH_MILLIS + 3650 * DAY, r);
    return new Security(new Identity(kp, c), new AccessControl(
        new CertificateChecker(List.of(ca), false, idLength), List.of(WORKLOAD), idLength,
        modelled));
  }
}
