package org.openvoip.p2pp.stun;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.openvoip.p2pp.env.Endpoint;
import org.openvoip.p2pp.wire.Bytes;
import org.openvoip.p2pp.wire.IpAddress;

/**
 * A STUN message (RFC 8489, which RFC 5389 became): a 20-byte header (type, length, magic cookie,
 * 96-bit transaction ID) and attributes (type, length, value padded to 4 bytes). A P2PP port
 * also serves STUN; the two are told apart by the cookie at bytes 4-7 ({@link #isStun}).
 *
 * <p>Decoding checks the framing and nothing else; {@link #integrityValid} and {@link
 * #fingerprintValid} check MESSAGE-INTEGRITY (HMAC-SHA1) and FINGERPRINT (CRC-32) where a caller
 * needs them. Immutable; no I/O.
 *
 * @param type the message type: method and class interleaved (Binding request 0x0001, success
 *     response 0x0101, error response 0x0111)
 * @param transactionId 12 bytes
 * @param attributes in order, values without padding
 */
public record StunMessage(int type, Bytes transactionId, List<Attribute> attributes) {
  public static final int MAGIC_COOKIE = 0x2112A442;
  public static final int HEADER_LENGTH = 20;
  public static final int BINDING_REQUEST = 0x0001;
  public static final int BINDING_SUCCESS = 0x0101;
  public static final int BINDING_ERROR = 0x0111;
  /** A Binding indication: no answer; ICE's keep-alive. */
  public static final int BINDING_INDICATION = 0x0011;

  public static final int MAPPED_ADDRESS = 0x0001;
  /** RFC 5780: flags 0x04 change IP, 0x02 change port. */
  public static final int CHANGE_REQUEST = 0x0003;
  public static final int UNKNOWN_ATTRIBUTES = 0x000A;
  /** RFC 5780: bytes to pad the message with, which the response echoes (path MTU tests). */
  public static final int PADDING = 0x0026;
  /** RFC 5780: the port (at the sender's address) the response goes to. */
  public static final int RESPONSE_PORT = 0x0027;
  public static final int USERNAME = 0x0006;
  public static final int MESSAGE_INTEGRITY = 0x0008;
  public static final int ERROR_CODE = 0x0009;
  public static final int XOR_MAPPED_ADDRESS = 0x0020;
  public static final int PRIORITY = 0x0024;
  public static final int USE_CANDIDATE = 0x0025;
  public static final int SOFTWARE = 0x8022;
  public static final int FINGERPRINT = 0x8028;
  public static final int ICE_CONTROLLED = 0x8029;
  public static final int ICE_CONTROLLING = 0x802A;
  /** RFC 5780: the address the response was sent from. */
  public static final int RESPONSE_ORIGIN = 0x802B;
  /** RFC 5780: the address a CHANGE-REQUEST's answer would come from. */
  public static final int OTHER_ADDRESS = 0x802C;
  /**
   * OpenVoIP's, comprehension-required: in a Binding request from one peer to another, the
   * XOR-encoded address the success response goes to, instead of the sender (the "change IP
   * and port" of RFC 5780 done by a second peer). docs/protocol.md, "STUN".
   */
  public static final int RESPONSE_TARGET = 0x7F01;

  public static final int CHANGE_IP = 0x04;
  public static final int CHANGE_PORT = 0x02;

  private static final int FINGERPRINT_XOR = 0x5354554E;

  /** One attribute: its type and its value, without padding. */
  public record Attribute(int type, Bytes value) {
    public Attribute {
      if (type < 0 || type > 0xFFFF || value.length() > 0xFFFF) {
        throw new IllegalArgumentException("an attribute type is 16 bits, a value < 64 KiB");
      }
    }
  }

  public StunMessage {
    if ((type & 0xC000) != 0) {
      throw new IllegalArgumentException("a STUN type has its two top bits clear");
    }
    if (transactionId.length() != 12) {
      throw new IllegalArgumentException("a transaction ID has 12 bytes");
    }
    attributes = List.copyOf(attributes);
  }

  /** A STUN message that does not parse; the message says why. */
  public static final class MalformedStunException extends Exception {
    private static final long serialVersionUID = 1L;

