package org.openvoip.p2pp.wire;

/**
 * Response codes (9 bits on the wire, 200-511). The draft's set (section 9.4.1) plus the codes
 * OpenVoIP adds, documented in docs/protocol.md.
 */
public final class ResponseCode {
  public static final int OK = 200;
  public static final int NEXT_HOP = 302;
  public static final int BAD_REQUEST = 400;
  /** OpenVoIP addition: authentication failed (enrollment, shared secret). */
  public static final int UNAUTHORIZED = 401;
  /** OpenVoIP addition: a signature or certificate check failed, or the writer is not the owner. */
  public static final int FORBIDDEN = 403;
  public static final int NOT_FOUND = 404;
  public static final int ERROR_INSERTING_OBJECT = 405;
  public static final int REQUEST_REJECTED = 406;
  public static final int JOIN_DEFERRED = 407;
  /** OpenVoIP addition: a stored value is newer than the one offered (stale generation). */
  public static final int CONFLICT = 409;
  public static final int TTL_EXCEEDED = 410;
  public static final int MESSAGE_TOO_LARGE = 413;
  public static final int TIMEOUT = 418;
  public static final int ALTERNATIVE_SERVICE = 480;
  /** OpenVoIP addition: the peer is overloaded or rate-limits the sender; retry later. */
  public static final int OVERLOADED = 503;

  /** Largest value the 9-bit field can carry. */
  public static final int MAX = 511;

  private ResponseCode() {}

  /** The reason phrase, or "Unknown" for an unassigned code. */
  public static String reason(int code) {
    return switch (code) {
      case OK -> "OK";
      case NEXT_HOP -> "Next Hop";
      case BAD_REQUEST -> "Bad Request";
      case UNAUTHORIZED -> "Unauthorized";
      case FORBIDDEN -> "Forbidden";
      case NOT_FOUND -> "Not Found";
      case ERROR_INSERTING_OBJECT -> "Error Inserting Object";
      case REQUEST_REJECTED -> "Request Rejected";
      case JOIN_DEFERRED -> "Join Request Deferred";
      case CONFLICT -> "Conflict";
      case TTL_EXCEEDED -> "TTL Exceeded";
      case MESSAGE_TOO_LARGE -> "Message Too Large";
      case TIMEOUT -> "Timeout";
      case ALTERNATIVE_SERVICE -> "Alternative Service";
      case OVERLOADED -> "Overloaded";
      default -> "Unknown";
    };
  }
}
