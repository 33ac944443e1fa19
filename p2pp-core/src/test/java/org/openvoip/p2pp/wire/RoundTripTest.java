package org.openvoip.p2pp.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.openvoip.p2pp.wire.json.MessageJson;

/**
 * Seeded random messages through encode and decode. The seed comes from -Droundtrip.seed (default
 * fixed, so CI is reproducible; set another to explore) and every failure prints it with the
 * message index, so a failure replays exactly.
 */
class RoundTripTest {
  static final long SEED = Long.getLong("roundtrip.seed", 0x0905EED5L);
  static final int COUNT = Integer.getInteger("roundtrip.count", 100_000);

  @Test
  void randomMessagesSurviveEncodeAndDecode() {
    RandomMessages gen = new RandomMessages(SEED);
    WireDecoder[] decoders = new WireDecoder[256];
    Set<Method> methods = EnumSet.noneOf(Method.class);
    Set<ObjectType> types = EnumSet.noneOf(ObjectType.class);
    Set<MessageKind> kinds = EnumSet.noneOf(MessageKind.class);
    for (int i = 0; i < COUNT; i++) {
      int idLen = gen.idLength();
      Message m = gen.message(idLen);
      WireDecoder d = decoders[idLen] != null ? decoders[idLen] : (decoders[idLen] = new WireDecoder(idLen));
      byte[] wire = null;
      try {
        wire = WireEncoder.encode(m);
        assertThat(wire.length).isEqualTo(WireEncoder.encodedLength(m));
        Message back = d.decode(wire);
        assertThat(back).isEqualTo(m);
        assertThat(d.wouldDecodeAs(m, wire)).isTrue();
        assertThat(WireEncoder.encode(back)).isEqualTo(wire);
        assertThat(d.frameLength(wire, 0, wire.length)).isEqualTo(wire.length);
      } catch (Throwable e) {
        fail("round trip failed for message " + i + " (seed 0x" + Long.toHexString(SEED)
            + ", ID length " + idLen + "): " + e + "\n" + m
            + (wire == null ? "" : "\nwire " + Bytes.of(wire).hex()), e);
      }
      methods.add(m.header().method());
      kinds.add(m.header().kind());
      collectTypes(MessageJson.toJson(m), types);
    }
    // The generator must keep covering the whole registry, or this test proves less than it says.
    assertThat(methods).containsExactlyInAnyOrder(Method.values());
    assertThat(kinds).containsExactlyInAnyOrder(MessageKind.values());
    assertThat(types).containsExactlyInAnyOrder(ObjectType.values());
  }

  /**
   * Where decoding would not give the sender's message back, a receiver must not take it for
   * the decoded bytes: another ID length, a size over the limit, a code in a request (the
   * decoder clears it).
   */
  @Test
  void wouldDecodeAsSaysNoWhereDecodingGivesSomethingElse() throws Exception {
    Bytes id = Bytes.ownerOf(new byte[20]);
    Message join = Message.of(Header.request(Method.JOIN, true, false, 10, 1, id),
        WireObject.PeerInfo.of(id, null));
    byte[] wire = WireEncoder.encode(join);
    assertThat(new WireDecoder(20).wouldDecodeAs(join, wire)).isTrue();
    assertThat(new WireDecoder(8).wouldDecodeAs(join, wire)).as("8-byte IDs").isFalse();
    WireDecoder small = new WireDecoder(20, wire.length - Header.FIXED_LENGTH - 20 - 1);
    assertThat(small.wouldDecodeAs(join, wire)).as("over the limit").isFalse();
    assertThat(new WireDecoder(20, wire.length - Header.FIXED_LENGTH - 20).wouldDecodeAs(join,
        wire)).as("at the limit").isTrue();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> small.decode(wire))
        .isInstanceOf(MalformedMessageException.class);

    Message coded = new Message(new Header(Header.VERSION, MessageKind.REQUEST, false, true,
        false, 5, Method.JOIN, 10, 2, id, null), join.objects());
    byte[] codedWire = WireEncoder.encode(coded);
    assertThat(new WireDecoder(20).decode(codedWire)).isNotEqualTo(coded);
    assertThat(new WireDecoder(20).wouldDecodeAs(coded, codedWire)).as("code 5 in a request")
        .isFalse();
  }

  /** Every object type in the message, nested ones included, read off its JSON tree. */
  private static void collectTypes(JsonNode n, Set<ObjectType> into) {
    if (n.isObject() && n.has("type") && !n.has("version")) {
      into.add(ObjectType.parse(n.get("type").asText()));
    }
    n.elements().forEachRemaining(child -> collectTypes(child, into));
  }

  @Test
  void randomMessagesSurviveJson() {
    RandomMessages gen = new RandomMessages(SEED ^ 0x15);
    for (int i = 0; i < 5_000; i++) {
      Message m = gen.message(gen.idLength());
      try {
        assertThat(MessageJson.fromJson(MessageJson.toJson(m))).isEqualTo(m);
      } catch (Throwable e) {
        fail("JSON round trip failed for message " + i + " (seed 0x" + Long.toHexString(SEED ^ 0x15)
            + "): " + e + "\n" + MessageJson.toJson(m).toPrettyString(), e);
      }
    }
  }
}
