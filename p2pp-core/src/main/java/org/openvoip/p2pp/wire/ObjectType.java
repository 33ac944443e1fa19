package org.openvoip.p2pp.wire;

/**
 * The Object-Type registry: the draft's numbers 0-24 (section 13), and OpenVoIP's extensions from
 * 64 up. Each type knows the AB flags it is sent with: registry objects are mandatory (AB=00);
 * extensions an old peer may safely skip are ignorable (AB=01).
 */
public enum ObjectType {
  PEER_INFO(0, "Peer-Info"),
  PEER_ID(1, "Peer-ID"),
  ADDRESS_INFO(2, "Address-Info"),
  UNHASHED_ID(3, "Unhashed-ID"),
  UPTIME(4, "Uptime"),
  P2P_OPTIONS(5, "P2P-Options"),
  REQUEST_OPTIONS(6, "Request-Options"),
  DIAGNOSTIC_OPTIONS(7, "Diagnostic-Options"),
  ROUTING_TABLE(8, "Routing-Table"),
  NEIGHBOR_TABLE(9, "Neighbor-Table"),
  PLOOKUP(10, "PLookup"),
  RESOURCE_ID(11, "Resource-ID"),
  RLOOKUP(12, "RLookup"),
  RESOURCE_OBJECT(13, "Resource-Object"),
  EXPIRES(14, "Expires"),
  OWNER(15, "Owner"),
  CERTIFICATE_SIGNING_REQUEST(16, "Certificate-Signing-Request"),
  CERTIFICATE(17, "Certificate"),
  SIGNATURE(18, "Signature"),
  TIME_WINDOW(19, "Time-Window"),
  CONNECTIONS(20, "Connections"),
  NODE_RESOURCE_UTILIZATION(21, "Node-Resource-Utilization"),
  MESSAGES_RECEIVED(22, "Messages-Received"),
  AS_NUMBER(23, "AS-Number"),
  ERROR(24, "Error"),
  /** Extension: the draft's Resource-List (section 9.3.1) has no type number. Ignorable. */
  RESOURCE_LIST(64, "Resource-List", Tlv.FLAGS_IGNORABLE),
  /** Extension: the draft's Password of Enroll/Authenticate (section 8.1) has no type number. */
  PASSWORD(65, "Password"),
  /**
   * Extension: where a stored value sits in its resource's data model (single value, array,
   * dictionary), its generation and whether it exists; RELOAD's StoredData fields. Mandatory: a
   * peer that does not know data models must not store such a value as a plain one.
   */
  DATA_ENTRY(66, "Data-Entry"),
  /**
   * Extension: the overlay configuration signed by its certificate authority
   * (security.OverlayDocument), in Enroll and Authenticate answers. Opaque here.
   */
  OVERLAY_DOCUMENT(67, "Overlay-Document"),
  /**
   * Extension: Connect's ICE offer and answer: the node the Connect is for, and the sender's ICE
   * credentials (ufrag and password); the candidates are the Peer-Info's Address-Info.
   */
  ICE_PARAMETERS(68, "ICE-Parameters");

  private static final ObjectType[] BY_CODE = new ObjectType[256];

  static {
    for (ObjectType t : values()) {
      BY_CODE[t.code] = t;
    }
  }

  private final int code;
  private final String wireName;
  private final int flags;

  ObjectType(int code, String wireName) {
    this(code, wireName, Tlv.FLAGS_MANDATORY);
  }

  ObjectType(int code, String wireName, int flags) {
    this.code = code;
    this.wireName = wireName;
    this.flags = flags;
  }

  public int code() {
    return code;
  }

  /** The name as the draft writes it: Peer-Info, Address-Info, ... */
  public String wireName() {
    return wireName;
  }

  /** The AB flags this type is sent with (2 bits: A is the high bit). */
  public int flags() {
    return flags;
  }

  /** The type with this number, or null if OpenVoIP does not know it. */
  public static ObjectType fromCode(int code) {
    return code >= 0 && code < 256 ? BY_CODE[code] : null;
  }

  /** Accepts the wire name or the enum name, case-insensitively. */
  public static ObjectType parse(String s) {
    for (ObjectType t : values()) {
      if (t.wireName.equalsIgnoreCase(s) || t.name().equalsIgnoreCase(s)) {
        return t;
      }
    }
    throw new IllegalArgumentException("unknown object type '" + s + "'");
  }

  /** The draft's name for a type number, or "type N" if unknown. */
  public static String nameOf(int code) {
    ObjectType t = fromCode(code);
    return t != null ? t.wireName : "type " + code;
  }
}
