package org.openvoip.p2pp.wire;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A typed P2PP TLV object. Every object of the draft's registry and each OpenVoIP extension is a
 * record here; constructors check the ranges the wire format can carry, so anything that can be
 * built can be encoded. Field layouts are in docs/protocol.md.
 */
public sealed interface WireObject {

  ObjectType type();

  // ---------------------------------------------------------------------------------- Peer-Info

  /**
   * Peer-Info: a node, as nested objects. Each part appears at most once; the draft requires a
   * Peer-ID or an Address-Info. Null parts are absent.
   *
   * <p>Not a record, though it behaves as one (equal when all parts are equal): a Peer-Info keeps
   * its canonical encoding, since peers send the same few Peer-Infos over and over (their own in
   * every message, their neighbours in every table). Encoding one is then a copy, and two are
   * equal exactly when their encodings are. A Peer-Info decoded in the common form (a Peer-ID
   * and one candidate) is that encoding alone until its parts are asked for.
   */
  final class PeerInfo implements WireObject {
    /** Where the Peer-ID's value starts in the encoding of the common form. */
    static final int COMMON_ID_OFFSET = 2 * Tlv.HEADER_LENGTH;

    // Peer-ID and Address-Info are read from the encoding on first use when `lazy`; the other
    // parts are never present then. Parts are immutable, so a racy first read is harmless.
    private PeerId peerId;
    private AddressInfo addressInfo;
    private final UnhashedId unhashedId;
    private final Uptime uptime;
    private final Certificate certificate;
    private final Connections connections;
    private final NodeResourceUtilization utilization;
    private final ResourceList resourceList;
    private final Expires expires;
    /** The canonical encoding (object header and value); null if it exceeds a 16-bit length. */
    private final byte[] encoded;
    private final boolean lazy;
    private Bytes id;
    private int hash;
    private Object memo;

    public PeerInfo(
        PeerId peerId,
        AddressInfo addressInfo,
        UnhashedId unhashedId,
        Uptime uptime,
        Certificate certificate,
        Connections connections,
        NodeResourceUtilization utilization,
        ResourceList resourceList,
        Expires expires) {
      if (peerId == null && addressInfo == null) {
        throw new IllegalArgumentException("a Peer-Info needs a Peer-ID or an Address-Info");
      }
      this.peerId = peerId;
      this.addressInfo = addressInfo;
      this.unhashedId = unhashedId;
      this.uptime = uptime;
      this.certificate = certificate;
      this.connections = connections;
      this.utilization = utilization;
      this.resourceList = resourceList;
      this.expires = expires;
      this.lazy = false;
      this.encoded = WireEncoder.canonical(this);
    }

    /** From the canonical encoding of the common form, checked by the decoder; owns it. */
    private PeerInfo(byte[] commonForm) {
      this.unhashedId = null;
      this.uptime = null;
      this.certificate = null;
      this.connections = null;
      this.utilization = null;
      this.resourceList = null;
      this.expires = null;
      this.lazy = true;
      this.encoded = commonForm;
    }

    static PeerInfo ofCommonForm(byte[] encoded) {
      return new PeerInfo(encoded);
    }

    /**
     * Whether this is a common-form Peer-Info whose value (the objects after its 4-byte header)
     * is {@code b[from..to)}.
     */
    boolean isCommonFormOf(byte[] b, int from, int to) {
      byte[] e = encoded;
      return lazy && e.length == to - from + Tlv.HEADER_LENGTH
          && java.util.Arrays.equals(e, Tlv.HEADER_LENGTH, e.length, b, from, to);
    }

    /** A Peer-Info with a Peer-ID and an Address-Info, the common case. */
    public static PeerInfo of(Bytes peerId, AddressInfo addressInfo) {
      return new PeerInfo(
          peerId == null ? null : new PeerId(peerId),
          addressInfo, null, null, null, null, null, null, null);
    }

    public PeerId peerId() {
      PeerId p = peerId;
      if (p == null && lazy) {
        p = new PeerId(id());
        peerId = p;
      }
      return p;
    }

    public AddressInfo addressInfo() {
      AddressInfo a = addressInfo;
      if (a == null && lazy) {
        a = new AddressInfo(List.of(commonCandidate()));
        addressInfo = a;
      }
      return a;
    }

