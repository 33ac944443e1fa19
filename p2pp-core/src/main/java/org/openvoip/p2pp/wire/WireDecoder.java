package org.openvoip.p2pp.wire;

import static org.openvoip.p2pp.wire.ObjectType.*;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.openvoip.p2pp.wire.WireObject.*;

/**
 * Bytes to {@link Message}: a pure function of the bytes, the overlay's ID length and a size limit.
 *
 * <p>Untrusted input is safe here: every length field is checked against the bytes actually
 * present before anything is read or allocated, counts never size an allocation beyond what the
 * remaining bytes could hold, nesting is bounded by the object grammar (at most Routing-Table,
 * Peer-Info, leaf), and every defect is a {@link MalformedMessageException} naming what is wrong.
 *
 * <p>The same decoder serves datagrams (one message per datagram: {@link #decode}) and streams
 * ({@link #frameLength} tells how many bytes the next message needs). Instances are immutable and
 * thread-safe.
 */
public final class WireDecoder {
  /** Default ceiling for one message (1 MiB): a stream frame larger than this is refused with 413. */
  public static final int DEFAULT_MAX_MESSAGE_LENGTH = 1 << 20;
  /** The default overlay ID length: SHA-1, 20 bytes. */
  public static final int DEFAULT_ID_LENGTH = 20;

  /** Receives the objects a decoder skipped under the AB=01 rule. */
  @FunctionalInterface
  public interface IgnoredObjectSink {
    /**
     * @param type the object's type number
     * @param offset where its header starts, from the start of the message
     * @param length its value length
     */
    void ignored(int type, int offset, int length);
  }

  private static final long PEER_INFO_PARTS =
      mask(PEER_ID, ADDRESS_INFO, UNHASHED_ID, UPTIME, CERTIFICATE, CONNECTIONS,
          NODE_RESOURCE_UTILIZATION, RESOURCE_LIST, EXPIRES);
  private static final long TABLE_PARTS = mask(PEER_INFO);
  private static final long RLOOKUP_PARTS = mask(OWNER);
  private static final long RESOURCE_ID_ONLY = mask(RESOURCE_ID);
  private static final long RESOURCE_OBJECT_PARTS =
      mask(PEER_INFO, OWNER, EXPIRES, SIGNATURE, CERTIFICATE, DATA_ENTRY);

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private final int idLength;
  private final int maxMessageLength;
  /**
   * Values already decoded, shared by every message this decoder reads: common-form Peer-Infos
   * and header IDs. Null unless built by {@link #withSharing}.
   */
  private final Shared<PeerInfo> peerInfos;
  private final Shared<Bytes> ids;
  /** Whole Routing- and Neighbor-Tables, by the bytes of their values. */
  private final Shared<SharedTable> tables;
  private static final int MAX_SHARED_BITS = 22;
  /**
   * Tables change over a run (every new successor makes a new one), so unlike peers their
   * distinct values keep coming, and a remembered table costs some 500 bytes: their table stops
   * growing at 2^16 slots (room for the current tables of 10,000 to 20,000 nodes, at most about
   * 32 MB), and from then on a new table evicts an old one.
   */
  private static final int MAX_SHARED_TABLE_BITS = 16;

  /** A decoder for an overlay whose IDs have {@code idLength} bytes, with the 1 MiB default limit. */
  public WireDecoder(int idLength) {
    this(idLength, DEFAULT_MAX_MESSAGE_LENGTH);
  }

  /**
   * @param idLength the overlay's ID length in bytes (1..255); Enroll, Authenticate and Bootstrap
   *     always use 4
   * @param maxMessageLength the largest Message Length accepted; more is refused with 413
   */
  public WireDecoder(int idLength, int maxMessageLength) {
    if (idLength < 1 || idLength > 255) {
      throw new IllegalArgumentException("ID length must be 1..255 bytes, not " + idLength);
    }
    if (maxMessageLength < 0) {
      throw new IllegalArgumentException("maxMessageLength must be >= 0");
    }
    this.idLength = idLength;
    this.maxMessageLength = maxMessageLength;
    this.peerInfos = null;
    this.ids = null;
    this.tables = null;
  }

  private WireDecoder(WireDecoder like, int bits) {
    this.idLength = like.idLength;
    this.maxMessageLength = like.maxMessageLength;
    this.peerInfos = new Shared<>(bits, MAX_SHARED_BITS, p -> {
      byte[] e = p.encoded();
      return peerInfoHash(e, Tlv.HEADER_LENGTH, e.length);
    });
    this.ids = new Shared<>(bits, MAX_SHARED_BITS, b -> b.prefixLong() ^ b.length());
    this.tables = new Shared<>(Math.min(bits, MAX_SHARED_TABLE_BITS), MAX_SHARED_TABLE_BITS,
        t -> tableHash(t.value, 0, t.value.length));
  }

  /**
   * A decoder like this one that decodes equal header IDs, equal common-form Peer-Infos (a
   * Peer-ID and one Address-Info, what tables mostly carry) and equal Routing- and
   * Neighbor-Tables to the same object while it remembers them. Each kind starts with room for
   * {@code entries} (rounded up to a power of two) and grows with the number of distinct values
   * it meets, up to about four million IDs or Peer-Infos and 65,536 tables; a third value that
   * hashes like two others evicts one of them. Nodes receive the same IDs, Peer-Infos and tables
   * over and over: sharing them saves a copy and objects each, an ID's hash is computed once,
   * and what a node derives from a Peer-Info or a table ({@link PeerInfo#memo()},
   * {@link PeerTable#memo()}) is derived once. The values are equal to what a plain decoder
   * returns, so nothing depends on whether one was shared. A decode with an
   * {@link IgnoredObjectSink} never shares a table, so its ignored objects are reported each time.
   *
   * <p>Not thread-safe: for the nodes of one thread (the simulator runs every node on one).
   */
  public WireDecoder withSharing(int entries) {
    if (entries < 1 || entries > 1 << MAX_SHARED_BITS) {
      throw new IllegalArgumentException(
          "entries must be 1.." + (1 << MAX_SHARED_BITS) + ", not " + entries);
    }
    int bits = Math.max(1, 32 - Integer.numberOfLeadingZeros(entries - 1));
    return new WireDecoder(this, bits);
  }

