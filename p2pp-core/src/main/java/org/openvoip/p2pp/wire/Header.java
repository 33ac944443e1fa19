package org.openvoip.p2pp.wire;

/**
 * The common header (section 9.1).
 *
 * @param version the protocol version; 1 is the only one defined
 * @param kind T: request, indication, response or responseACK
 * @param ack A: this message acknowledges the message with the same kind, Source-ID and
 *     Transaction-ID
 * @param peer P: sent by a peer (set) or a client (clear)
 * @param recursive R: the request is routed recursively (set) or iteratively (clear)
 * @param responseCode the 9-bit code of responses and responseACKs (an ACK echoes the code of
 *     what it acknowledges); 0 in requests and indications
 * @param method the request or indication type
 * @param ttl hops this request may still traverse
 * @param transactionId chosen by the originator; with the Source-ID it names the transaction
 * @param sourceId the originator's ID (4 bytes for Enroll, Authenticate and Bootstrap)
 * @param responseId the responder's ID; present exactly when {@link #hasResponseId()}
 */
public record Header(
    int version,
    MessageKind kind,
    boolean ack,
    boolean peer,
    boolean recursive,
    int responseCode,
    Method method,
    int ttl,
    int transactionId,
    Bytes sourceId,
    Bytes responseId) {

  public static final int VERSION = 1;
  public static final int MAGIC_COOKIE = 0x596ABF0D;
  /** Bytes before the Source-ID: flags, type, TTL, magic cookie, Transaction-ID, Message Length. */
  public static final int FIXED_LENGTH = 16;
  public static final int DEFAULT_TTL = 255;

  public Header {
    if (version < 0 || version > 3) {
      throw new IllegalArgumentException("version is 2 bits, not " + version);
    }
    if (kind == null || method == null) {
      throw new IllegalArgumentException("kind and method are required");
    }
    if (responseCode < 0 || responseCode > ResponseCode.MAX) {
      throw new IllegalArgumentException("response code is 9 bits, not " + responseCode);
    }
    if (ttl < 0 || ttl > 255) {
      throw new IllegalArgumentException("TTL is 8 bits, not " + ttl);
    }
    if (sourceId == null || sourceId.length() == 0 || sourceId.length() > 255) {
      throw new IllegalArgumentException("Source-ID must have 1..255 bytes");
    }
    boolean wantsResponseId = kind.isResponse() || ack;
    if (wantsResponseId != (responseId != null)) {
      throw new IllegalArgumentException(
          wantsResponseId
              ? MessageSchema.withArticle(describe(kind, ack)) + " carries a Response-ID"
              : MessageSchema.withArticle(describe(kind, ack)) + " carries no Response-ID");
    }
    if (responseId != null && responseId.length() != sourceId.length()) {
      throw new IllegalArgumentException("Response-ID and Source-ID must have the same length");
    }
    if (method.usesPreJoinIds() && sourceId.length() != Method.PRE_JOIN_ID_LENGTH) {
      throw new IllegalArgumentException(
          method.wireName() + " uses 4-byte IDs, not " + sourceId.length());
    }
    if (kind.isResponse() && !ack && responseCode < 200) {
      throw new IllegalArgumentException("a response code is in 200.." + ResponseCode.MAX);
    }
  }

  /** A request header (no Response-ID, response code 0). */
  public static Header request(
      Method method, boolean peer, boolean recursive, int ttl, int transactionId, Bytes sourceId) {
    return new Header(VERSION, MessageKind.REQUEST, false, peer, recursive, 0, method, ttl,
        transactionId, sourceId, null);
  }

  /** An indication header (TTL 1, never recursive). */
  public static Header indication(Method method, boolean peer, int transactionId, Bytes sourceId) {
    return new Header(VERSION, MessageKind.INDICATION, false, peer, false, 0, method, 1,
        transactionId, sourceId, null);
  }

  /**
   * The header of a response (or responseACK, if {@code responseAck}) to {@code request}: same
   * method, Source-ID and Transaction-ID, the responder's ID in Response-ID.
   */
  public static Header responseTo(
      Header request, boolean responseAck, int code, boolean peer, Bytes responderId) {
    return new Header(VERSION, responseAck ? MessageKind.RESPONSE_ACK : MessageKind.RESPONSE,
        false, peer, false, code, request.method(), request.ttl(), request.transactionId(),
        request.sourceId(), responderId);
  }

  /**
   * The header of an ACK for a received message: same kind, method, Source-ID and
   * Transaction-ID; the received Response-ID is copied back, or {@code ownId} is used if the
   * message had none (section 4.3.1).
   */
  public static Header ackFor(Header received, boolean peer, Bytes ownId) {
    return new Header(VERSION, received.kind(), true, peer, false, received.responseCode(),
        received.method(), received.ttl(), received.transactionId(), received.sourceId(),
        received.responseId() != null ? received.responseId() : ownId);
  }

  /** True for responses, responseACKs and ACKs, which carry a Response-ID after the Source-ID. */
  public boolean hasResponseId() {
    return kind.isResponse() || ack;
  }

  /** Bytes of the header on the wire: 16 plus the Source-ID and Response-ID. */
  public int length() {
    return FIXED_LENGTH + sourceId.length() + (responseId == null ? 0 : responseId.length());
  }

  /** "Join request", "LookupPeer responseACK", "ACK of Join request" ... */
  public String describe() {
    String base = method.wireName() + " " + kind.label();
    return ack ? "ACK of " + base : base;
  }

  private static String describe(MessageKind kind, boolean ack) {
    return ack ? "ACK" : kind.label();
  }
}