    public UnhashedId unhashedId() {
      return unhashedId;
    }

    public Uptime uptime() {
      return uptime;
    }

    public Certificate certificate() {
      return certificate;
    }

    public Connections connections() {
      return connections;
    }

    public NodeResourceUtilization utilization() {
      return utilization;
    }

    public ResourceList resourceList() {
      return resourceList;
    }

    public Expires expires() {
      return expires;
    }

    /** The peer-ID, or null when only an address is given. */
    public Bytes id() {
      Bytes b = id;
      if (b == null) {
        if (lazy) {
          b = Bytes.copyOf(encoded, COMMON_ID_OFFSET, commonIdLength());
        } else if (peerId != null) {
          b = peerId.id();
        } else {
          return null;
        }
        id = b;
      }
      return b;
    }

    private int commonIdLength() {
      return ((encoded[COMMON_ID_OFFSET - 2] & 0xFF) << 8) | (encoded[COMMON_ID_OFFSET - 1] & 0xFF);
    }

    /** The one candidate of the common form, read from the encoding. */
    private Candidate commonCandidate() {
      byte[] b = encoded;
      int c = COMMON_ID_OFFSET + commonIdLength() + Tlv.HEADER_LENGTH + 1;
      int alen = (b[c] & 0x0F) == 4 ? 4 : 16;
      long priority = ((long) (b[c + 3] & 0xFF) << 24) | ((b[c + 4] & 0xFF) << 16)
          | ((b[c + 5] & 0xFF) << 8) | (b[c + 6] & 0xFF);
      int t = b[c + 7] & 0xFF;
      int port = ((b[c + 8] & 0xFF) << 8) | (b[c + 9] & 0xFF);
      return new Candidate(b[c + 1] & 0xFF, b[c + 2] & 0xFF, priority, t >>> 4, t & 0x0F,
          new IpAddress(Bytes.copyOf(b, c + 10, alen)), port, null, 0);
    }

    /**
     * Whether this is the common form, a Peer-ID and an Address-Info of exactly one candidate
     * (without a related address) and nothing else, as nodes describe themselves.
     */
    public boolean isCommonForm() {
      if (lazy) {
        return true;
      }
      return peerId != null && addressInfo != null && addressInfo.candidates().size() == 1
          && addressInfo.candidates().get(0).relatedAddress() == null && unhashedId == null
          && uptime == null && certificate == null && connections == null && utilization == null
          && resourceList == null && expires == null;
    }

    /**
     * The canonical encoding, object header included; the caller must not modify it. Null if
     * the value would exceed the 16-bit Length field.
     */
    byte[] encoded() {
      return encoded;
    }

    /**
     * A value derived from this Peer-Info once and kept with it (the routing layer keeps the
     * peer it describes). Single-writer use; a lost race only computes it twice.
     */
    public Object memo() {
      return memo;
    }

    public void memo(Object value) {
      memo = value;
    }

    @Override
    public ObjectType type() {
      return ObjectType.PEER_INFO;
    }

    @Override
    public boolean equals(Object o) {
      if (this == o) {
        return true;
      }
      if (!(o instanceof PeerInfo p)) {
        return false;
      }
      if (encoded != null || p.encoded != null) {
        return encoded != null && p.encoded != null && Arrays.equals(encoded, p.encoded);
      }
      return Objects.equals(peerId(), p.peerId()) && Objects.equals(addressInfo(), p.addressInfo())
          && Objects.equals(unhashedId, p.unhashedId) && Objects.equals(uptime, p.uptime)
          && Objects.equals(certificate, p.certificate)
          && Objects.equals(connections, p.connections)
          && Objects.equals(utilization, p.utilization)
          && Objects.equals(resourceList, p.resourceList) && Objects.equals(expires, p.expires);
    }

    @Override
    public int hashCode() {
      int h = hash;
      if (h == 0) {
        h = encoded != null ? Arrays.hashCode(encoded)
            : Objects.hash(peerId, addressInfo, unhashedId, uptime, certificate, connections,
                utilization, resourceList, expires);
        hash = h;
      }
      return h;
    }

