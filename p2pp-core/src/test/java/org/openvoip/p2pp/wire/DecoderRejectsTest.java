package org.openvoip.p2pp.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openvoip.p2pp.wire.WireObject.*;

/** Every kind of bad input gets its typed error, its response code, and a message naming it. */
class DecoderRejectsTest {
  private final WireDecoder decoder = new WireDecoder(20);
  private final byte[] join = TestVectors.load("join-request");

  private MalformedMessageException reject(byte[] bytes) {
    try {
      decoder.decode(bytes);
    } catch (MalformedMessageException e) {
      return e;
    }
    throw new AssertionError("accepted " + Bytes.of(bytes).hex());
  }

  /** A Join request header (20-byte source) followed by {@code objects}, Message Length set. */
  private static byte[] joinWith(byte[]... objects) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (byte[] o : objects) {
      body.writeBytes(o);
    }
    byte[] b = body.toByteArray();
    byte[] out = Arrays.copyOf(Arrays.copyOf(TestVectors.load("join-request"), 36), 36 + b.length);
    System.arraycopy(b, 0, out, 36, b.length);
    out[12] = (byte) (b.length >>> 24);
    out[13] = (byte) (b.length >>> 16);
    out[14] = (byte) (b.length >>> 8);
    out[15] = (byte) b.length;
    return out;
  }

  private static byte[] tlv(int type, int flags, byte... value) {
    byte[] o = new byte[4 + value.length];
    o[0] = (byte) type;
    o[1] = (byte) (flags << 6);
    o[2] = (byte) (value.length >>> 8);
    o[3] = (byte) value.length;
    System.arraycopy(value, 0, o, 4, value.length);
    return o;
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  private static byte[] peerInfoBytes() {
    return Arrays.copyOfRange(TestVectors.load("join-request"), 36, 83);
  }

  @Test
  void shortOrForeignBytesAreNotP2ppAndGetNoAnswer() {
    MalformedMessageException e = reject(new byte[15]);
    assertThat(e.reason()).isEqualTo(WireError.NOT_P2PP);
    assertThat(e.responseCode()).isZero();
    assertThat(e.header()).isNull();

    byte[] stun = join.clone();
    stun[4] = 0x21;
    stun[5] = 0x12;
    stun[6] = (byte) 0xA4;
    stun[7] = 0x42;
    e = reject(stun);
    assertThat(e.reason()).isEqualTo(WireError.NOT_P2PP);
    assertThat(e.getMessage()).contains("STUN");
  }

  @Test
  void otherVersionsAndUnknownMethodsAreRefused() {
    byte[] v2 = join.clone();
    v2[0] = (byte) 0x84;
    assertThat(reject(v2).reason()).isEqualTo(WireError.UNSUPPORTED_VERSION);

    byte[] unknown = join.clone();
    unknown[2] = (byte) 200;
    MalformedMessageException e = reject(unknown);
    assertThat(e.reason()).isEqualTo(WireError.UNKNOWN_METHOD);
    assertThat(e.getMessage()).contains("200");
  }

  @Test
  void everyTruncationIsDetectedAndNamed() {
    for (int n = 0; n < join.length; n++) {
      MalformedMessageException e = reject(Arrays.copyOf(join, n));
      assertThat(e.reason()).as("prefix of %d bytes", n)
          .isIn(WireError.NOT_P2PP, WireError.TRUNCATED);
      assertThat(e.getMessage()).isNotBlank();
      if (n < 36) { // the Source-ID is incomplete: nobody to answer
        assertThat(e.header()).isNull();
        assertThat(e.responseCode()).isZero();
      } else {
        assertThat(e.header().transactionId()).isEqualTo(12345);
        assertThat(e.responseCode()).isEqualTo(400);
      }
    }
  }

  @Test
  void trailingBytesAreRefusedWithTheHeaderKnown() {
    MalformedMessageException e = reject(Arrays.copyOf(join, join.length + 1));
    assertThat(e.reason()).isEqualTo(WireError.TRAILING_BYTES);
    assertThat(e.responseCode()).isEqualTo(400);
    assertThat(e.header().transactionId()).isEqualTo(12345);
  }

  @Test
  void aHugeMessageLengthGets413WithoutAllocating() {
    byte[] big = join.clone();
    big[12] = (byte) 0x7f; // claims ~2 GB of objects
    MalformedMessageException e = reject(big);
    assertThat(e.reason()).isEqualTo(WireError.MESSAGE_TOO_LARGE);
    assertThat(e.responseCode()).isEqualTo(413);
    assertThat(e.header()).isNotNull();
    assertThatThrownBy(() -> decoder.frameLength(big, 0, big.length))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("exceeds the limit");
  }

  @Test
  void streamFramingNeedsOnlyTheFixedHeader() throws Exception {
    assertThat(decoder.frameLength(join, 0, 15)).isEqualTo(-1);
    assertThat(decoder.frameLength(join, 0, 16)).isEqualTo(83);
    byte[] two = concat(join, TestVectors.load("join-response-ack"));
    int first = decoder.frameLength(two, 0, two.length);
    assertThat(decoder.frameLength(two, first, two.length - first)).isEqualTo(111);
    assertThat(decoder.decode(two, first, 111, null).header().kind())
        .isEqualTo(MessageKind.RESPONSE_ACK);
  }

  @Test
  void unknownMandatoryObjectRejectsTheMessage() {
    MalformedMessageException e = reject(joinWith(peerInfoBytes(), tlv(99, 0b00, (byte) 1)));
    assertThat(e.reason()).isEqualTo(WireError.UNKNOWN_MANDATORY_OBJECT);
    assertThat(e.objectType()).isEqualTo(99);
    assertThat(e.toErrorInfo().subCode()).isEqualTo(1); // the draft's "Unrecognized Object"
    assertThat(e.responseCode()).isEqualTo(400);
  }

  @Test
  void unknownIgnorableObjectIsDroppedEvenInsidePeerInfo() throws Exception {
    byte[] pi = peerInfoBytes();
    byte[] nested = concat(tlv(0, 0, concat(Arrays.copyOfRange(pi, 4, pi.length),
        tlv(120, 0b01, (byte) 9, (byte) 9))));
    byte[] wire = joinWith(nested, tlv(99, 0b01, (byte) 1, (byte) 2, (byte) 3));
    List<String> ignored = new ArrayList<>();
    Message m = decoder.decode(wire, 0, wire.length, (type, off, len) -> ignored.add(type + "@" + off + "/" + len));
    assertThat(m).isEqualTo(Examples.joinRequest());
    assertThat(ignored).containsExactly("120@83/2", "99@89/3");
  }

  @Test
  void reservedAbFlagsAreRefused() {
    MalformedMessageException e = reject(joinWith(peerInfoBytes(), tlv(99, 0b10)));
    assertThat(e.reason()).isEqualTo(WireError.RESERVED_FLAGS);
  }

  @Test
  void missingMandatoryObjectsAreNamed() {
    MalformedMessageException e = reject(joinWith());
    assertThat(e.reason()).isEqualTo(WireError.MISSING_OBJECT);
    assertThat(e.getMessage()).isEqualTo("Join request needs a Peer-Info");
    assertThat(e.objectType()).isEqualTo(ObjectType.PEER_INFO.code());

    Message keepAlive = Message.of(
        Header.request(Method.KEEP_ALIVE, true, false, 1, 1, Examples.JOINING_PEER),
        Examples.peer(Examples.JOINING_PEER, 10, 0, 0, 1));
    e = reject(WireEncoder.encodeUnchecked(keepAlive));
    assertThat(e.getMessage()).isEqualTo("KeepAlive request needs an Expires");
    assertThatThrownBy(() -> WireEncoder.encode(keepAlive))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Expires");
  }

  @Test
  void knownButMisplacedObjectsAreRefusedOrDroppedByTheirFlags() throws Exception {
    byte[] uptime = tlv(ObjectType.UPTIME.code(), 0b00, new byte[4]);
    MalformedMessageException e = reject(joinWith(peerInfoBytes(), uptime));
    assertThat(e.reason()).isEqualTo(WireError.UNEXPECTED_OBJECT);
    assertThat(e.getMessage()).contains("Uptime is not allowed in a Join request");

    byte[] ignorableUptime = tlv(ObjectType.UPTIME.code(), 0b01, new byte[4]);
    assertThat(decoder.decode(joinWith(peerInfoBytes(), ignorableUptime)))
        .isEqualTo(Examples.joinRequest());
  }

  @Test
  void tooManyOfAnObjectIsRefused() {
    byte[] po = tlv(ObjectType.PLOOKUP.code(), 0, concat(new byte[] {4}, new byte[20]));
    Message lookup = Message.of(
        Header.request(Method.LOOKUP_PEER, true, false, 5, 1, Examples.JOINING_PEER),
        Examples.peer(Examples.JOINING_PEER, 10, 0, 0, 1));
    byte[] base = WireEncoder.encodeUnchecked(lookup);
    byte[] wire = concat(base, po, po);
    int len = wire.length - 36;
    wire[15] = (byte) len;
    MalformedMessageException e = reject(wire);
    assertThat(e.reason()).isEqualTo(WireError.UNEXPECTED_OBJECT);
    assertThat(e.getMessage()).isEqualTo("LookupPeer request carries 2 PLookup, at most 1");
  }

  @Test
  void malformedValuesAreNamedWithTheirObject() {
    // Peer-Info with nothing in it
    assertThat(reject(joinWith(tlv(0, 0))).getMessage()).contains("Peer-Info")
        .contains("neither Peer-ID nor Address-Info");
    // Address-Info with IP-ver 5
    byte[] badIp = peerInfoBytes();
    badIp[4 + 24 + 5] = 0x05;
    assertThat(reject(joinWith(badIp)).getMessage()).contains("IP-ver 5");
    // Address-Info that promises two candidates and holds one
    byte[] twoPromised = peerInfoBytes();
    twoPromised[4 + 24 + 4] = 2;
    assertThat(reject(joinWith(twoPromised)).getMessage()).contains("ends before candidate 2");
    // An Expires of 3 bytes inside Peer-Info
    byte[] pi = peerInfoBytes();
    byte[] withShortExpires = tlv(0, 0, concat(Arrays.copyOfRange(pi, 4, pi.length),
        tlv(ObjectType.EXPIRES.code(), 0, new byte[3])));
    MalformedMessageException e = reject(joinWith(withShortExpires));
    assertThat(e.reason()).isEqualTo(WireError.MALFORMED_OBJECT);
    assertThat(e.getMessage()).contains("Expires").contains("is 4 bytes, not 3");
    // Two Peer-IDs in one Peer-Info
    byte[] twoIds = tlv(0, 0, concat(Arrays.copyOfRange(pi, 4, 28), Arrays.copyOfRange(pi, 4, 28)));
    assertThat(reject(joinWith(twoIds)).getMessage()).contains("has two Peer-ID objects");
    // A child object that runs past its parent
    byte[] overrun = peerInfoBytes();
    overrun[3] = 10;
    assertThat(reject(joinWith(Arrays.copyOf(overrun, 14))).reason()).isEqualTo(WireError.TRUNCATED);
  }

  @Test
  void dataEntriesMustMatchTheirModel() throws Exception {
    // A Publish whose Resource-Object ends with a dictionary Data-Entry (key "k").
    Message ok = Examples.publishRequest(new byte[] {1});
    ResourceObject ro = ok.first(ResourceObject.class);
    ResourceObject withEntry = new ResourceObject(ro.contentType(), ro.subType(),
        ro.resourceId(), ro.value(), null, ro.owner(), ro.expires(), null, null,
        DataEntry.dictionary(42, true, Bytes.of((byte) 'k')));
    byte[] good = WireEncoder.encode(new Message(ok.header(), List.of(ok.objects().get(0),
        withEntry)));
    assertThat(decoder.decode(good).first(ResourceObject.class).entry())
        .isEqualTo(DataEntry.dictionary(42, true, Bytes.of((byte) 'k')));
    int entry = good.length - 17; // TLV header 4, model 1, flags 1, time 8, key length 2, key 1
    assertThat(good[entry]).isEqualTo((byte) ObjectType.DATA_ENTRY.code());
    byte[] model = good.clone();
    model[entry + 4] = 3;
    assertThat(reject(model).getMessage()).contains("Data-Entry").contains("unknown data model 3");
    byte[] flags = good.clone();
    flags[entry + 5] = 0x03;
    assertThat(reject(flags).getMessage()).contains("unknown flags 3");
    byte[] single = good.clone();
    single[entry + 4] = 0; // a single value with 3 bytes too many
    assertThat(reject(single).getMessage()).contains("of a single value is 10 bytes, not 13");
    byte[] key = good.clone();
    key[entry + 15] = 2; // key length 2, one byte left
    assertThat(reject(key).getMessage()).contains("key length 2 does not match");
    byte[] time = good.clone();
    time[entry + 6] = (byte) 0x80;
    assertThat(reject(time).getMessage()).contains("storage time exceeds 2^63-1");
  }

  @Test
  void tablesMustHoldWhatTheySay() {
    byte[] table = tlv(ObjectType.ROUTING_TABLE.code(), 0, concat(new byte[] {3}, peerInfoBytes()));
    Message resp = Message.of(Header.responseTo(Examples.joinRequest().header(), false, 200, true,
        Examples.ADMITTING_PEER), Examples.peer(Examples.ADMITTING_PEER, 10, 0, 0, 2));
    byte[] base = WireEncoder.encode(resp);
    byte[] wire = concat(base, table);
    wire[15] = (byte) (wire.length - 56);
    assertThat(reject(wire).getMessage()).contains("Routing-Table").contains("says 3 entries but holds 1");
  }

  @Test
  void responseCodesBelow200AreRefused() {
    byte[] r = TestVectors.load("join-response-ack");
    r[1] = 100;
    MalformedMessageException e = reject(r);
    assertThat(e.reason()).isEqualTo(WireError.BAD_RESPONSE_CODE);
    assertThat(e.getMessage()).contains("100");
  }

  @Test
  void aRedirectNeedsANextHop() {
    Message oneHop = Message.of(Header.responseTo(Examples.joinRequest().header(), true,
        ResponseCode.NEXT_HOP, true, Examples.ADMITTING_PEER),
        Examples.peer(Examples.ADMITTING_PEER, 10, 0, 0, 2));
    assertThat(reject(WireEncoder.encodeUnchecked(oneHop)).getMessage())
        .isEqualTo("Join responseACK needs 2 Peer-Info (has 1)");
  }

  @Test
  void errorReasonMustBeUtf8() {
    Message m = Examples.all().stream().filter(x -> x.name().equals("lookup-object-not-found"))
        .findFirst().orElseThrow().message();
    byte[] wire = WireEncoder.encode(m);
    wire[wire.length - 1] = (byte) 0xC3; // a lone lead byte
    assertThat(reject(wire).getMessage()).contains("Error").contains("not valid UTF-8");
  }

  @Test
  void idLengthsComeFromTheOverlayExceptBeforeJoining() throws Exception {
    Message join32 = Message.of(Header.request(Method.JOIN, true, true, 3, 9, Bytes.of(new byte[32])),
        PeerInfo.of(Bytes.of(new byte[32]),
            Examples.joinRequest().first(PeerInfo.class).addressInfo()));
    byte[] wire = WireEncoder.encode(join32);
    assertThat(new WireDecoder(32).decode(wire)).isEqualTo(join32);
    // Read with a 20-byte overlay's decoder, the 12 extra ID bytes are left over at the end.
    assertThat(reject(wire).reason()).isEqualTo(WireError.TRAILING_BYTES);
    assertThat(WireDecoder.inferIdLength(wire)).isEqualTo(32);

    // Bootstrap uses 4-byte IDs whatever the overlay's length is.
    Message boot = Examples.all().get(3).message();
    assertThat(boot.header().method()).isEqualTo(Method.BOOTSTRAP);
    assertThat(new WireDecoder(32).decode(WireEncoder.encode(boot))).isEqualTo(boot);
  }

  @Test
  void headersRejectImpossibleCombinations() {
    assertThatThrownBy(() -> new Header(1, MessageKind.RESPONSE, false, true, false, 200,
        Method.JOIN, 1, 1, Examples.JOINING_PEER, null))
        .hasMessageContaining("carries a Response-ID");
    assertThatThrownBy(() -> Header.request(Method.BOOTSTRAP, true, false, 1, 1, Examples.JOINING_PEER))
        .hasMessageContaining("4-byte IDs");
  }
}