  /**
   * A lossy table of shared values indexed by a 64-bit hash of their bytes: two-way, each hash
   * picks a pair of slots (side by side, one cache line), so two values that hash alike do not
   * evict each other. It doubles while more than an eighth of its slots are taken, up to
   * its limit of bits.
   */
  private static final class Shared<T> {
    private final java.util.function.ToLongFunction<T> hashOf;
    private Object[] slots;
    private int shift;
    private int taken;
    private final int maxBits;

    Shared(int bits, int maxBits, java.util.function.ToLongFunction<T> hashOf) {
      this.hashOf = hashOf;
      this.maxBits = maxBits;
      this.slots = new Object[1 << bits];
      this.shift = 64 - bits;
    }

    /** The first slot of the pair for this hash; the other is {@code slot ^ 1}. */
    int slot(long hash) {
      return (int) ((hash * 0x9E3779B97F4A7C15L) >>> shift);
    }

    @SuppressWarnings("unchecked")
    T get(int slot) {
      return (T) slots[slot];
    }

    /**
     * Adds a value that is in neither slot of its pair: into a free one, else in front,
     * moving the front one behind and dropping the one behind.
     */
    void put(int slot, T value) {
      if (place(slots, slot, value) && ++taken > slots.length >>> 3
          && shift > 64 - maxBits) {
        grow();
      }
    }

    /** Whether the value took a free slot. */
    private static boolean place(Object[] table, int slot, Object value) {
      if (table[slot] == null) {
        table[slot] = value;
        return true;
      }
      if (table[slot ^ 1] == null) {
        table[slot ^ 1] = value;
        return true;
      }
      table[slot ^ 1] = table[slot];
      table[slot] = value;
      return false;
    }

    @SuppressWarnings("unchecked")
    private void grow() {
      Object[] old = slots;
      slots = new Object[old.length * 2];
      shift--;
      taken = 0;
      for (Object o : old) {
        if (o != null && place(slots, slot(hashOf.applyAsLong((T) o)), o)) {
          taken++;
        }
      }
    }
  }

  /**
   * The hash of the common-form Peer-Info whose value is {@code b[from..to)} (24 bytes or
   * more).
   */
  private static long peerInfoHash(byte[] b, int from, int to) {
    // The ID's first word and the address's last: they tell peers and their addresses apart.
    return ((long) LONGS.get(b, from + Tlv.HEADER_LENGTH))
        ^ Long.rotateLeft((long) LONGS.get(b, to - 8), 29);
  }

  /**
   * The shared Peer-Info for the common form whose whole object is {@code b[start..end)} and
   * whose value starts at {@code from}; decoded and remembered if not known.
   */
  private PeerInfo sharedPeerInfo(byte[] b, int start, int from, int end) {
    Shared<PeerInfo> table = peerInfos;
    int slot = table.slot(peerInfoHash(b, from, end));
    PeerInfo known = table.get(slot);
    if (known == null || !known.isCommonFormOf(b, from, end)) {
      known = table.get(slot ^ 1);
    }
    if (known != null && known.isCommonFormOf(b, from, end)) {
      return known;
    }
    PeerInfo p = PeerInfo.ofCommonForm(commonFormCopy(b, start, end));
    table.put(slot, p);
    return p;
  }

  /**
   * A table decoded before, with the bytes of its value: a node sends its table from one cached
   * encoding until the table changes, so its neighbours receive the same bytes again and again,
   * and one comparison of them stands for decoding every entry.
   */
  private record SharedTable(byte[] value, PeerTable table) {
    /** Whether this is the table of that type whose value is {@code b[from..to)}. */
    boolean holds(ObjectType type, byte[] b, int from, int to) {
      return table.type() == type && java.util.Arrays.equals(value, 0, value.length, b, from, to);
    }
  }

  /** The hash of a table's value {@code b[from..to)}: its length and three of its words. */
  private static long tableHash(byte[] b, int from, int to) {
    int len = to - from;
    if (len < 8) {
      return len;
    }
    long h = len * 0x9E3779B97F4A7C15L;
    h ^= (long) LONGS.get(b, from);
    h ^= Long.rotateLeft((long) LONGS.get(b, to - 8), 21);
    return h ^ Long.rotateLeft((long) LONGS.get(b, from + ((len - 8) >>> 1)), 42);
  }

  /** The first slot of the pair where a table whose value is {@code b[from..to)} would be. */
  private int tableSlot(byte[] b, int from, int to) {
    return tables.slot(tableHash(b, from, to));
  }

  /**
   * The shared table of this type whose value is {@code b[from..to)}, looked for in the pair at
   * {@code slot} ({@link #tableSlot}), or null if not known.
   */
  private PeerTable knownTable(int slot, ObjectType type, byte[] b, int from, int to) {
    SharedTable t = tables.get(slot);
    if (t == null || !t.holds(type, b, from, to)) {
      t = tables.get(slot ^ 1);
    }
    return t != null && t.holds(type, b, from, to) ? t.table : null;
  }

  /** Remembers, in the pair at {@code slot}, a table just decoded from {@code b[from..to)}. */
  private void rememberTable(int slot, PeerTable decoded, byte[] b, int from, int to) {
    tables.put(slot, new SharedTable(java.util.Arrays.copyOfRange(b, from, to), decoded));
  }