    @Override
    public String toString() {
      return "PeerInfo[peerId=" + peerId() + ", addressInfo=" + addressInfo() + ", unhashedId="
          + unhashedId + ", uptime=" + uptime + ", certificate=" + certificate + ", connections="
          + connections + ", utilization=" + utilization + ", resourceList=" + resourceList
          + ", expires=" + expires + "]";
    }
  }

  /** Peer-ID: the node's identifier (the overlay's ID length, not checked here). */
  record PeerId(Bytes id) implements WireObject {
    public PeerId {
      requireLength(id, 1, Tlv.MAX_VALUE_LENGTH, "Peer-ID");
    }

    @Override
    public ObjectType type() {
      return ObjectType.PEER_ID;
    }
  }

  /** Address-Info: any number (0-255) of ICE candidates. */
  record AddressInfo(List<Candidate> candidates) implements WireObject {
    public static final int MAX_CANDIDATES = 255;

    public AddressInfo {
      candidates = List.copyOf(candidates);
      if (candidates.size() > MAX_CANDIDATES) {
        throw new IllegalArgumentException(
            "Address-Info holds at most 255 candidates, not " + candidates.size());
      }
    }

    public static AddressInfo of(Candidate... candidates) {
      return new AddressInfo(List.of(candidates));
    }

    @Override
    public ObjectType type() {
      return ObjectType.ADDRESS_INFO;
    }
  }

  /**
   * One ICE candidate of an Address-Info.
   *
   * @param transport TT, 4 bits: {@link #UDP} or {@link #TCP}
   * @param hostType HT, 4 bits: {@link #HOST}, {@link #SERVER_REFLEXIVE}, {@link #PEER_REFLEXIVE},
   *     {@link #RELAYED}
   * @param relatedAddress rel-addr, or null when the R flag is clear; same IP version as address
   */
  record Candidate(
      int foundation,
      int componentId,
      long priority,
      int transport,
      int hostType,
      IpAddress address,
      int port,
      IpAddress relatedAddress,
      int relatedPort) {
    public static final int UDP = 0;
    public static final int TCP = 1;
    public static final int HOST = 0;
    public static final int SERVER_REFLEXIVE = 1;
    public static final int PEER_REFLEXIVE = 2;
    public static final int RELAYED = 3;
    /** The draft's component-ID for P2PP (section 13 lists SIP and P2PP both as 2). */
    public static final int COMPONENT_P2PP = 2;

    public Candidate {
      requireRange(foundation, 0, 0xFF, "foundation");
      requireRange(componentId, 0, 0xFF, "component-ID");
      requireRange(priority, 0, 0xFFFF_FFFFL, "priority");
      requireRange(transport, 0, 15, "transport type");
      requireRange(hostType, 0, 15, "host type");
      requireRange(port, 0, 0xFFFF, "port");
      if (address == null) {
        throw new IllegalArgumentException("a candidate needs an address");
      }
      if (relatedAddress == null) {
        if (relatedPort != 0) {
          throw new IllegalArgumentException("rel-port without rel-addr");
        }
      } else {
        requireRange(relatedPort, 0, 0xFFFF, "rel-port");
        if (relatedAddress.version() != address.version()) {
          throw new IllegalArgumentException("rel-addr must have the IP version of the address");
        }
      }
    }

    /** A host candidate for P2PP over UDP with the ICE-recommended host priority. */
    public static Candidate host(IpAddress address, int port) {
      return new Candidate(1, COMPONENT_P2PP, (126L << 24) | (65535L << 8) | 254, UDP, HOST,
          address, port, null, 0);
    }

    public int ipVersion() {
      return address.version();
    }

    public static String transportName(int tt) {
      return switch (tt) {
        case UDP -> "UDP";
        case TCP -> "TCP";
        default -> Integer.toString(tt);
      };
    }

    public static String hostTypeName(int ht) {
      return switch (ht) {
        case HOST -> "host";
        case SERVER_REFLEXIVE -> "srflx";
        case PEER_REFLEXIVE -> "prflx";
        case RELAYED -> "relay";
        default -> Integer.toString(ht);
      };
    }
  }

  /** Unhashed-ID: the pre-image of an ID (user name, AOR ...), opaque octets. */
  record UnhashedId(Bytes value) implements WireObject {
    public UnhashedId {
      requireLength(value, 0, Tlv.MAX_VALUE_LENGTH, "Unhashed-ID");
    }

