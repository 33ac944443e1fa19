package org.openvoip.p2pp.wire;

/**
 * The Request Type field: the eighteen P2PP methods. Numbers 0-16 are the draft's registry
 * (section 13); Invite has no number in the draft and takes 17.
 */
public enum Method {
  ENROLL(0, "Enroll"),
  AUTHENTICATE(1, "Authenticate"),
  BOOTSTRAP(2, "Bootstrap"),
  JOIN(3, "Join"),
  LEAVE(4, "Leave"),
  KEEP_ALIVE(5, "KeepAlive"),
  LOOKUP_PEER(6, "LookupPeer"),
  EXCHANGE_TABLE(7, "ExchangeTable"),
  QUERY(8, "Query"),
  PUBLISH(9, "Publish"),
  LOOKUP_OBJECT(10, "LookupObject"),
  REMOVE_OBJECT(11, "RemoveObject"),
  REPLICATE(12, "Replicate"),
  TRANSFER(13, "Transfer"),
  TUNNEL(14, "Tunnel"),
  CONNECT(15, "Connect"),
  GET_DIAGNOSTICS(16, "GetDiagnostics"),
  INVITE(17, "Invite");

  /** Length of Source-ID and Response-ID for Enroll, Authenticate and Bootstrap. */
  public static final int PRE_JOIN_ID_LENGTH = 4;

  private static final Method[] BY_CODE = new Method[256];

  static {
    for (Method m : values()) {
      BY_CODE[m.code] = m;
    }
  }

  private final int code;
  private final String wireName;

  Method(int code, String wireName) {
    this.code = code;
    this.wireName = wireName;
  }

  public int code() {
    return code;
  }

  /** The message name as the draft writes it: Join, LookupPeer, ... */
  public String wireName() {
    return wireName;
  }

  /** The method with this Request Type, or null if unassigned. */
  public static Method fromCode(int code) {
    return code >= 0 && code < 256 ? BY_CODE[code] : null;
  }

  /** Accepts the wire name (LookupPeer) or enum name (LOOKUP_PEER), case-insensitively. */
  public static Method parse(String s) {
    for (Method m : values()) {
      if (m.wireName.equalsIgnoreCase(s) || m.name().equalsIgnoreCase(s)
          || (m == PUBLISH && s.equalsIgnoreCase("PublishObject"))) {
        return m;
      }
    }
    throw new IllegalArgumentException("unknown message type '" + s + "'");
  }

  /**
   * True for the methods a node sends before it knows the overlay's ID length (Enroll,
   * Authenticate, Bootstrap): their Source-ID and Response-ID are always 4 bytes.
   */
  public boolean usesPreJoinIds() {
    return this == ENROLL || this == AUTHENTICATE || this == BOOTSTRAP;
  }

  /** The Source-ID/Response-ID length of this method in an overlay whose IDs have {@code overlayIdLength} bytes. */
  public int idLength(int overlayIdLength) {
    return usesPreJoinIds() ? PRE_JOIN_ID_LENGTH : overlayIdLength;
  }
}