  /** The ID of {@code len} bytes of {@code b} from {@code off}: shared if sharing, else a copy. */
  private Bytes id(byte[] b, int off, int len) {
    Shared<Bytes> table = ids;
    if (table == null) {
      return Bytes.copyOf(b, off, len);
    }
    long prefix = Bytes.prefixLong(b, off, len);
    int slot = table.slot(prefix ^ len);
    Bytes known = table.get(slot);
    if (!isId(known, prefix, b, off, len)) {
      known = table.get(slot ^ 1);
    }
    if (isId(known, prefix, b, off, len)) {
      return known;
    }
    Bytes id = Bytes.copyOf(b, off, len);
    table.put(slot, id);
    return id;
  }

  /**
   * Whether {@code known} is the ID of {@code len} bytes of {@code b} from {@code off}, whose
   * first eight bytes are {@code prefix}: they turn away nearly every other ID before a whole
   * comparison.
   */
  private static boolean isId(Bytes known, long prefix, byte[] b, int off, int len) {
    return known != null && known.prefixLong() == prefix && known.contentEquals(b, off, len);
  }

  /** A copy of a common-form Peer-Info's bytes, with the canonical object header. */
  private static byte[] commonFormCopy(byte[] b, int start, int end) {
    byte[] encoded = java.util.Arrays.copyOfRange(b, start, end);
    encoded[1] = (byte) (ObjectType.PEER_INFO.flags() << 6);
    return encoded;
  }

  /** Shared decoders with the default limit, one per ID length: they are immutable. */
  private static final WireDecoder[] SHARED = new WireDecoder[256];

  /**
   * A decoder for this ID length with the default limit, the same instance every time: the
   * nodes of one overlay share it (and it stays in the processor's cache).
   */
  public static WireDecoder forIdLength(int idLength) {
    WireDecoder d = idLength > 0 && idLength < SHARED.length ? SHARED[idLength] : null;
    if (d == null) {
      d = new WireDecoder(idLength); // checks the length
      SHARED[idLength] = d; // a race only builds an equal decoder twice
    }
    return d;
  }

  public int idLength() {
    return idLength;
  }

  /**
   * Whether decoding {@code bytes}, which {@link WireEncoder} made from {@code sent}, would give
   * a message equal to {@code sent}: yes unless this decoder reads IDs of another length or
   * refuses the size, or the header has what the decoder refuses or clears (another version, a
   * code in a request or indication). The encoder writes only what the decoder accepts, and
   * decoding its output gives the message back: the codec's round-trip test holds it to that.
   * A receiver in the sender's process may then take {@code sent} instead of decoding; the
   * simulator's test {@code DecodeEveryPacketTest} runs overlays both ways and compares the
   * traces byte for byte.
   */
  public boolean wouldDecodeAs(Message sent, byte[] bytes) {
    Header h = sent.header();
    if (h.version() != Header.VERSION
        || h.responseCode() != 0 && !h.kind().isResponse() && !h.ack()) {
      return false;
    }
    int idLen = h.method().idLength(idLength);
    Bytes responder = h.responseId();
    if (h.sourceId().length() != idLen || responder != null && responder.length() != idLen) {
      return false;
    }
    int headerLen = Header.FIXED_LENGTH + (responder != null ? 2 : 1) * idLen;
    return bytes.length - headerLen <= maxMessageLength;
  }

  /**
   * Whether {@code b} is exactly an ACK without objects for a method whose IDs have this
   * decoder's length: a message {@link #decode} accepts, whose kind, Transaction-ID and
   * Source-ID sit at fixed places ({@link #ackKind}, {@link #ackTransactionId},
   * {@link Header#FIXED_LENGTH}). ACKs are about a third of all datagrams; this lets a
   * transaction layer match them without building a message.
   */
  public boolean isBareAck(byte[] b) {
    if (b.length != Header.FIXED_LENGTH + 2 * idLength
        || (b[0] & 0xC8) != ((Header.VERSION << 6) | 0x08)) {
      return false;
    }
    Method m = Method.fromCode(b[2] & 0xFF);
    return m != null && m.idLength(idLength) == idLength
        && (int) u32(b, 4) == Header.MAGIC_COOKIE && u32(b, 12) == 0;
  }

  /** The kind a bare ACK ({@link #isBareAck}) acknowledges. */
  public static MessageKind ackKind(byte[] b) {
    return MessageKind.fromCode((b[0] & 0xFF) >>> 4);
  }

  /** The Transaction-ID of a bare ACK ({@link #isBareAck}). */
  public static int ackTransactionId(byte[] b) {
    return (int) u32(b, 8);
  }

  /** Decodes one whole message: {@code bytes} must hold exactly one message. */
  public Message decode(byte[] bytes) throws MalformedMessageException {
    return decode(bytes, 0, bytes.length, null);
  }

  /**
   * Decodes exactly one message from {@code len} bytes of {@code buf} at {@code off}.
   *
   * @param sink told of every object dropped under the AB=01 rule; may be null
   * @throws MalformedMessageException if the bytes are not exactly one acceptable message
   */
  public Message decode(byte[] buf, int off, int len, IgnoredObjectSink sink)
      throws MalformedMessageException {
    if (off < 0 || len < 0 || off > buf.length - len) {
      throw new IndexOutOfBoundsException("off=" + off + " len=" + len + " size=" + buf.length);
    }
    Reader r = new Reader(buf, off, sink, peerInfos == null ? null : this);
    Header h = readHeader(r, len);
    try {
      int end = off + len;
      MessageSchema.RuleSet rules = MessageSchema.ruleSet(h);
      long allowed = rules.allowed();
      // Most messages carry one or two objects: keep those in locals, so that the immutable
      // list Message holds is the only list a decode allocates for them.
      WireObject first = null;
      WireObject second = null;
      List<WireObject> more = null;
      while (r.pos < end) {
        WireObject o = r.readObject(end, allowed, h);
        if (o == null) {
          continue;
        }
        if (first == null) {
          first = o;
        } else if (second == null) {
          second = o;
        } else {
          if (more == null) {
            more = new ArrayList<>();
            more.add(first);
            more.add(second);
          }
          more.add(o);
        }
      }
      List<WireObject> objects = more != null ? more
          : second != null ? List.of(first, second)
          : first != null ? List.of(first) : List.of();
      Message m = new Message(h, objects);
      MessageSchema.checkCounts(m, rules); // the allowed types were enforced while reading
      return m;
    } catch (MalformedMessageException e) {
      throw e.withHeader(h);
    }
  }