    @Override
    public ObjectType type() {
      return ObjectType.UNHASHED_ID;
    }
  }

  /** Uptime in seconds (32 bits). */
  record Uptime(long seconds) implements WireObject {
    public Uptime {
      requireRange(seconds, 0, 0xFFFF_FFFFL, "Uptime");
    }

    @Override
    public ObjectType type() {
      return ObjectType.UPTIME;
    }
  }

  /** Resource-List (extension 64): the services (Cont-Types) a node offers, up to 255. */
  record ResourceList(List<Integer> types) implements WireObject {
    public ResourceList {
      types = List.copyOf(types);
      if (types.size() > 255) {
        throw new IllegalArgumentException("Resource-List holds at most 255 types");
      }
      for (int t : types) {
        requireRange(t, 0, 0xFF, "resource type");
      }
    }

    @Override
    public ObjectType type() {
      return ObjectType.RESOURCE_LIST;
    }
  }

  // ------------------------------------------------------------------------- options and lookups

  /** P2P-Options: the overlay's essentials. */
  record P2pOptions(
      int hashAlgorithm, int hashLength, int p2pAlgorithm, int base, Bytes overlayId)
      implements WireObject {
    public static final int HASH_NONE = 0;
    public static final int HASH_SHA1 = 1;
    public static final int HASH_SHA256 = 2;
    public static final int HASH_SHA512 = 3;
    public static final int HASH_MD4 = 4;
    public static final int HASH_MD5 = 5;
    public static final int P2P_CHORD = 0;
    public static final int P2P_CAN = 1;
    public static final int P2P_KADEMLIA = 2;
    public static final int P2P_PASTRY = 3;
    public static final int P2P_BAMBOO = 4;

    public P2pOptions {
      requireRange(hashAlgorithm, 0, 0xFF, "hash algorithm");
      requireRange(hashLength, 0, 0xFF, "hash length");
      requireRange(p2pAlgorithm, 0, 0xFF, "P2P algorithm");
      requireRange(base, 0, 0xFF, "base");
      requireLength(overlayId, 0, 0xFF, "Overlay-ID");
    }

    public static String hashName(int h) {
      return switch (h) {
        case HASH_NONE -> "none";
        case HASH_SHA1 -> "SHA1";
        case HASH_SHA256 -> "SHA-256";
        case HASH_SHA512 -> "SHA-512";
        case HASH_MD4 -> "MD4";
        case HASH_MD5 -> "MD5";
        default -> Integer.toString(h);
      };
    }

    public static String p2pAlgorithmName(int a) {
      String[] names = {"Chord", "CAN", "Kademlia", "Pastry", "Bamboo", "Tapestry", "Accordion",
        "SkipNet", "Mercury", "Gia"};
      return a >= 0 && a < names.length ? names[a] : Integer.toString(a);
    }

    @Override
    public ObjectType type() {
      return ObjectType.P2P_OPTIONS;
    }
  }

  /** Request-Options: seven flags in a 32-bit word (P R N E A S L, most significant first). */
  record RequestOptions(
      boolean primary,
      boolean routingTable,
      boolean neighborTable,
      boolean separateRequest,
      boolean partialReply,
      boolean neighborJoin,
      boolean routeLog)
      implements WireObject {
    @Override
    public ObjectType type() {
      return ObjectType.REQUEST_OPTIONS;
    }
  }

  /**
   * Diagnostic-Options (the draft names type 7 but leaves it empty; OpenVoIP's layout): which
   * diagnostics a GetDiagnostics request asks for, as flags in a 32-bit word, most significant
   * first: C Connections, U Node-Resource-Utilization, M Messages-Received (with Time-Window),
   * S AS-Number.
   */
  record DiagnosticOptions(
      boolean connections, boolean utilization, boolean messagesReceived, boolean asNumber)
      implements WireObject {
    @Override
    public ObjectType type() {
      return ObjectType.DIAGNOSTIC_OPTIONS;
    }
  }