    public MalformedStunException(String message) {
      super(message);
    }
  }

  /**
   * Whether {@code bytes} look like STUN rather than P2PP: at least a header, the two top bits
   * clear, the magic cookie at bytes 4-7 (P2PP has its own cookie there).
   */
  public static boolean isStun(byte[] bytes) {
    return bytes.length >= HEADER_LENGTH && (bytes[0] & 0xC0) == 0 && bytes[4] == 0x21
        && bytes[5] == 0x12 && bytes[6] == (byte) 0xA4 && bytes[7] == 0x42;
  }

  /** The method (Binding is 1), without the class bits. */
  public int method() {
    return (type & 0x000F) | ((type & 0x00E0) >> 1) | ((type & 0x3E00) >> 2);
  }

  /** A request (class 00). */
  public boolean isRequest() {
    return (type & 0x0110) == 0x0000;
  }

  /** An indication (class 01). */
  public boolean isIndication() {
    return (type & 0x0110) == 0x0010;
  }

  /** A success (class 10) or error (class 11) response. */
  public boolean isResponse() {
    return (type & 0x0100) != 0;
  }

  /** An error response (class 11). */
  public boolean isError() {
    return (type & 0x0110) == 0x0110;
  }

  /** A new message of {@code type} with this transaction ID and no attributes. */
  public StunMessage reply(int replyType) {
    return new StunMessage(replyType, transactionId, List.of());
  }

  /**
   * The error response to this request, of its own method (class bits 11), with an ERROR-CODE
   * of {@code code} and {@code reason}; more attributes may follow.
   */
  public StunMessage errorReply(int code, String reason) {
    return new StunMessage((type & ~0x0110) | 0x0110, transactionId, List.of())
        .with(ERROR_CODE, errorCode(code, reason));
  }

  /** An ERROR-CODE value: class and number (for example 4 and 20 for 420) and a reason. */
  public static Bytes errorCode(int code, String reason) {
    byte[] r = reason.getBytes(StandardCharsets.UTF_8);
    return Bytes.of(ByteBuffer.allocate(4 + r.length).putShort((short) 0)
        .put((byte) (code / 100)).put((byte) (code % 100)).put(r).array());
  }

  /** The code of an ERROR-CODE value (400, 420, ...), or -1 if it is too short. */
  public static int errorCodeOf(Bytes value) {
    if (value.length() < 4) {
      return -1;
    }
    return (value.get(2) & 0x07) * 100 + (value.get(3) & 0xFF);
  }

  /** The reason phrase of an ERROR-CODE value. */
  public static String errorReasonOf(Bytes value) {
    byte[] v = value.toByteArray();
    return v.length <= 4 ? "" : new String(v, 4, v.length - 4, StandardCharsets.UTF_8);
  }

  /**
   * A MAPPED-ADDRESS, OTHER-ADDRESS or RESPONSE-ORIGIN value: reserved byte, family (1 IPv4,
   * 2 IPv6), port, address, none of them XORed.
   */
  public static Bytes plainAddress(Endpoint e) {
    byte[] addr = e.address().octets().toByteArray();
    return Bytes.of(ByteBuffer.allocate(4 + addr.length).put((byte) 0)
        .put((byte) (addr.length == 4 ? 1 : 2)).putShort((short) e.port()).put(addr).array());
  }

  /** The endpoint a MAPPED-ADDRESS-style value names. */
  public static Endpoint fromPlainAddress(Bytes value) throws MalformedStunException {
    byte[] v = value.toByteArray();
    int family = v.length >= 4 ? v[1] : 0;
    int n = family == 1 ? 4 : family == 2 ? 16 : -1;
    if (n < 0 || v.length != 4 + n) {
      throw new MalformedStunException("an address of family " + family + " and " + v.length
          + " bytes");
    }
    return new Endpoint(new IpAddress(Bytes.of(Arrays.copyOfRange(v, 4, 4 + n))),
        ((v[2] & 0xFF) << 8) | (v[3] & 0xFF));
  }