  /**
   * For stream transports: the total length of the message starting at {@code off}, or -1 if
   * fewer than the header's bytes are available yet.
   *
   * @throws MalformedMessageException if the header is not P2PP or announces more than the limit
   */
  public int frameLength(byte[] buf, int off, int available) throws MalformedMessageException {
    if (available < Header.FIXED_LENGTH) {
      return -1;
    }
    checkCookie(buf, off);
    Method method = Method.fromCode(buf[off + 2] & 0xFF);
    if (method == null) {
      throw new MalformedMessageException(WireError.UNKNOWN_METHOD,
          "unknown message type " + (buf[off + 2] & 0xFF));
    }
    long msgLen = u32(buf, off + 12);
    if (msgLen > maxMessageLength) {
      throw tooLarge(msgLen);
    }
    return Header.FIXED_LENGTH + idCount(buf[off]) * method.idLength(idLength) + (int) msgLen;
  }

  /**
   * The ID length a whole datagram implies: the bytes left after the fixed header and the
   * objects, divided among Source-ID and Response-ID. Returns -1 if the bytes cannot be a message.
   * Operators' tools use it; a node knows its overlay's ID length.
   */
  public static int inferIdLength(byte[] datagram) {
    if (datagram.length < Header.FIXED_LENGTH || u32(datagram, 4) != (Header.MAGIC_COOKIE & 0xFFFF_FFFFL)) {
      return -1;
    }
    Method method = Method.fromCode(datagram[2] & 0xFF);
    if (method != null && method.usesPreJoinIds()) {
      return Method.PRE_JOIN_ID_LENGTH;
    }
    int ids = idCount(datagram[0]);
    long rest = datagram.length - Header.FIXED_LENGTH - u32(datagram, 12);
    if (rest <= 0 || rest % ids != 0 || rest / ids > 255) {
      return -1;
    }
    return (int) (rest / ids);
  }

  /**
   * How many IDs follow the fixed header, read off its first byte: two (Source-ID and
   * Response-ID) for responses, responseACKs and ACKs, one otherwise.
   */
  private static int idCount(byte first) {
    boolean response = ((first >>> 4) & 3) >= MessageKind.RESPONSE.code();
    boolean ack = (first & 0x08) != 0;
    return response || ack ? 2 : 1;
  }

  // ---------------------------------------------------------------------------------- header

  private Header readHeader(Reader r, int len) throws MalformedMessageException {
    byte[] b = r.buf;
    int off = r.pos;
    if (len < Header.FIXED_LENGTH) {
      throw new MalformedMessageException(WireError.NOT_P2PP,
          len + " bytes: shorter than the 16-byte common header");
    }
    checkCookie(b, off);
    int b0 = b[off] & 0xFF;
    int version = b0 >>> 6;
    if (version != Header.VERSION) {
      throw new MalformedMessageException(WireError.UNSUPPORTED_VERSION,
          "version " + version + " (this implementation speaks version 1)");
    }
    MessageKind kind = MessageKind.fromCode(b0 >>> 4);
    boolean ack = (b0 & 0x08) != 0;
    boolean peer = (b0 & 0x04) != 0;
    boolean recursive = (b0 & 0x02) != 0;
    int code = ((b0 & 1) << 8) | (b[off + 1] & 0xFF);
    int typeCode = b[off + 2] & 0xFF;
    Method method = Method.fromCode(typeCode);
    if (method == null) {
      throw new MalformedMessageException(WireError.UNKNOWN_METHOD,
          "unknown message type " + typeCode);
    }
    int ttl = b[off + 3] & 0xFF;
    int txId = (int) u32(b, off + 8);
    long msgLen = u32(b, off + 12);
    boolean hasResponseId = kind.isResponse() || ack;
    int idLen = method.idLength(idLength);
    int headerLen = Header.FIXED_LENGTH + (hasResponseId ? 2 : 1) * idLen;
    if (len < headerLen) {
      throw new MalformedMessageException(WireError.TRUNCATED,
          len + " bytes end inside the " + headerLen + "-byte header of "
              + MessageSchema.withArticle(method.wireName() + " " + kind.label()) + " (ID length " + idLen + ")");
    }
    if (!kind.isResponse() && !ack) {
      code = 0; // reserved bits in requests and indications: ignored on receipt
    }
    Bytes source = id(b, off + Header.FIXED_LENGTH, idLen);
    Bytes responder = hasResponseId ? id(b, off + Header.FIXED_LENGTH + idLen, idLen) : null;
    if (kind.isResponse() && !ack && code < 200) {
      throw new MalformedMessageException(WireError.BAD_RESPONSE_CODE,
          "response code " + code + " (responses carry 200.." + ResponseCode.MAX + ")");
    }
    // Every field was checked above, so the constructor's own checks pass.
    Header h = new Header(version, kind, ack, peer, recursive, code, method, ttl, txId, source,
        responder);
    if (msgLen > maxMessageLength) {
      throw tooLarge(msgLen).withHeader(h);
    }
    long total = headerLen + msgLen;
    if (len < total) {
      throw new MalformedMessageException(WireError.TRUNCATED,
          "Message Length says " + msgLen + " bytes of objects, only " + (len - headerLen)
              + " follow the header").withHeader(h);
    }
    if (len > total) {
      throw new MalformedMessageException(WireError.TRAILING_BYTES,
          (len - total) + " bytes after the " + msgLen + " bytes that Message Length covers")
          .withHeader(h);
    }
    r.pos = off + headerLen;
    return h;
  }