  /**
   * A list of up to 255 Peer-Infos: Routing-Table or Neighbor-Table. A value (equal when the kind
   * and the entries are); not a record so that it keeps its encoding once made: a peer answers
   * with the same table until it changes.
   */
  abstract sealed class PeerTable implements WireObject permits RoutingTable, NeighborTable {
    private final List<PeerInfo> entries;
    private byte[] encoded;
    private Object memo;

    PeerTable(List<PeerInfo> entries) {
      this.entries = List.copyOf(entries);
      requireRange(this.entries.size(), 0, 255, type().wireName() + " entries");
    }

    public List<PeerInfo> entries() {
      return entries;
    }

    /**
     * A value derived from these entries once and kept with the table, as
     * {@link PeerInfo#memo()}: a table decoded once and received by many nodes is converted once.
     * Single-writer use; a lost race only computes it twice.
     */
    public Object memo() {
      return memo;
    }

    public void memo(Object value) {
      memo = value;
    }

    /** The whole object, header included, once sized (the encoder has checked its length). */
    byte[] encoding() {
      byte[] e = encoded;
      if (e == null) {
        e = WireEncoder.encodeTable(this, entries);
        encoded = e;
      }
      return e;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof PeerTable t && t.getClass() == getClass() && entries.equals(t.entries);
    }

    @Override
    public int hashCode() {
      return entries.hashCode();
    }

    @Override
    public String toString() {
      return getClass().getSimpleName() + "[entries=" + entries + "]";
    }
  }

  /** Routing-Table: up to 255 Peer-Infos. */
  final class RoutingTable extends PeerTable {
    public RoutingTable(List<PeerInfo> entries) {
      super(entries);
    }

    @Override
    public ObjectType type() {
      return ObjectType.ROUTING_TABLE;
    }
  }

  /** Neighbor-Table: up to 255 Peer-Infos. */
  final class NeighborTable extends PeerTable {
    public NeighborTable(List<PeerInfo> entries) {
      super(entries);
    }

    @Override
    public ObjectType type() {
      return ObjectType.NEIGHBOR_TABLE;
    }
  }

  /**
   * PLookup: find {@code count} peers closest to {@code peerIdA}, or exactly it ({@code exact}),
   * or in the range A..B ({@code range}, then {@code peerIdB} is present and as long as A).
   */
  record PLookup(int count, boolean exact, boolean range, Bytes peerIdA, Bytes peerIdB)
      implements WireObject {
    public PLookup {
      requireRange(count, 0, 63, "PLookup Num");
      if (exact && range) {
        throw new IllegalArgumentException("PLookup: R may only be set when E is not");
      }
      if (range) {
        if (peerIdB == null || peerIdB.length() != peerIdA.length()) {
          throw new IllegalArgumentException("a range PLookup needs Peer-IDb as long as Peer-IDa");
        }
        requireLength(peerIdA, 1, (Tlv.MAX_VALUE_LENGTH - 1) / 2, "Peer-IDa");
      } else {
        if (peerIdB != null) {
          throw new IllegalArgumentException("Peer-IDb is only sent for range lookups");
        }
        requireLength(peerIdA, 1, Tlv.MAX_VALUE_LENGTH - 1, "Peer-IDa");
      }
    }

    @Override
    public ObjectType type() {
      return ObjectType.PLOOKUP;
    }
  }

  /** Resource-ID. */
  record ResourceId(Bytes id) implements WireObject {
    public ResourceId {
      requireLength(id, 1, Tlv.MAX_VALUE_LENGTH, "Resource-ID");
    }

    @Override
    public ObjectType type() {
      return ObjectType.RESOURCE_ID;
    }
  }

  /** RLookup: which resource object to find, optionally only one owner's. */
  record RLookup(int contentType, int subType, ResourceId resourceId, Owner owner)
      implements WireObject {
    public RLookup {
      requireRange(contentType, 0, 0xFF, "Cont-Type");
      requireRange(subType, 0, 0xFF, "Sub-Type");
      if (resourceId == null) {
        throw new IllegalArgumentException("an RLookup needs a Resource-ID");
      }
    }

    @Override
    public ObjectType type() {
      return ObjectType.RLOOKUP;
    }
  }

