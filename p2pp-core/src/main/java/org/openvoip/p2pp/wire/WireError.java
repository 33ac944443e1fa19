package org.openvoip.p2pp.wire;

/**
 * Why bytes are not an acceptable P2PP message, the response code a peer answers with, and the
 * sub-code carried in an Error object. Response code 0 means: do not answer, count and drop.
 */
public enum WireError {
  /** Fewer bytes than a header, or a magic cookie that is not P2PP's (e.g. STUN): not for us. */
  NOT_P2PP(0, 0),
  /** The header's Request Type is not a known method: the ID length is unknown, so no answer. */
  UNKNOWN_METHOD(0, 7),
  UNSUPPORTED_VERSION(ResponseCode.BAD_REQUEST, 6),
  /** The bytes end before the header or an object says they should. */
  TRUNCATED(ResponseCode.BAD_REQUEST, 5),
  /** Bytes left over after the last object the Message Length covers. */
  TRAILING_BYTES(ResponseCode.BAD_REQUEST, 5),
  MESSAGE_TOO_LARGE(ResponseCode.MESSAGE_TOO_LARGE, 8),
  BAD_RESPONSE_CODE(ResponseCode.BAD_REQUEST, 6),
  /** AB=00 and the type is unknown: the draft's "Unrecognized Object" (sub code 1). */
  UNKNOWN_MANDATORY_OBJECT(ResponseCode.BAD_REQUEST, 1),
  /** AB=10 or AB=11, which the draft reserves. */
  RESERVED_FLAGS(ResponseCode.BAD_REQUEST, 3),
  /** A known object whose value does not parse (wrong length, bad field). */
  MALFORMED_OBJECT(ResponseCode.BAD_REQUEST, 3),
  /** A mandatory object of this message is absent. */
  MISSING_OBJECT(ResponseCode.BAD_REQUEST, 2),
  /** A known mandatory object where this message does not allow it, or too many of it. */
  UNEXPECTED_OBJECT(ResponseCode.BAD_REQUEST, 4);

  private final int responseCode;
  private final int subCode;

  WireError(int responseCode, int subCode) {
    this.responseCode = responseCode;
    this.subCode = subCode;
  }

  /** The response code a peer answers with, or 0 if it must not answer. */
  public int responseCode() {
    return responseCode;
  }

  /** The Error object's sub-code. */
  public int subCode() {
    return subCode;
  }
}