  private MalformedMessageException tooLarge(long msgLen) {
    return new MalformedMessageException(WireError.MESSAGE_TOO_LARGE,
        "Message Length " + msgLen + " exceeds the limit of " + maxMessageLength + " bytes");
  }

  private static void checkCookie(byte[] b, int off) throws MalformedMessageException {
    long cookie = u32(b, off + 4);
    if (cookie != (Header.MAGIC_COOKIE & 0xFFFF_FFFFL)) {
      throw new MalformedMessageException(WireError.NOT_P2PP,
          String.format("magic cookie 0x%08X is not P2PP's 0x%08X%s", cookie, Header.MAGIC_COOKIE,
              cookie == 0x2112A442L ? " (this is a STUN message)" : ""));
    }
  }

  static long u32(byte[] b, int i) {
    return ((long) (b[i] & 0xFF) << 24) | ((b[i + 1] & 0xFF) << 16) | ((b[i + 2] & 0xFF) << 8)
        | (b[i + 3] & 0xFF);
  }

  private static long mask(ObjectType... types) {
    long m = 0;
    for (ObjectType t : types) {
      m |= 1L << t.ordinal();
    }
    return m;
  }

  // --------------------------------------------------------------------------------- objects

  /** A cursor over one message. Every read checks its bound first. */
  private static final class Reader {
    final byte[] buf;
    final int base;
    final IgnoredObjectSink sink;
    /** The decoder whose shared Peer-Infos to use, or null. */
    final WireDecoder sharing;
    int pos;

    Reader(byte[] buf, int base, IgnoredObjectSink sink, WireDecoder sharing) {
      this.buf = buf;
      this.base = base;
      this.pos = base;
      this.sink = sink;
      this.sharing = sharing;
    }

    int offset() {
      return pos - base;
    }

    /**
     * Reads one TLV ending at or before {@code end}. Returns null if the object was dropped under
     * the AB=01 rule. {@code where} names the container for messages (a Header or a type).
     */
    WireObject readObject(int end, long allowed, Object where) throws MalformedMessageException {
      int start = pos;
      if (end - pos < Tlv.HEADER_LENGTH) {
        throw new MalformedMessageException(WireError.TRUNCATED,
            "object header at offset " + offset() + " needs 4 bytes, " + (end - pos) + " left"
                + in(where));
      }
      int code = buf[pos] & 0xFF;
      int flags = (buf[pos + 1] & 0xFF) >>> 6;
      int len = ((buf[pos + 2] & 0xFF) << 8) | (buf[pos + 3] & 0xFF);
      pos += Tlv.HEADER_LENGTH;
      if (len > end - pos) {
        throw new MalformedMessageException(WireError.TRUNCATED, code,
            ObjectType.nameOf(code) + " at offset " + (start - base) + " says " + len
                + " bytes, " + (end - pos) + " left" + in(where));
      }
      if (flags >= 2) {
        throw new MalformedMessageException(WireError.RESERVED_FLAGS, code,
            ObjectType.nameOf(code) + " at offset " + (start - base) + " has reserved AB flags "
                + ((flags >> 1) & 1) + (flags & 1));
      }
      ObjectType type = ObjectType.fromCode(code);
      if (type == null || (allowed & (1L << type.ordinal())) == 0) {
        if (flags == Tlv.FLAGS_IGNORABLE) {
          if (sink != null) {
            sink.ignored(code, start - base, len);
          }
          pos += len;
          return null;
        }
        if (type == null) {
          throw new MalformedMessageException(WireError.UNKNOWN_MANDATORY_OBJECT, code,
              "unrecognized mandatory object type " + code + " at offset " + (start - base)
                  + in(where));
        }
        throw new MalformedMessageException(WireError.UNEXPECTED_OBJECT, code,
            type.wireName() + " is not allowed" + in(where));
      }
      int valueEnd = pos + len;
      WireObject o = readValue(type, len, valueEnd);
      if (pos != valueEnd) {
        throw malformed(type, (valueEnd - pos) + " unused bytes at the end of its value");
      }
      return o;
    }

    private static String in(Object where) {
      if (where instanceof Header h) {
        return " in " + MessageSchema.withArticle(h.describe());
      }
      return where == null ? "" : " in " + ((ObjectType) where).wireName();
    }

