package org.openvoip.p2pp.wire;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.openvoip.p2pp.wire.WireObject.*;

/**
 * {@link Message} to bytes. The exact size is computed first, so a message is written into one
 * array with no copying. Objects are written in canonical form: the AB flags of their type,
 * reserved bits zero, Peer-Info parts in a fixed order (docs/protocol.md).
 */
public final class WireEncoder {
  /** Data-Entry flags: the value exists (clear: a deletion tombstone). */
  static final int DATA_ENTRY_EXISTS = 0x01;

  private WireEncoder() {}

  /**
   * Encodes a message after checking it against the per-message object rules.
   *
   * @throws IllegalArgumentException if the message breaks the rules or an object is too large
   *     for its 16-bit length
   */
  public static byte[] encode(Message m) {
    try {
      MessageSchema.check(m);
    } catch (MalformedMessageException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    return encodeUnchecked(m);
  }

  /** Encodes without the per-message object rules: for crafting test and probe packets. */
  public static byte[] encodeUnchecked(Message m) {
    int bodyLength = 0;
    for (int i = 0; i < m.objects().size(); i++) {
      WireObject o = m.objects().get(i);
      bodyLength += objectLength(o);
    }
    Header h = m.header();
    byte[] out = new byte[h.length() + bodyLength];
    int pos = writeHeader(h, bodyLength, out);
    for (int i = 0; i < m.objects().size(); i++) {
      WireObject o = m.objects().get(i);
      pos = writeObject(o, out, pos);
    }
    assert pos == out.length;
    return out;
  }

  /**
   * The ACK of a received message, as {@code encode(Message.of(Header.ackFor(received, peer,
   * ownId)))} gives it, written straight into its bytes: ACKs are a third of all datagrams.
   */
  public static byte[] encodeAck(Header received, boolean peer, Bytes ownId) {
    Bytes source = received.sourceId();
    Bytes responder = received.responseId() != null ? received.responseId() : ownId;
    if (responder.length() != source.length()) {
      throw new IllegalArgumentException("Response-ID and Source-ID must have the same length");
    }
    int code = received.responseCode();
    byte[] b = new byte[Header.FIXED_LENGTH + 2 * source.length()];
    b[0] = (byte) ((Header.VERSION << 6) | (received.kind().code() << 4) | 0x08
        | (peer ? 0x04 : 0) | (code >>> 8));
    b[1] = (byte) code;
    b[2] = (byte) received.method().code();
    b[3] = (byte) received.ttl();
    putInt(b, 4, Header.MAGIC_COOKIE);
    putInt(b, 8, received.transactionId());
    putInt(b, 12, 0);
    source.copyTo(b, Header.FIXED_LENGTH);
    responder.copyTo(b, Header.FIXED_LENGTH + source.length());
    return b;
  }

  /** The number of bytes {@link #encode} produces for this message. */
  public static int encodedLength(Message m) {
    int n = m.header().length();
    for (int i = 0; i < m.objects().size(); i++) {
      WireObject o = m.objects().get(i);
      n += objectLength(o);
    }
    return n;
  }

  /** The value of one object as it goes on the wire, without its 4-byte TLV header. */
  public static byte[] encodeValue(WireObject o) {
    byte[] tlv = new byte[objectLength(o)];
    writeObject(o, tlv, 0);
    return java.util.Arrays.copyOfRange(tlv, Tlv.HEADER_LENGTH, tlv.length);
  }

  private static int writeHeader(Header h, int bodyLength, byte[] b) {
    int code = h.responseCode();
    b[0] = (byte) ((h.version() << 6) | (h.kind().code() << 4) | (h.ack() ? 0x08 : 0)
        | (h.peer() ? 0x04 : 0) | (h.recursive() ? 0x02 : 0) | (code >>> 8));
    b[1] = (byte) code;
    b[2] = (byte) h.method().code();
    b[3] = (byte) h.ttl();
    putInt(b, 4, Header.MAGIC_COOKIE);
    putInt(b, 8, h.transactionId());
    putInt(b, 12, bodyLength);
    h.sourceId().copyTo(b, Header.FIXED_LENGTH);
    if (h.responseId() != null) {
      h.responseId().copyTo(b, Header.FIXED_LENGTH + h.sourceId().length());
    }
    return h.length();
  }

  // ------------------------------------------------------------------------------- lengths

  /** Header plus value. */
  static int objectLength(WireObject o) {
    int v = valueLength(o);
    if (v > Tlv.MAX_VALUE_LENGTH) {
      throw new IllegalArgumentException(o.type().wireName() + " value is " + v
          + " bytes, more than the 65535 its Length field can carry");
    }
    return Tlv.HEADER_LENGTH + v;
  }

  private static int optional(WireObject o) {
    return o == null ? 0 : objectLength(o);
  }

  static int valueLength(WireObject o) {
    // The objects of every maintenance message first: Peer-Info, the tables, Request-Options
    // and Expires; then the rest.
    if (o instanceof PeerInfo p) {
      byte[] e = p.encoded();
      return e != null ? e.length - Tlv.HEADER_LENGTH : partsLength(p);
    } else if (o instanceof PeerTable t) {
      return t.encoding().length - Tlv.HEADER_LENGTH;
    } else if (o instanceof RequestOptions || o instanceof Expires) {
      return 4;
    } else if (o instanceof PeerId p) {
      return p.id().length();
    } else if (o instanceof AddressInfo a) {
      int n = 1;
      for (int j = 0; j < a.candidates().size(); j++) {
        Candidate c = a.candidates().get(j);
        int alen = c.address().octets().length();
        n += 10 + alen + (c.relatedAddress() != null ? alen + 2 : 0);
      }
      return n;
    } else if (o instanceof UnhashedId u) {
      return u.value().length();
    } else if (o instanceof P2pOptions p) {
      return 5 + p.overlayId().length();
    } else if (o instanceof PLookup p) {
      return 1 + p.peerIdA().length() + (p.peerIdB() == null ? 0 : p.peerIdB().length());
    } else if (o instanceof ResourceId r) {
      return r.id().length();
    } else if (o instanceof RLookup r) {
      return 2 + objectLength(r.resourceId()) + optional(r.owner());
    } else if (o instanceof ResourceObject r) {
      return 2 + objectLength(r.resourceId()) + 2 + r.value().length() + optional(r.peerInfo())
          + optional(r.owner()) + optional(r.expires()) + optional(r.signature())
          + optional(r.certificate()) + optional(r.entry());
    } else if (o instanceof DataEntry d) {
      return 10 + (d.model() == DataEntry.ARRAY ? 4
          : d.model() == DataEntry.DICTIONARY ? 2 + d.key().length() : 0);
    } else if (o instanceof Owner w) {
      return w.value().length();
    } else if (o instanceof CertificateSigningRequest c) {
      return c.der().length();
    } else if (o instanceof Certificate c) {
      return 1 + c.der().length();
    } else if (o instanceof Signature s) {
      return 2 + s.value().length();
    } else if (o instanceof Password p) {
      return p.value().length();
    } else if (o instanceof OverlayDocumentObject d) {
      return d.value().length();
    } else if (o instanceof IceParameters i) {
      return 3 + i.targetId().length() + i.ufrag().length() + i.password().length();
    } else if (o instanceof Connections || o instanceof NodeResourceUtilization) {
      return 6;
    } else if (o instanceof MessagesReceived m) {
      return 4 * m.counts().size();
    } else if (o instanceof ErrorInfo e) {
      return 4 + e.reason().getBytes(StandardCharsets.UTF_8).length;
    } else if (o instanceof ResourceList r) {
      return 1 + r.types().size();
    } else {
      // Uptime, Expires, Time-Window, AS-Number, Request-Options, Diagnostic-Options
      return 4;
    }
  }

  private static int partsLength(PeerInfo p) {
    return optional(p.peerId()) + optional(p.addressInfo()) + optional(p.unhashedId())
        + optional(p.uptime()) + optional(p.certificate()) + optional(p.connections())
        + optional(p.utilization()) + optional(p.resourceList()) + optional(p.expires());
  }

  /**
   * The canonical encoding of a Peer-Info built from its parts (object header included), or
   * null if its value, or one of its parts, is too long for a 16-bit Length: encoding such a
   * Peer-Info fails as any oversized object does.
   */
  static byte[] canonical(PeerInfo p) {
    int v;
    try {
      v = partsLength(p);
    } catch (IllegalArgumentException tooLong) {
      return null;
    }
    if (v > Tlv.MAX_VALUE_LENGTH) {
      return null;
    }
    byte[] b = new byte[Tlv.HEADER_LENGTH + v];
    b[0] = (byte) ObjectType.PEER_INFO.code();
    b[1] = (byte) (ObjectType.PEER_INFO.flags() << 6);
    b[2] = (byte) (v >>> 8);
    b[3] = (byte) v;
    writeParts(p, b, Tlv.HEADER_LENGTH);
    return b;
  }

  private static int writeParts(PeerInfo i, byte[] b, int p) {
    p = writeOptional(i.peerId(), b, p);
    p = writeOptional(i.addressInfo(), b, p);
    p = writeOptional(i.unhashedId(), b, p);
    p = writeOptional(i.uptime(), b, p);
    p = writeOptional(i.certificate(), b, p);
    p = writeOptional(i.connections(), b, p);
    p = writeOptional(i.utilization(), b, p);
    p = writeOptional(i.resourceList(), b, p);
    return writeOptional(i.expires(), b, p);
  }

  private static int sum(List<PeerInfo> entries) {
    int n = 0;
    for (int i = 0; i < entries.size(); i++) {
      PeerInfo p = entries.get(i);
      n += objectLength(p);
    }
    return n;
  }

  // ------------------------------------------------------------------------------- writing

  private static int writeOptional(WireObject o, byte[] b, int pos) {
    return o == null ? pos : writeObject(o, b, pos);
  }

  /**
   * Writes one object. Its Length is filled in after its value is written: the message was sized
   * (and every length checked against 65535) once, in {@link #objectLength}, so nested objects
   * are not sized again at every level.
   */
  static int writeObject(WireObject o, byte[] b, int pos) {
    if (o instanceof PeerInfo i) {
      // Sized before writing, so a Peer-Info here has its encoding (null only if oversized).
      return copy(i.encoded(), b, pos);
    }
    if (o instanceof PeerTable t) {
      return copy(t.encoding(), b, pos);
    }
    b[pos] = (byte) o.type().code();
    b[pos + 1] = (byte) (o.type().flags() << 6);
    int p = pos + Tlv.HEADER_LENGTH;
    if (o instanceof RequestOptions r) {
      p = putInt(b, p, flags(r.primary(), r.routingTable(), r.neighborTable(),
          r.separateRequest(), r.partialReply(), r.neighborJoin(), r.routeLog()));
    } else if (o instanceof Expires e) {
      p = putInt(b, p, (int) e.seconds());
    } else if (o instanceof PeerId i) {
      p = put(i.id(), b, p);
    } else if (o instanceof AddressInfo a) {
      b[p++] = (byte) a.candidates().size();
      for (int j = 0; j < a.candidates().size(); j++) {
        Candidate c = a.candidates().get(j);
        p = writeCandidate(c, b, p);
      }
    } else if (o instanceof UnhashedId u) {
      p = put(u.value(), b, p);
    } else if (o instanceof Uptime u) {
      p = putInt(b, p, (int) u.seconds());
    } else if (o instanceof P2pOptions x) {
      b[p++] = (byte) x.hashAlgorithm();
      b[p++] = (byte) x.hashLength();
      b[p++] = (byte) x.p2pAlgorithm();
      b[p++] = (byte) x.base();
      b[p++] = (byte) x.overlayId().length();
      p = put(x.overlayId(), b, p);
    } else if (o instanceof DiagnosticOptions d) {
      p = putInt(b, p, flags(d.connections(), d.utilization(), d.messagesReceived(), d.asNumber()));
    } else if (o instanceof PLookup l) {
      b[p++] = (byte) ((l.count() << 2) | (l.exact() ? 2 : 0) | (l.range() ? 1 : 0));
      p = put(l.peerIdA(), b, p);
      if (l.peerIdB() != null) {
        p = put(l.peerIdB(), b, p);
      }
    } else if (o instanceof ResourceId r) {
      p = put(r.id(), b, p);
    } else if (o instanceof RLookup r) {
      b[p++] = (byte) r.contentType();
      b[p++] = (byte) r.subType();
      p = writeObject(r.resourceId(), b, p);
      p = writeOptional(r.owner(), b, p);
    } else if (o instanceof ResourceObject r) {
      b[p++] = (byte) r.contentType();
      b[p++] = (byte) r.subType();
      p = writeObject(r.resourceId(), b, p);
      b[p++] = (byte) (r.value().length() >>> 8);
      b[p++] = (byte) r.value().length();
      p = put(r.value(), b, p);
      p = writeOptional(r.peerInfo(), b, p);
      p = writeOptional(r.owner(), b, p);
      p = writeOptional(r.expires(), b, p);
      p = writeOptional(r.signature(), b, p);
      p = writeOptional(r.certificate(), b, p);
      p = writeOptional(r.entry(), b, p);
    } else if (o instanceof DataEntry d) {
      b[p++] = (byte) d.model();
      b[p++] = (byte) (d.exists() ? DATA_ENTRY_EXISTS : 0);
      for (int shift = 56; shift >= 0; shift -= 8) {
        b[p++] = (byte) (d.storageTime() >>> shift);
      }
      if (d.model() == DataEntry.ARRAY) {
        for (int shift = 24; shift >= 0; shift -= 8) {
          b[p++] = (byte) (d.index() >>> shift);
        }
      } else if (d.model() == DataEntry.DICTIONARY) {
        b[p++] = (byte) (d.key().length() >>> 8);
        b[p++] = (byte) d.key().length();
        p = put(d.key(), b, p);
      }
    } else if (o instanceof Owner w) {
      p = put(w.value(), b, p);
    } else if (o instanceof CertificateSigningRequest c) {
      p = put(c.der(), b, p);
    } else if (o instanceof Certificate c) {
      b[p++] = (byte) c.subType();
      p = put(c.der(), b, p);
    } else if (o instanceof Signature s) {
      b[p++] = (byte) (s.scheme() >>> 8);
      b[p++] = (byte) s.scheme();
      p = put(s.value(), b, p);
    } else if (o instanceof TimeWindow t) {
      p = putInt(b, p, (int) t.seconds());
    } else if (o instanceof Connections c) {
      p = putShort(b, p, c.neighbors());
      p = putShort(b, p, c.routingPeers());
      p = putShort(b, p, c.clients());
    } else if (o instanceof NodeResourceUtilization u) {
      p = putInt(b, p, (int) u.bandwidthKbps());
      b[p++] = (byte) u.cpuPercent();
      b[p++] = (byte) u.bandwidthPercent();
    } else if (o instanceof MessagesReceived m) {
      for (int j = 0; j < m.counts().size(); j++) {
        MessagesReceived.Count c = m.counts().get(j);
        p = putInt(b, p, (c.messageType() << 24) | c.count());
      }
    } else if (o instanceof AsNumber a) {
      p = putInt(b, p, (int) a.asn());
    } else if (o instanceof ErrorInfo e) {
      p = putShort(b, p, e.code());
      b[p++] = (byte) e.subCode();
      b[p++] = (byte) e.objectType();
      byte[] text = e.reason().getBytes(StandardCharsets.UTF_8);
      System.arraycopy(text, 0, b, p, text.length);
      p += text.length;
    } else if (o instanceof ResourceList r) {
      b[p++] = (byte) r.types().size();
      for (int t : r.types()) {
        b[p++] = (byte) t;
      }
    } else if (o instanceof Password w) {
      p = put(w.value(), b, p);
    } else if (o instanceof OverlayDocumentObject d) {
      p = put(d.value(), b, p);
    } else if (o instanceof IceParameters i) {
      b[p++] = (byte) i.targetId().length();
      p = put(i.targetId(), b, p);
      for (String t : new String[] {i.ufrag(), i.password()}) {
        b[p++] = (byte) t.length();
        for (int k = 0; k < t.length(); k++) {
          b[p++] = (byte) t.charAt(k);
        }
      }
    } else {
      throw new AssertionError(o.type());
    }
    int len = p - pos - Tlv.HEADER_LENGTH;
    b[pos + 2] = (byte) (len >>> 8);
    b[pos + 3] = (byte) len;
    return p;
  }

  private static int writeCandidate(Candidate c, byte[] b, int p) {
    boolean related = c.relatedAddress() != null;
    b[p++] = (byte) ((related ? 0x80 : 0) | c.ipVersion());
    b[p++] = (byte) c.foundation();
    b[p++] = (byte) c.componentId();
    p = putInt(b, p, (int) c.priority());
    b[p++] = (byte) ((c.transport() << 4) | c.hostType());
    p = putShort(b, p, c.port());
    p = put(c.address().octets(), b, p);
    if (related) {
      p = put(c.relatedAddress().octets(), b, p);
      p = putShort(b, p, c.relatedPort());
    }
    return p;
  }

  private static int copy(byte[] e, byte[] b, int pos) {
    System.arraycopy(e, 0, b, pos, e.length);
    return pos + e.length;
  }

  /**
   * A table object whole, header included: the encoding a Routing- or Neighbor-Table keeps.
   * Its Length is checked when a message holding it is sized, as for any object.
   */
  static byte[] encodeTable(PeerTable table, List<PeerInfo> entries) {
    int v = 1 + sum(entries);
    byte[] b = new byte[Tlv.HEADER_LENGTH + v];
    b[0] = (byte) table.type().code();
    b[1] = (byte) (table.type().flags() << 6);
    b[2] = (byte) (v >>> 8);
    b[3] = (byte) v;
    writeTable(entries, b, Tlv.HEADER_LENGTH);
    return b;
  }

  private static int writeTable(List<PeerInfo> entries, byte[] b, int p) {
    b[p++] = (byte) entries.size();
    for (int i = 0; i < entries.size(); i++) {
      PeerInfo e = entries.get(i);
      p = writeObject(e, b, p);
    }
    return p;
  }

  /** Packs booleans into the most significant bits of a word, first argument highest. */
  private static int flags(boolean... bits) {
    int w = 0;
    for (int i = 0; i < bits.length; i++) {
      if (bits[i]) {
        w |= 1 << (31 - i);
      }
    }
    return w;
  }

  private static int put(Bytes v, byte[] b, int p) {
    v.copyTo(b, p);
    return p + v.length();
  }

  private static int putShort(byte[] b, int p, int v) {
    b[p] = (byte) (v >>> 8);
    b[p + 1] = (byte) v;
    return p + 2;
  }

  private static int putInt(byte[] b, int p, int v) {
    b[p] = (byte) (v >>> 24);
    b[p + 1] = (byte) (v >>> 16);
    b[p + 2] = (byte) (v >>> 8);
    b[p + 3] = (byte) v;
    return p + 4;
  }
}