  /**
   * Resource-Object: Cont-Type, Sub-Type, Resource-ID, value, then optional additional
   * information (Peer-Info of the publisher, Owner, Expires, Signature, Certificate).
   */
  record ResourceObject(
      int contentType,
      int subType,
      ResourceId resourceId,
      Bytes value,
      PeerInfo peerInfo,
      Owner owner,
      Expires expires,
      Signature signature,
      Certificate certificate,
      DataEntry entry)
      implements WireObject {
    public static final int CONTENT_USER_INFO = 0;
    public static final int CONTENT_STUN = 1;
    public static final int CONTENT_TURN = 2;
    public static final int CONTENT_STUN_TURN_ICE = 3;

    public ResourceObject {
      requireRange(contentType, 0, 0xFF, "Cont-Type");
      requireRange(subType, 0, 0xFF, "Sub-Type");
      if (resourceId == null) {
        throw new IllegalArgumentException("a Resource-Object needs a Resource-ID");
      }
      requireLength(value, 0, Tlv.MAX_VALUE_LENGTH, "Resource-Object value");
    }

    /** A resource object without a Data-Entry: a single value of the draft's plain kind. */
    public ResourceObject(int contentType, int subType, ResourceId resourceId, Bytes value,
        PeerInfo peerInfo, Owner owner, Expires expires, Signature signature,
        Certificate certificate) {
      this(contentType, subType, resourceId, value, peerInfo, owner, expires, signature,
          certificate, null);
    }

    /** A resource object with just its identity and value. */
    public static ResourceObject of(int contentType, int subType, Bytes resourceId, Bytes value) {
      return new ResourceObject(contentType, subType, new ResourceId(resourceId), value,
          null, null, null, null, null);
    }

    public static String contentTypeName(int c) {
      return switch (c) {
        case CONTENT_USER_INFO -> "User-Info";
        case CONTENT_STUN -> "STUN";
        case CONTENT_TURN -> "TURN";
        case CONTENT_STUN_TURN_ICE -> "STUN+TURN+ICE";
        default -> Integer.toString(c);
      };
    }

    @Override
    public ObjectType type() {
      return ObjectType.RESOURCE_OBJECT;
    }
  }

  /**
   * Data-Entry (extension 66): a stored value's place in its resource's data model (RELOAD's
   * StoredData): the model, whether the value exists (false: the owner deleted it, and the
   * tombstone keeps an older copy from coming back), the storage time that orders the owner's
   * updates (a generation: the larger wins), and the array index or dictionary key.
   */
  record DataEntry(int model, boolean exists, long storageTime, long index, Bytes key)
      implements WireObject {
    public static final int SINGLE = 0;
    public static final int ARRAY = 1;
    public static final int DICTIONARY = 2;

    public DataEntry {
      requireRange(model, SINGLE, DICTIONARY, "data model");
      if (storageTime < 0) {
        throw new IllegalArgumentException("storage time must be 0..2^63-1, not " + storageTime);
      }
      requireRange(index, 0, model == ARRAY ? 0xFFFF_FFFFL : 0, "array index");
      if (key == null) {
        key = Bytes.EMPTY;
      }
      requireLength(key, 0, model == DICTIONARY ? 0xFFFF : 0, "dictionary key");
    }

    public static DataEntry single(long storageTime, boolean exists) {
      return new DataEntry(SINGLE, exists, storageTime, 0, Bytes.EMPTY);
    }

    public static DataEntry array(long storageTime, boolean exists, long index) {
      return new DataEntry(ARRAY, exists, storageTime, index, Bytes.EMPTY);
    }

    public static DataEntry dictionary(long storageTime, boolean exists, Bytes key) {
      return new DataEntry(DICTIONARY, exists, storageTime, 0, key);
    }

    public static String modelName(int model) {
      return switch (model) {
        case SINGLE -> "single";
        case ARRAY -> "array";
        case DICTIONARY -> "dictionary";
        default -> Integer.toString(model);
      };
    }

    @Override
    public ObjectType type() {
      return ObjectType.DATA_ENTRY;
    }
  }

  /** Expires: seconds (32 bits). */
  record Expires(long seconds) implements WireObject {
    public Expires {
      requireRange(seconds, 0, 0xFFFF_FFFFL, "Expires");
    }

    @Override
    public ObjectType type() {
      return ObjectType.EXPIRES;
    }
  }