    private WireObject readValue(ObjectType type, int len, int end)
        throws MalformedMessageException {
      switch (type) {
        case PEER_INFO:
          return readPeerInfo(end);
        case PEER_ID:
          return new PeerId(nonEmpty(type, len));
        case ADDRESS_INFO:
          return readAddressInfo(len, end);
        case UNHASHED_ID:
          return new UnhashedId(bytes(len));
        case UPTIME:
          return new Uptime(word(type, len));
        case P2P_OPTIONS: {
          if (len < 5) {
            throw malformed(type, "needs at least 5 bytes, has " + len);
          }
          int hash = u8();
          int hashLen = u8();
          int algo = u8();
          int base = u8();
          int idLen = u8();
          if (len != 5 + idLen) {
            throw malformed(type, "OverlayID Len " + idLen + " does not match the object length " + len);
          }
          return new P2pOptions(hash, hashLen, algo, base, bytes(idLen));
        }
        case REQUEST_OPTIONS: {
          int w = (int) word(type, len);
          return new RequestOptions(bit(w, 31), bit(w, 30), bit(w, 29), bit(w, 28), bit(w, 27),
              bit(w, 26), bit(w, 25));
        }
        case DIAGNOSTIC_OPTIONS: {
          int w = (int) word(type, len);
          return new DiagnosticOptions(bit(w, 31), bit(w, 30), bit(w, 29), bit(w, 28));
        }
        case ROUTING_TABLE:
        case NEIGHBOR_TABLE:
          return readPeerTable(type, len, end);
        case PLOOKUP: {
          if (len < 2) {
            throw malformed(type, "needs a flags byte and a Peer-ID");
          }
          int b = u8();
          boolean exact = (b & 2) != 0;
          boolean range = (b & 1) != 0;
          if (exact && range) {
            throw malformed(type, "E and R are both set");
          }
          int rest = len - 1;
          if (range) {
            if (rest % 2 != 0) {
              throw malformed(type, "a range lookup needs two Peer-IDs of equal length");
            }
            Bytes a = bytes(rest / 2);
            return new PLookup(b >>> 2, false, true, a, bytes(rest / 2));
          }
          return new PLookup(b >>> 2, exact, false, bytes(rest), null);
        }
        case RESOURCE_ID:
          return new ResourceId(nonEmpty(type, len));
        case RLOOKUP: {
          if (len < 2) {
            throw malformed(type, "needs Cont-Type and Sub-Type");
          }
          int ct = u8();
          int st = u8();
          ResourceId rid = readResourceId(type, end);
          Owner owner = null;
          while (pos < end) {
            WireObject o = readObject(end, RLOOKUP_PARTS, type);
            if (o != null) {
              if (owner != null) {
                throw malformed(type, "has two Owners");
              }
              owner = (Owner) o;
            }
          }
          return new RLookup(ct, st, rid, owner);
        }
        case RESOURCE_OBJECT:
          return readResourceObject(type, len, end);
        case EXPIRES:
          return new Expires(word(type, len));
        case OWNER:
          return new Owner(bytes(len));
        case CERTIFICATE_SIGNING_REQUEST:
          return new CertificateSigningRequest(bytes(len));
        case CERTIFICATE:
          if (len < 1) {
            throw malformed(type, "needs a Sub-Type byte");
          }
          return new Certificate(u8(), bytes(len - 1));
        case SIGNATURE:
          if (len < 2) {
            throw malformed(type, "needs a 16-bit signature scheme");
          }
          return new Signature(u16(), bytes(len - 2));
        case TIME_WINDOW:
          return new TimeWindow(word(type, len));
        case CONNECTIONS:
          if (len != 6) {
            throw malformed(type, "is 6 bytes, not " + len);
          }
          return new Connections(u16(), u16(), u16());
        case NODE_RESOURCE_UTILIZATION:
          if (len != 6) {
            throw malformed(type, "is 6 bytes, not " + len);
          }
          return new NodeResourceUtilization(u32(buf, advance(4)), u8(), u8());
        case MESSAGES_RECEIVED: {
          if (len % 4 != 0) {
            throw malformed(type, "is a list of 4-byte entries, not " + len + " bytes");
          }
          List<MessagesReceived.Count> counts = new ArrayList<>(len / 4);
          while (pos < end) {
            int t = u8();
            int n = (u8() << 16) | u16();
            counts.add(new MessagesReceived.Count(t, n));
          }
          return new MessagesReceived(counts);
        }
        case AS_NUMBER:
          return new AsNumber(word(type, len));
        case ERROR: {
          if (len < 4) {
            throw malformed(type, "needs at least 4 bytes, has " + len);
          }
          int code = u16();
          int sub = u8();
          int objectType = u8();
          return new ErrorInfo(code, sub, objectType, utf8(type, len - 4));
        }
        case RESOURCE_LIST: {
          if (len < 1) {
            throw malformed(type, "needs a Num byte");
          }
          int n = u8();
          if (len != 1 + n) {
            throw malformed(type, "Num " + n + " does not match the object length " + len);
          }
          List<Integer> types = new ArrayList<>(n);
          for (int i = 0; i < n; i++) {
            types.add(u8());
          }
          return new ResourceList(types);
        }
        case PASSWORD:
          return new Password(bytes(len));
        case DATA_ENTRY:
          return readDataEntry(type, len);
        case OVERLAY_DOCUMENT:
          return new OverlayDocumentObject(bytes(len));
        case ICE_PARAMETERS:
          return readIceParameters(type, len);
        default:
          throw new AssertionError(type);
      }
    }

    private IceParameters readIceParameters(ObjectType type, int len)
        throws MalformedMessageException {
      int end = pos + len;
      String[] parts = new String[2];
      Bytes target = null;
      for (int i = 0; i < 3; i++) {
        if (pos >= end) {
          throw malformed(type, "is cut short: it holds target ID, ufrag and password, each"
              + " with a length byte");
        }
        int n = u8();
        if (n > end - pos) {
          throw malformed(type, "says " + n + " bytes; " + (end - pos) + " are left");
        }
        if (i == 0) {
          if (n == 0) {
            throw malformed(type, "has an empty target ID");
          }
          target = bytes(n);
        } else {
          byte[] b = new byte[n];
          System.arraycopy(buf, advance(n), b, 0, n);
          parts[i - 1] = new String(b, StandardCharsets.ISO_8859_1);
          if (!IceParameters.iceChars(parts[i - 1], i == 1 ? 4 : 22)) {
            throw malformed(type, (i == 1 ? "ufrag" : "password") + " is not " + (i == 1 ? 4
                : 22) + "-255 ICE characters (A-Z a-z 0-9 + /)");
          }
        }
      }
      if (pos != end) {
        throw malformed(type, "has " + (end - pos) + " bytes after the password");
      }
      return new IceParameters(target, parts[0], parts[1]);
    }

