package org.openvoip.server.enroll;

/** An enrollment refused: the P2PP response code to answer with, and why. */
public final class EnrollmentException extends Exception {
  private static final long serialVersionUID = 1L;
  private final int code;

  public EnrollmentException(int code, String reason) {
    super(reason);
    this.code = code;
  }

  /** 401 (unknown user or wrong password), 403 (a request for someone else) or 400. */
  public int code() {
    return code;
  }
}
