package org.openvoip.p2pp.wire;

/**
 * Bytes that are not an acceptable P2PP message. Carries the reason, the response code a peer
 * should answer with ({@code 0}: drop silently), and the parsed header when the header itself was
 * sound, so that the answer can go to the right transaction.
 *
 * <p>No stack trace is captured: a flood of bad packets costs little.
 */
public final class MalformedMessageException extends Exception {
  private static final long serialVersionUID = 1L;

  private final WireError reason;
  private final int objectType;
  private transient Header header;

  MalformedMessageException(WireError reason, int objectType, String message) {
    super(message, null, false, false);
    this.reason = reason;
    this.objectType = objectType;
  }

  MalformedMessageException(WireError reason, String message) {
    this(reason, WireObject.ErrorInfo.NO_OBJECT, message);
  }

  public WireError reason() {
    return reason;
  }

  /**
   * The response code a peer answers with, or 0 if it must not answer: the bytes are not P2PP, or
   * the header's IDs could not be read, so there is no transaction to address an answer to.
   */
  public int responseCode() {
    return header == null ? 0 : reason.responseCode();
  }

  /** The header, or null if the header itself could not be read. */
  public Header header() {
    return header;
  }

  /** The type number of the object at fault, or 255 if none. */
  public int objectType() {
    return objectType;
  }

  /** The Error object to put in the answer. */
  public WireObject.ErrorInfo toErrorInfo() {
    String text = getMessage();
    if (text.length() > 200) {
      text = text.substring(0, 200);
    }
    return new WireObject.ErrorInfo(responseCode(), reason.subCode(), objectType, text);
  }

  MalformedMessageException withHeader(Header h) {
    if (header == null) {
      header = h;
    }
    return this;
  }
}
