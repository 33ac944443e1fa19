package org.openvoip.p2pp.security;

import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openvoip.p2pp.wire.Bytes;
import org.openvoip.p2pp.wire.WireObject.DataEntry;
import org.openvoip.p2pp.wire.WireObject.ResourceObject;

/**
 * What a storing peer of a secured overlay checks before it stores a value, or a replica of one:
 * the kind exists and the value fits it, the value is signed, the certificate is good (the
 * overlay's CA or an accepted self-signed one, valid now, not revoked), the signature verifies
 * over {@link SignedData}, the Owner is the signer's user, and the kind's access policy lets
 * the signer write at this Resource-ID and key. The order of updates (storage time) is the
 * storage's to check, since it needs what is stored.
 *
 * <p>Good certificates are remembered by their encoding (a bounded cache), so a peer parses and
 * checks each writer's certificate once, not once per value; revocation and expiry are checked
 * again on every use.
 */
public final class AccessControl {
  private static final int CACHE_SIZE = 1024;

  private final CertificateChecker checker;
  private final Map<Integer, Kind> kinds = new HashMap<>();
  private final int idLength;
  /** Signature verifications skipped: every signature is taken as good (simulation only). */
  private final boolean modelled;
  /** CPU time of the checks done since {@link #takeWorkMicros()} last ran. */
  private long workMicros;
  private final Map<Bytes, CertificateChecker.Verified> verified =
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Bytes, CertificateChecker.Verified> e) {
          return size() > CACHE_SIZE;
        }
      };

  public AccessControl(CertificateChecker checker, Collection<Kind> kinds, int idLength) {
    this(checker, kinds, idLength, false);
  }

  /**
   * @param modelled for a simulation that models the cost of cryptography instead of paying it:
   *     signatures are not verified (taken as good) but their cost is counted all the same; the
   *     certificate, owner, policy and size checks still run
   */
  public AccessControl(CertificateChecker checker, Collection<Kind> kinds, int idLength,
      boolean modelled) {
    this.modelled = modelled;
    this.checker = checker;
    this.idLength = idLength;
    for (Kind k : kinds) {
      if (this.kinds.put(k.code(), k) != null) {
        throw new IllegalArgumentException("two kinds with Cont-Type " + k.contentType()
            + " and Sub-Type " + k.subType());
      }
    }
  }

  /** Whether signatures are modelled (not verified) rather than checked. */
  public boolean modelled() {
    return modelled;
  }

  /**
   * The CPU time (microseconds, {@link SignatureScheme#verifyMicros()} and {@link
   * SignatureScheme#certificateMicros()}) of the checks since the last call, which the engine
   * reports to its runtime ({@code Env.compute}).
   */
  public long takeWorkMicros() {
    long w = workMicros;
    workMicros = 0;
    return w;
  }

  /** The kind of {@code o}, or null if the overlay has none such. */
  public Kind kindOf(ResourceObject o) {
    return kinds.get(Kind.code(o.contentType(), o.subType()));
  }

  /** The outcome of a check: the signer's identity, or why the value is refused. */
  public record Outcome(CertificateChecker.Verified signer, Kind kind, Refusal.Reason refusal) {
    public boolean ok() {
      return refusal == null;
    }
  }

  /** Checks {@code o} at time {@code nowMillis} (epoch milliseconds, from the runtime). */
  public Outcome check(ResourceObject o, long nowMillis) {
    Kind kind = kindOf(o);
    if (kind == null) {
      return refuse(Refusal.UNKNOWN_KIND.because("no kind with Cont-Type " + o.contentType()
          + " and Sub-Type " + o.subType() + " in this overlay"), null);
    }
    if (o.value().length() > kind.maxValueBytes()) {
      return refuse(Refusal.TOO_LARGE.because("a " + kind.name() + " value may be at most "
          + kind.maxValueBytes() + " bytes, not " + o.value().length()), kind);
    }
    DataEntry e = o.entry();
    if (e == null || o.signature() == null || o.certificate() == null || o.owner() == null) {
      return refuse(Refusal.NOT_SIGNED.because("a value needs a Data-Entry, an Owner, a "
          + "Signature and its signer's Certificate in this overlay"), kind);
    }
    if (e.model() != kind.model()) {
      return refuse(Refusal.WRONG_MODEL.because("a " + kind.name() + " is a "
          + DataEntry.modelName(kind.model()) + ", not a " + DataEntry.modelName(e.model())), kind);
    }
    CertificateChecker.Verified signer;
    try {
      signer = certificate(o.certificate().der(), nowMillis);
    } catch (CertificateProblem p) {
      Refusal r = p.refusal();
      return refuse(r.because(p.getMessage()), kind);
    }
    SignatureScheme scheme = SignatureScheme.ofCode(o.signature().scheme());
    if (scheme != signer.scheme()) {
      return refuse(Refusal.BAD_SIGNATURE.because("the signature's scheme "
          + Integer.toHexString(o.signature().scheme()) + " is not the certificate key's ("
          + signer.scheme().cliName() + ")"), kind);
    }
    workMicros += scheme.verifyMicros();
    if (!modelled && !scheme.verify(signer.publicKey(), o.signature().value().toByteArray(),
        SignedData.toBeSigned(o))) {
      return refuse(Refusal.BAD_SIGNATURE.because("the signature does not verify under "
          + signer.user() + "'s certificate"), kind);
    }
    if (!o.owner().value().equals(Bytes.of(signer.user().getBytes(
        java.nio.charset.StandardCharsets.UTF_8)))) {
      return refuse(Refusal.NOT_OWNER.because("the Owner is not the signer, " + signer.user()),
          kind);
    }
    Refusal.Reason policy = policy(kind, o, signer);
    if (policy != null) {
      return refuse(policy, kind);
    }
    return new Outcome(signer, kind, null);
  }

  private Refusal.Reason policy(Kind kind, ResourceObject o, CertificateChecker.Verified s) {
    Bytes rid = o.resourceId().id();
    Bytes userRid = Hashes.id(s.user(), idLength);
    switch (kind.policy()) {
      case USER_MATCH:
        if (!rid.equals(userRid)) {
          return Refusal.NOT_OWNER.because("a " + kind.name() + " of " + s.user()
              + " goes at the hash of the user name, " + userRid.hex());
        }
        return null;
      case NODE_MATCH:
        for (Bytes id : s.nodeIds()) {
          if (rid.equals(Hashes.id(id, idLength))) {
            return null;
          }
        }
        return Refusal.NOT_OWNER.because("a " + kind.name()
            + " goes at the hash of one of the signer's node-IDs");
      case USER_NODE_MATCH:
        if (!rid.equals(userRid)) {
          return Refusal.NOT_OWNER.because("a " + kind.name() + " of " + s.user()
              + " goes at the hash of the user name, " + userRid.hex());
        }
        return keyIsSigners(kind, o, s.nodeIds());
      default:
        return keyIsSigners(kind, o, s.nodeIds());
    }
  }

  private static Refusal.Reason keyIsSigners(Kind kind, ResourceObject o, List<Bytes> ids) {
    if (!ids.contains(o.entry().key())) {
      return Refusal.NOT_OWNER.because("the key of a " + kind.name()
          + " entry must be one of the signer's node-IDs");
    }
    return null;
  }

  /** A certificate from its encoding, checked now (parsed and chained once, then cached). */
  public CertificateChecker.Verified certificate(Bytes der, long nowMillis)
      throws CertificateProblem {
    CertificateChecker.Verified v = verified.get(der);
    if (v == null) {
      X509Certificate c = Certificates.parse(der);
      try {
        workMicros += SignatureScheme.of(c.getPublicKey()).certificateMicros();
      } catch (IllegalArgumentException e) {
        // a key of no scheme of ours: the checker refuses it just below
      }
      v = checker.check(c, nowMillis);
      verified.put(der, v);
      return v;
    }
    if (checker.isRevoked(v.serial())) {
      throw new CertificateProblem(Refusal.REVOKED_CERTIFICATE, "the certificate (serial "
          + Certificates.hex(v.serial()) + ") has been revoked");
    }
    if (nowMillis > v.notAfterMillis() || nowMillis < v.notBeforeMillis()) {
      verified.remove(der);
      return checker.check(Certificates.parse(der), nowMillis); // says why
    }
    return v;
  }

  private static Outcome refuse(Refusal.Reason r, Kind kind) {
    return new Outcome(null, kind, r);
  }
}