    private DataEntry readDataEntry(ObjectType type, int len) throws MalformedMessageException {
      if (len < 10) {
        throw malformed(type, "needs model, flags and a 64-bit storage time, has " + len
            + " bytes");
      }
      int model = u8();
      int flags = u8();
      if ((flags & ~WireEncoder.DATA_ENTRY_EXISTS) != 0) {
        throw malformed(type, "has unknown flags " + Integer.toHexString(flags));
      }
      long time = (u32(buf, advance(4)) << 32) | u32(buf, advance(4));
      if (time < 0) {
        throw malformed(type, "storage time exceeds 2^63-1");
      }
      boolean exists = flags != 0;
      switch (model) {
        case DataEntry.SINGLE -> {
          if (len != 10) {
            throw malformed(type, "of a single value is 10 bytes, not " + len);
          }
          return DataEntry.single(time, exists);
        }
        case DataEntry.ARRAY -> {
          if (len != 14) {
            throw malformed(type, "of an array entry is 14 bytes, not " + len);
          }
          return DataEntry.array(time, exists, u32(buf, advance(4)));
        }
        case DataEntry.DICTIONARY -> {
          if (len < 12) {
            throw malformed(type, "of a dictionary entry needs a key length");
          }
          int klen = u16();
          if (len != 12 + klen) {
            throw malformed(type, "key length " + klen + " does not match the object length "
                + len);
          }
          return DataEntry.dictionary(time, exists, bytes(klen));
        }
        default -> throw malformed(type, "has unknown data model " + model);
      }
    }

    private PeerInfo readPeerInfo(int end) throws MalformedMessageException {
      PeerInfo common = readCommonPeerInfo(end);
      if (common != null) {
        return common;
      }
      PeerId peerId = null;
      AddressInfo addressInfo = null;
      UnhashedId unhashedId = null;
      Uptime uptime = null;
      Certificate certificate = null;
      Connections connections = null;
      NodeResourceUtilization utilization = null;
      ResourceList resourceList = null;
      Expires expires = null;
      while (pos < end) {
        WireObject o = readObject(end, PEER_INFO_PARTS, PEER_INFO);
        if (o == null) {
          continue;
        }
        ObjectType t = o.type();
        boolean dup =
            switch (t) {
              case PEER_ID -> peerId != null;
              case ADDRESS_INFO -> addressInfo != null;
              case UNHASHED_ID -> unhashedId != null;
              case UPTIME -> uptime != null;
              case CERTIFICATE -> certificate != null;
              case CONNECTIONS -> connections != null;
              case NODE_RESOURCE_UTILIZATION -> utilization != null;
              case RESOURCE_LIST -> resourceList != null;
              default -> expires != null;
            };
        if (dup) {
          throw malformed(PEER_INFO, "has two " + t.wireName() + " objects");
        }
        switch (t) {
          case PEER_ID -> peerId = (PeerId) o;
          case ADDRESS_INFO -> addressInfo = (AddressInfo) o;
          case UNHASHED_ID -> unhashedId = (UnhashedId) o;
          case UPTIME -> uptime = (Uptime) o;
          case CERTIFICATE -> certificate = (Certificate) o;
          case CONNECTIONS -> connections = (Connections) o;
          case NODE_RESOURCE_UTILIZATION -> utilization = (NodeResourceUtilization) o;
          case RESOURCE_LIST -> resourceList = (ResourceList) o;
          default -> expires = (Expires) o;
        }
      }
      if (peerId == null && addressInfo == null) {
        throw malformed(PEER_INFO, "has neither Peer-ID nor Address-Info");
      }
      return new PeerInfo(peerId, addressInfo, unhashedId, uptime, certificate, connections,
          utilization, resourceList, expires);
    }

    /**
     * The common Peer-Info, taken whole: exactly a Peer-ID and an Address-Info of one candidate
     * without a related address, each with canonical object headers. Such a value is its own
     * canonical encoding, so it is copied, not parsed into parts. Anything else returns null
     * and goes the general way, which accepts all this does and reports every defect.
     */
    private PeerInfo readCommonPeerInfo(int end) {
      byte[] b = buf;
      int v = pos;
      if (end - v < 2 * Tlv.HEADER_LENGTH + 1 || b[v] != ObjectType.PEER_ID.code()
          || b[v + 1] != 0) {
        return null;
      }
      int idLen = ((b[v + 2] & 0xFF) << 8) | (b[v + 3] & 0xFF);
      int a = v + Tlv.HEADER_LENGTH + idLen; // the Address-Info
      if (idLen == 0 || end - a < Tlv.HEADER_LENGTH + 2 || b[a] != ObjectType.ADDRESS_INFO.code()
          || b[a + 1] != 0 || b[a + 4] != 1) {
        return null;
      }
      int ipVer = b[a + 5]; // R clear, reserved bits zero
      int alen = ipVer == 4 ? 4 : ipVer == 6 ? 16 : -1;
      int addressInfoLen = ((b[a + 2] & 0xFF) << 8) | (b[a + 3] & 0xFF);
      if (alen < 0 || addressInfoLen != 1 + 10 + alen
          || a + Tlv.HEADER_LENGTH + addressInfoLen != end) {
        return null;
      }
      int start = v - Tlv.HEADER_LENGTH;
      pos = end;
      // At least 24 bytes lie between v and end (two object headers, an ID, an address).
      return sharing != null ? sharing.sharedPeerInfo(b, start, v, end)
          : PeerInfo.ofCommonForm(commonFormCopy(b, start, end));
    }

    private AddressInfo readAddressInfo(int len, int end) throws MalformedMessageException {
      if (len < 1) {
        throw malformed(ADDRESS_INFO, "needs a Num byte");
      }
      int n = u8();
      if (n == 1) { // the common case, without a temporary list
        return new AddressInfo(List.of(readCandidate(0, end)));
      }
      // Never trust Num for sizing: a candidate takes at least 14 bytes.
      List<Candidate> list = new ArrayList<>(Math.min(n, (end - pos) / 14));
      for (int i = 0; i < n; i++) {
        list.add(readCandidate(i, end));
      }
      return new AddressInfo(list);
    }