  /** Owner: the owner's identity (its user-ID as in its certificate), opaque octets. */
  record Owner(Bytes value) implements WireObject {
    public Owner {
      requireLength(value, 0, Tlv.MAX_VALUE_LENGTH, "Owner");
    }

    @Override
    public ObjectType type() {
      return ObjectType.OWNER;
    }
  }

  // ------------------------------------------------------------------------------------ security

  /** Certificate-Signing-Request: a DER PKCS#10 request. */
  record CertificateSigningRequest(Bytes der) implements WireObject {
    public CertificateSigningRequest {
      requireLength(der, 0, Tlv.MAX_VALUE_LENGTH, "Certificate-Signing-Request");
    }

    @Override
    public ObjectType type() {
      return ObjectType.CERTIFICATE_SIGNING_REQUEST;
    }
  }

  /** Certificate: a Sub-Type octet (0 self-signed, 1 server-signed) then a DER X.509 certificate. */
  record Certificate(int subType, Bytes der) implements WireObject {
    public static final int SELF_SIGNED = 0;
    public static final int SERVER_SIGNED = 1;

    public Certificate {
      requireRange(subType, 0, 0xFF, "Certificate Sub-Type");
      requireLength(der, 0, Tlv.MAX_VALUE_LENGTH - 1, "Certificate");
    }

    @Override
    public ObjectType type() {
      return ObjectType.CERTIFICATE;
    }
  }

  /** Signature: a 16-bit TLS SignatureScheme (0x0403 ECDSA P-256/SHA-256, 0x0807 Ed25519), then the signature. */
  record Signature(int scheme, Bytes value) implements WireObject {
    public static final int ECDSA_SECP256R1_SHA256 = 0x0403;
    public static final int ED25519 = 0x0807;

    public Signature {
      requireRange(scheme, 0, 0xFFFF, "signature scheme");
      requireLength(value, 0, Tlv.MAX_VALUE_LENGTH - 2, "Signature");
    }

    @Override
    public ObjectType type() {
      return ObjectType.SIGNATURE;
    }
  }

  /**
   * Overlay-Document (extension 67): the overlay configuration signed by the overlay's CA, as
   * security.OverlayDocument writes it (a JSON envelope); opaque to the codec.
   */
  record OverlayDocumentObject(Bytes value) implements WireObject {
    public OverlayDocumentObject {
      requireLength(value, 0, Tlv.MAX_VALUE_LENGTH, "Overlay-Document");
    }

    @Override
    public ObjectType type() {
      return ObjectType.OVERLAY_DOCUMENT;
    }

    @Override
    public String toString() {
      return "OverlayDocument[" + value.length() + " bytes]";
    }
  }

  /**
   * ICE-Parameters (extension 68): in a Connect request, the node it is for and the requester's
   * ICE credentials; in the answer, the answering node and its credentials. Ufrag (4-255) and
   * password (22-255) are ICE characters (A-Z a-z 0-9 + /).
   */
  record IceParameters(Bytes targetId, String ufrag, String password) implements WireObject {
    public IceParameters {
      requireLength(targetId, 1, 255, "ICE-Parameters target ID");
      if (!iceChars(ufrag, 4) || !iceChars(password, 22)) {
        throw new IllegalArgumentException("an ICE ufrag has 4-255 and a password 22-255 ICE"
            + " characters (A-Z a-z 0-9 + /)");
      }
    }

