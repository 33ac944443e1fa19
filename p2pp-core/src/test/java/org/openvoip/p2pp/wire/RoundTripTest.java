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
