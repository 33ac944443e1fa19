package org.openvoip.p2pp.security;

/** A certificate, request or signature that fails a check; the message says which and why. */
public final class CertificateProblem extends Exception {
  private static final long serialVersionUID = 1L;

  public CertificateProblem(String message) {
    super(message);
  }
}