    private Candidate readCandidate(int i, int end) throws MalformedMessageException {
      if (pos >= end) {
        throw malformed(ADDRESS_INFO, "ends before candidate " + (i + 1));
      }
      int b = buf[pos] & 0xFF;
      boolean related = (b & 0x80) != 0;
      int ipVer = b & 0x0F;
      if (ipVer != 4 && ipVer != 6) {
        throw malformed(ADDRESS_INFO, "candidate " + (i + 1) + " has IP-ver " + ipVer + " (4 or 6)");
      }
      int alen = ipVer == 4 ? 4 : 16;
      int need = 10 + alen + (related ? alen + 2 : 0);
      if (end - pos < need) {
        throw malformed(ADDRESS_INFO, "candidate " + (i + 1) + " needs " + need + " bytes, "
            + (end - pos) + " left");
      }
      pos++;
      int foundation = u8();
      int component = u8();
      long priority = u32(buf, advance(4));
      int t = u8();
      int port = u16();
      IpAddress addr = new IpAddress(bytes(alen));
      IpAddress rel = null;
      int relPort = 0;
      if (related) {
        rel = new IpAddress(bytes(alen));
        relPort = u16();
      }
      return new Candidate(foundation, component, priority, t >>> 4, t & 0x0F, addr, port, rel,
          relPort);
    }

    private PeerTable readPeerTable(ObjectType type, int len, int end)
        throws MalformedMessageException {
      int from = pos;
      // With a sink, a table's ignored objects must be reported each time: decode it whole.
      int slot = sharing != null && sink == null ? sharing.tableSlot(buf, from, end) : -1;
      if (slot >= 0) {
        PeerTable known = sharing.knownTable(slot, type, buf, from, end);
        if (known != null) {
          pos = end;
          return known;
        }
      }
      List<PeerInfo> entries = readTable(type, len, end);
      PeerTable t = type == ObjectType.ROUTING_TABLE
          ? new RoutingTable(entries) : new NeighborTable(entries);
      if (slot >= 0) {
        sharing.rememberTable(slot, t, buf, from, end);
      }
      return t;
    }

    private List<PeerInfo> readTable(ObjectType type, int len, int end)
        throws MalformedMessageException {
      if (len < 1) {
        throw malformed(type, "needs a Num entries byte");
      }
      int n = u8();
      List<PeerInfo> entries = new ArrayList<>(Math.min(n, (end - pos) / 8));
      while (pos < end) {
        WireObject o = readObject(end, TABLE_PARTS, type);
        if (o != null) {
          entries.add((PeerInfo) o);
        }
      }
      if (entries.size() != n) {
        throw malformed(type, "says " + n + " entries but holds " + entries.size());
      }
      return entries;
    }

    private ResourceId readResourceId(ObjectType container, int end)
        throws MalformedMessageException {
      WireObject o = readObject(end, RESOURCE_ID_ONLY, container);
      if (!(o instanceof ResourceId rid)) {
        throw malformed(container, "must begin with a Resource-ID");
      }
      return rid;
    }

    private ResourceObject readResourceObject(ObjectType type, int len, int end)
        throws MalformedMessageException {
      if (len < 2) {
        throw malformed(type, "needs Cont-Type and Sub-Type");
      }
      int ct = u8();
      int st = u8();
      ResourceId rid = readResourceId(type, end);
      if (end - pos < 2) {
        throw malformed(type, "needs a 16-bit value length after its Resource-ID");
      }
      int vlen = u16();
      if (vlen > end - pos) {
        throw malformed(type, "value length " + vlen + " exceeds the " + (end - pos) + " bytes left");
      }
      Bytes value = bytes(vlen);
      PeerInfo peerInfo = null;
      Owner owner = null;
      Expires expires = null;
      Signature signature = null;
      Certificate certificate = null;
      DataEntry entry = null;
      while (pos < end) {
        WireObject o = readObject(end, RESOURCE_OBJECT_PARTS, type);
        if (o == null) {
          continue;
        }
        boolean dup =
            switch (o.type()) {
              case PEER_INFO -> peerInfo != null;
              case OWNER -> owner != null;
              case EXPIRES -> expires != null;
              case SIGNATURE -> signature != null;
              case DATA_ENTRY -> entry != null;
              default -> certificate != null;
            };
        if (dup) {
          throw malformed(type, "has two " + o.type().wireName() + " objects");
        }
        switch (o.type()) {
          case PEER_INFO -> peerInfo = (PeerInfo) o;
          case OWNER -> owner = (Owner) o;
          case EXPIRES -> expires = (Expires) o;
          case SIGNATURE -> signature = (Signature) o;
          case DATA_ENTRY -> entry = (DataEntry) o;
          default -> certificate = (Certificate) o;
        }
      }
      return new ResourceObject(ct, st, rid, value, peerInfo, owner, expires, signature,
          certificate, entry);
    }

    // ------------------------------------------------------------------------- primitives

    private int advance(int n) {
      int p = pos;
      pos += n;
      return p;
    }

    private int u8() {
      return buf[pos++] & 0xFF;
    }

    private int u16() {
      int v = ((buf[pos] & 0xFF) << 8) | (buf[pos + 1] & 0xFF);
      pos += 2;
      return v;
    }

    private Bytes bytes(int n) {
      Bytes b = Bytes.copyOf(buf, pos, n);
      pos += n;
      return b;
    }

    private Bytes nonEmpty(ObjectType type, int len) throws MalformedMessageException {
      if (len <= 0) {
        throw malformed(type, "is empty");
      }
      return bytes(len);
    }

    private long word(ObjectType type, int len) throws MalformedMessageException {
      if (len != 4) {
        throw malformed(type, "is 4 bytes, not " + len);
      }
      return u32(buf, advance(4));
    }

    private String utf8(ObjectType type, int n) throws MalformedMessageException {
      try {
        String s = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(buf, pos, n))
            .toString();
        pos += n;
        return s;
      } catch (CharacterCodingException e) {
        throw malformed(type, "text is not valid UTF-8");
      }
    }

    private static boolean bit(int word, int bit) {
      return (word & (1 << bit)) != 0;
    }

    private MalformedMessageException malformed(ObjectType type, String what) {
      return new MalformedMessageException(WireError.MALFORMED_OBJECT, type.code(),
          type.wireName() + " near offset " + offset() + " " + what);
    }
  }
}
