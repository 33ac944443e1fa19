package org.openvoip.p2pp.security;

/**
 * A certificate, request or signature that fails a check; the message says which and why, and
 * {@link #refusal()} how a peer answers it.
 */
public final class CertificateProblem extends Exception {
  private static final long serialVersionUID = 1L;

  private final Refusal refusal;

  /** A bad certificate ({@link Refusal#BAD_CERTIFICATE}). */
  public CertificateProblem(String message) {
    this(Refusal.BAD_CERTIFICATE, message);
  }

  public CertificateProblem(Refusal refusal, String message) {
    super(message);
    this.refusal = refusal;
  }

  /** The refusal a peer answers with: a bad or a revoked certificate. */
  public Refusal refusal() {
    return refusal;
  }
}