    /** Whether {@code s} has {@code min} to 255 ICE characters. */
    public static boolean iceChars(String s, int min) {
      if (s == null || s.length() < min || s.length() > 255) {
        return false;
      }
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+'
            || c == '/')) {
          return false;
        }
      }
      return true;
    }

    @Override
    public ObjectType type() {
      return ObjectType.ICE_PARAMETERS;
    }

    @Override
    public String toString() {
      return "IceParameters[target=" + targetId.hex() + ", ufrag=" + ufrag + ", password="
          + password.length() + " chars]";
    }
  }

  /** Password (extension 65): the credential of Enroll and Authenticate, opaque octets. */
  record Password(Bytes value) implements WireObject {
    public Password {
      requireLength(value, 0, Tlv.MAX_VALUE_LENGTH, "Password");
    }

    @Override
    public ObjectType type() {
      return ObjectType.PASSWORD;
    }

    @Override
    public String toString() {
      return "Password[" + value.length() + " bytes]";
    }
  }

  // --------------------------------------------------------------------------------- diagnostics

  /** Time-Window: seconds since statistics gathering began (32 bits). */
  record TimeWindow(long seconds) implements WireObject {
    public TimeWindow {
      requireRange(seconds, 0, 0xFFFF_FFFFL, "Time-Window");
    }

    @Override
    public ObjectType type() {
      return ObjectType.TIME_WINDOW;
    }
  }

  /** Connections: neighbor peers, routing peers, clients (16 bits each). */
  record Connections(int neighbors, int routingPeers, int clients) implements WireObject {
    public Connections {
      requireRange(neighbors, 0, 0xFFFF, "neighbor peers");
      requireRange(routingPeers, 0, 0xFFFF, "routing peers");
      requireRange(clients, 0, 0xFFFF, "clients");
    }

    @Override
    public ObjectType type() {
      return ObjectType.CONNECTIONS;
    }
  }

  /** Node-Resource-Utilization: bandwidth in kbit/s (32 bits), CPU and bandwidth use in percent. */
  record NodeResourceUtilization(long bandwidthKbps, int cpuPercent, int bandwidthPercent)
      implements WireObject {
    public NodeResourceUtilization {
      requireRange(bandwidthKbps, 0, 0xFFFF_FFFFL, "peer bandwidth");
      requireRange(cpuPercent, 0, 0xFF, "CPU utilization");
      requireRange(bandwidthPercent, 0, 0xFF, "bandwidth utilization");
    }

    @Override
    public ObjectType type() {
      return ObjectType.NODE_RESOURCE_UTILIZATION;
    }
  }

  /** Messages-Received: per message type (254 responses, 255 ACKs), a 24-bit count. */
  record MessagesReceived(List<Count> counts) implements WireObject {
    public static final int TYPE_RESPONSES = 254;
    public static final int TYPE_ACKS = 255;

    public MessagesReceived {
      counts = List.copyOf(counts);
      requireRange(counts.size(), 0, Tlv.MAX_VALUE_LENGTH / 4, "Messages-Received entries");
    }

    /** One entry: a message type and how many were received. */
    public record Count(int messageType, int count) {
      public Count {
        requireRange(messageType, 0, 0xFF, "message type");
        requireRange(count, 0, 0xFF_FFFF, "message count");
      }
    }

    @Override
    public ObjectType type() {
      return ObjectType.MESSAGES_RECEIVED;
    }
  }

  /** AS-Number: the node's autonomous system (32 bits). */
  record AsNumber(long asn) implements WireObject {
    public AsNumber {
      requireRange(asn, 0, 0xFFFF_FFFFL, "AS number");
    }

    @Override
    public ObjectType type() {
      return ObjectType.AS_NUMBER;
    }
  }

  /**
   * Error (the draft says TBD; OpenVoIP's layout): the response code it explains (16 bits), a
   * sub-code (8 bits, {@link WireError#subCode()}), the object type concerned (8 bits, 255 if
   * none), and a UTF-8 reason phrase.
   */
  record ErrorInfo(int code, int subCode, int objectType, String reason) implements WireObject {
    public static final int NO_OBJECT = 255;

    public ErrorInfo {
      requireRange(code, 0, 0xFFFF, "error code");
      requireRange(subCode, 0, 0xFF, "error sub-code");
      requireRange(objectType, 0, 0xFF, "error object type");
      if (reason == null) {
        reason = "";
      }
      int len = reason.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
      requireRange(len, 0, Tlv.MAX_VALUE_LENGTH - 4, "Error reason phrase length");
    }

    @Override
    public ObjectType type() {
      return ObjectType.ERROR;
    }
  }

  // -------------------------------------------------------------------------------------- checks

  private static void requireRange(long v, long min, long max, String what) {
    if (v < min || v > max) {
      throw new IllegalArgumentException(what + " must be in " + min + ".." + max + ", not " + v);
    }
  }

  private static void requireLength(Bytes b, int min, int max, String what) {
    if (b == null) {
      throw new IllegalArgumentException(what + " is missing");
    }
    requireRange(b.length(), min, max, what + " length");
  }
}