  /** Decodes one message that fills {@code bytes} exactly. */
  public static StunMessage decode(byte[] bytes) throws MalformedStunException {
    if (!isStun(bytes)) {
      throw new MalformedStunException("not STUN: shorter than 20 bytes, top bits set or no"
          + " magic cookie");
    }
    ByteBuffer b = ByteBuffer.wrap(bytes);
    int type = b.getShort() & 0xFFFF;
    int length = b.getShort() & 0xFFFF;
    if (length % 4 != 0 || HEADER_LENGTH + length != bytes.length) {
      throw new MalformedStunException("the length, " + length + ", is not a multiple of 4 or"
          + " not the " + (bytes.length - HEADER_LENGTH) + " bytes after the header");
    }
    b.getInt();
    byte[] tx = new byte[12];
    b.get(tx);
    List<Attribute> attrs = new ArrayList<>();
    while (b.hasRemaining()) {
      if (b.remaining() < 4) {
        throw new MalformedStunException("a truncated attribute header");
      }
      int at = b.getShort() & 0xFFFF;
      int len = b.getShort() & 0xFFFF;
      int padded = (len + 3) & ~3;
      if (padded > b.remaining()) {
        throw new MalformedStunException("attribute 0x" + Integer.toHexString(at) + " says "
            + len + " bytes; " + b.remaining() + " are left");
      }
      byte[] v = new byte[len];
      b.get(v);
      b.position(b.position() + padded - len);
      attrs.add(new Attribute(at, Bytes.of(v)));
    }
    return new StunMessage(type, Bytes.of(tx), attrs);
  }

  /** The first attribute of this type, or null. */
  public Attribute attribute(int attributeType) {
    for (Attribute a : attributes) {
      if (a.type() == attributeType) {
        return a;
      }
    }
    return null;
  }

  /** The encoding, padding with zeros, without MESSAGE-INTEGRITY or FINGERPRINT of its own. */
  public byte[] encode() {
    int body = 0;
    for (Attribute a : attributes) {
      body += 4 + ((a.value().length() + 3) & ~3);
    }
    ByteBuffer b = ByteBuffer.allocate(HEADER_LENGTH + body);
    b.putShort((short) type).putShort((short) body).putInt(MAGIC_COOKIE)
        .put(transactionId.toByteArray());
    for (Attribute a : attributes) {
      b.putShort((short) a.type()).putShort((short) a.value().length())
          .put(a.value().toByteArray());
      b.position(b.position() + (((a.value().length() + 3) & ~3) - a.value().length()));
    }
    return b.array();
  }

  /** This message with one more attribute at the end. */
  public StunMessage with(int attributeType, Bytes value) {
    List<Attribute> more = new ArrayList<>(attributes);
    more.add(new Attribute(attributeType, value));
    return new StunMessage(type, transactionId, more);
  }

  /**
   * This message with MESSAGE-INTEGRITY appended: HMAC-SHA1 under {@code key} (for ICE's
   * short-term credentials, the password's UTF-8 bytes) over the message up to it, its length
   * field counting the attribute (RFC 8489, section 14.5).
   */
  public StunMessage withIntegrity(byte[] key) {
    byte[] before = with(MESSAGE_INTEGRITY, Bytes.of(new byte[20])).encode();
    return with(MESSAGE_INTEGRITY, Bytes.of(hmac(key, before, before.length - 24)));
  }

  /** This message with FINGERPRINT appended: CRC-32 of what precedes it, XOR 0x5354554E. */
  public StunMessage withFingerprint() {
    byte[] before = with(FINGERPRINT, Bytes.of(new byte[4])).encode();
    return with(FINGERPRINT, Bytes.of(ByteBuffer.allocate(4)
        .putInt(crc(before, before.length - 8)).array()));
  }

