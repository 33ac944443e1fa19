package org.openvoip.p2pp.node;

/** An operation failed: the P2PP response code that ended it (418 on timeout) and why. */
public final class P2ppException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int code;

  public P2ppException(int code, String reason) {
    super(code + " " + reason);
    this.code = code;
  }

  public int code() {
    return code;
  }
}