  /**
   * Whether {@code encoded}, this message's bytes as received, has a MESSAGE-INTEGRITY that
   * {@code key} produced. Attributes after it (only FINGERPRINT may follow) are not covered.
   */
  public static boolean integrityValid(byte[] encoded, byte[] key) {
    int at = offsetOf(encoded, MESSAGE_INTEGRITY);
    if (at < 0 || at + 24 > encoded.length || ((encoded[at + 2] << 8) | (encoded[at + 3] & 0xFF))
        != 20) {
      return false;
    }
    byte[] copy = Arrays.copyOf(encoded, at);
    int length = at + 24 - HEADER_LENGTH;
    copy[2] = (byte) (length >> 8);
    copy[3] = (byte) length;
    byte[] expected = hmac(key, copy, copy.length);
    return MessageDigest.isEqual(expected, Arrays.copyOfRange(encoded, at + 4, at + 24));
  }

  /** Whether {@code encoded} ends with a FINGERPRINT that matches what precedes it. */
  public static boolean fingerprintValid(byte[] encoded) {
    int at = encoded.length - 8;
    if (at < HEADER_LENGTH || ((encoded[at] & 0xFF) << 8 | (encoded[at + 1] & 0xFF))
        != FINGERPRINT) {
      return false;
    }
    return ByteBuffer.wrap(encoded, at + 4, 4).getInt() == crc(encoded, at);
  }

  /** An XOR-MAPPED-ADDRESS value for {@code e} in a message with this transaction ID. */
  public static Bytes xorAddress(Endpoint e, Bytes transactionId) {
    byte[] addr = e.address().octets().toByteArray();
    byte[] mask = mask(transactionId);
    ByteBuffer b = ByteBuffer.allocate(4 + addr.length);
    b.put((byte) 0).put((byte) (addr.length == 4 ? 1 : 2))
        .putShort((short) (e.port() ^ (MAGIC_COOKIE >>> 16)));
    for (int i = 0; i < addr.length; i++) {
      b.put((byte) (addr[i] ^ mask[i]));
    }
    return Bytes.of(b.array());
  }

  /** The endpoint an XOR-MAPPED-ADDRESS value names. */
  public static Endpoint fromXorAddress(Bytes value, Bytes transactionId)
      throws MalformedStunException {
    byte[] v = value.toByteArray();
    int family = v.length >= 4 ? v[1] : 0;
    int n = family == 1 ? 4 : family == 2 ? 16 : -1;
    if (n < 0 || v.length != 4 + n) {
      throw new MalformedStunException("an XOR-MAPPED-ADDRESS of family " + family + " and "
          + v.length + " bytes");
    }
    int port = (((v[2] & 0xFF) << 8) | (v[3] & 0xFF)) ^ (MAGIC_COOKIE >>> 16);
    byte[] mask = mask(transactionId);
    byte[] addr = new byte[n];
    for (int i = 0; i < n; i++) {
      addr[i] = (byte) (v[4 + i] ^ mask[i]);
    }
    return new Endpoint(new IpAddress(Bytes.of(addr)), port);
  }

  /** The magic cookie followed by the transaction ID: what addresses are XORed with. */
  private static byte[] mask(Bytes transactionId) {
    return ByteBuffer.allocate(16).putInt(MAGIC_COOKIE).put(transactionId.toByteArray()).array();
  }

  /** The offset of the first attribute of this type in an encoded message, or -1. */
  private static int offsetOf(byte[] encoded, int attributeType) {
    int i = HEADER_LENGTH;
    while (i + 4 <= encoded.length) {
      int t = ((encoded[i] & 0xFF) << 8) | (encoded[i + 1] & 0xFF);
      int len = ((encoded[i + 2] & 0xFF) << 8) | (encoded[i + 3] & 0xFF);
      if (t == attributeType) {
        return i;
      }
      i += 4 + ((len + 3) & ~3);
    }
    return -1;
  }

  private static byte[] hmac(byte[] key, byte[] data, int length) {
    try {
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, "HmacSHA1"));
      mac.update(data, 0, length);
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM lacks HmacSHA1", e);
    }
  }

  private static int crc(byte[] data, int length) {
    CRC32 c = new CRC32();
    c.update(data, 0, length);
    return (int) c.getValue() ^ FINGERPRINT_XOR;
  }

  /** A SOFTWARE value. */
  public static Bytes text(String s) {
    return Bytes.of(s.getBytes(StandardCharsets.UTF_8));
  }
}
