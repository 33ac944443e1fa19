package org.openvoip.p2pp.wire;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.openvoip.p2pp.wire.json.MessageJson;
import org.openvoip.p2pp.wire.text.MessageText;

/**
 * Coverage-guided fuzzing of {@link WireDecoder} with Jazzer: arbitrary bytes must either decode
 * to a message that survives every view of it, or be rejected with a {@link
 * MalformedMessageException}. Any other throwable is a finding.
 *
 * <p>Two modes (Jazzer decides by the JAZZER_FUZZ environment variable):
 *
 * <ul>
 *   <li>Regression (every {@code ./mvnw test}): runs once per file under {@code
 *       src/test/resources/org/openvoip/p2pp/wire/WireDecoderFuzzTestInputs/fuzzDecoder/} (raw
 *       datagrams: the worked examples, truncations, mutations, inputs the fuzzer found).
 *   <li>Fuzzing (the {@code fuzz} execution in p2pp-core's pom, phase integration-test, so every
 *       {@code ./mvnw verify}; for {@code -Dfuzz.duration} seconds): libFuzzer mutates those
 *       inputs. The corpus it grows goes to p2pp-core/.cifuzz-corpus/ (git-ignored); a crashing
 *       input is written as {@code crash-<sha1>} into the inputs directory above, so it replays in
 *       every later build.
 * </ul>
 *
 * <p>Properties checked for every input:
 *
 * <ul>
 *   <li>decode, frameLength and inferIdLength throw nothing but MalformedMessageException;
 *   <li>the same bytes inside a larger buffer ({@code decode(buf, off, len, sink)}) give the same
 *       outcome, the same error text and the same ignored objects, all within the message;
 *   <li>frameLength agrees with decode; inferIdLength gives the ID length of a decoded message;
 *   <li>a decoded message re-encodes (canonically: no longer than the input, idempotent) to bytes
 *       that decode to an equal message; MessageText and MessageJson render it, and its JSON, as a
 *       tree and as text, reads back to an equal message;
 *   <li>a rejection with a parsed header carries a response code to answer with and an Error
 *       object.
 * </ul>
 */
class WireDecoderFuzzTest {
  private static final int ID_LENGTH = WireDecoder.DEFAULT_ID_LENGTH;
  private static final WireDecoder DECODER = new WireDecoder(ID_LENGTH);
  private static final WireDecoder[] DECODERS = new WireDecoder[256];
  /**
   * A sharing decoder kept across inputs, as the simulator keeps one across packets: its shared
   * IDs, Peer-Infos and tables must never change what an input decodes to. Small, so that
   * inputs evict each other's values.
   */
  private static final WireDecoder SHARING = DECODER.withSharing(8);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  static {
    DECODERS[ID_LENGTH] = DECODER;
  }

  /** maxDuration bounds IDE runs with JAZZER_FUZZ=1; the pom's fuzz execution sets its own. */
  @FuzzTest(maxDuration = "5m")
  void fuzzDecoder(byte[] input) {
    List<long[]> ignored = new ArrayList<>();
    Object outcome = decode(DECODER, input, 0, input.length, ignored, input.length);

    // The same bytes at an offset inside a larger buffer, with bytes before and after that a
    // decoder reading outside [off, off + len) would trip over (a copy of the input's header).
    int pre = 1 + input.length % 7;
    int post = 1 + Math.min(input.length, 16);
    byte[] framed = new byte[pre + input.length + post];
    Arrays.fill(framed, 0, pre, (byte) 0xA5);
    System.arraycopy(input, 0, framed, pre, input.length);
    System.arraycopy(input, 0, framed, pre + input.length, Math.min(input.length, 16));
    framed[framed.length - 1] = (byte) 0xFF;
    List<long[]> ignoredFramed = new ArrayList<>();
    Object outcomeFramed = decode(DECODER, framed, pre, input.length, ignoredFramed, input.length);
    check(sameOutcome(outcome, outcomeFramed), "decode at offset " + pre + " differs: "
        + describe(outcome) + " vs " + describe(outcomeFramed));
    check(ignored.size() == ignoredFramed.size(), "ignored objects differ at an offset");
    for (int i = 0; i < ignored.size(); i++) {
      check(Arrays.equals(ignored.get(i), ignoredFramed.get(i)),
          "ignored object " + i + " differs at an offset");
    }

    checkFrameLength(input, 0, input.length, outcome);
    checkFrameLength(framed, pre, input.length, outcome);

    // Twice through the sharing decoder (the second time its values are remembered, unless
    // evicted): the same outcome as the plain decoder each time.
    for (int i = 0; i < 2; i++) {
      Object shared = decode(SHARING, input, 0, input.length, null, input.length);
      check(sameOutcome(outcome, shared), "the sharing decoder differs: "
          + describe(outcome) + " vs " + describe(shared));
    }

    int inferred = WireDecoder.inferIdLength(input);
    check(inferred == -1 || (inferred >= 1 && inferred <= 255), "inferIdLength gave " + inferred);
    if (outcome instanceof Message m) {
      check(inferred == m.header().sourceId().length(),
          "inferIdLength gave " + inferred + " for a message with "
              + m.header().sourceId().length() + "-byte IDs");
      checkDecoded(DECODER, m, input.length);
    } else {
      checkRejected((MalformedMessageException) outcome);
    }

    // Other overlays: bytes the 20-byte decoder rejects are decoded again with the ID length they
    // imply, which reaches ID lengths that the 20-byte decoder never sees.
    if (!(outcome instanceof Message) && inferred > 0 && inferred != ID_LENGTH) {
      WireDecoder other = decoderFor(inferred);
      Object o = decode(other, input, 0, input.length, new ArrayList<>(), input.length);
      if (o instanceof Message m) {
        checkDecoded(other, m, input.length);
      } else {
        checkRejected((MalformedMessageException) o);
      }
    }
  }

  /**
   * A decoded message, or the MalformedMessageException; anything else propagates. Without a
   * list for ignored objects, decodes without a sink.
   */
  private static Object decode(
      WireDecoder d, byte[] buf, int off, int len, List<long[]> ignored, int messageLength) {
    try {
      if (ignored == null) {
        return d.decode(buf, off, len, null);
      }
      return d.decode(buf, off, len, (type, offset, length) -> {
        check(type >= 0 && type <= 255, "ignored object type " + type);
        check(offset >= Header.FIXED_LENGTH && length >= 0
                && (long) offset + Tlv.HEADER_LENGTH + length <= messageLength,
            "ignored object at " + offset + " (+4+" + length + ") outside the " + messageLength
                + "-byte message");
        ignored.add(new long[] {type, offset, length});
      });
    } catch (MalformedMessageException e) {
      return e;
    }
  }

  /** frameLength over the {@code len} bytes at {@code off}, as a stream reader would ask. */
  private static void checkFrameLength(byte[] buf, int off, int len, Object outcome) {
    int frame;
    try {
      frame = DECODER.frameLength(buf, off, len);
    } catch (MalformedMessageException e) {
      check(!(outcome instanceof Message), "frameLength rejects what decode accepts: " + e);
      checkRejected(e);
      return;
    }
    if (len < Header.FIXED_LENGTH) {
      check(frame == -1, "frameLength gave " + frame + " for " + len + " bytes");
    } else {
      check(frame > Header.FIXED_LENGTH, "frameLength gave " + frame);
    }
    if (outcome instanceof Message) {
      check(frame == len, "frameLength gave " + frame + " for a " + len + "-byte message");
    }
  }

  /** The properties of a message the decoder accepted. */
  private static void checkDecoded(WireDecoder d, Message m, int inputLength) {
    byte[] wire = WireEncoder.encode(m);
    check(wire.length == WireEncoder.encodedLength(m), "encodedLength disagrees with encode");
    check(wire.length <= inputLength,
        "canonical encoding is longer (" + wire.length + ") than the input (" + inputLength + ")");
    Message again;
    try {
      again = d.decode(wire);
    } catch (MalformedMessageException e) {
      throw new AssertionError("re-encoded message does not decode: " + e.reason() + ": "
          + e.getMessage() + "\n" + m + "\nwire " + Bytes.of(wire).hex(), e);
    }
    check(again.equals(m), "re-encoded message decodes differently:\n" + m + "\n" + again);
    check(Arrays.equals(WireEncoder.encode(again), wire), "canonical encoding is not idempotent");
    try {
      check(d.frameLength(wire, 0, wire.length) == wire.length,
          "frameLength of a canonical message");
    } catch (MalformedMessageException e) {
      throw new AssertionError("frameLength rejects a canonical message: " + e.getMessage(), e);
    }

    Objects.requireNonNull(MessageText.format(m));
    ObjectNode json = MessageJson.toJson(m);
    Message fromTree = MessageJson.fromJson(json);
    check(fromTree.equals(m), "JSON tree reads back differently:\n" + m + "\n" + fromTree);
    Message fromText;
    try {
      fromText = MessageJson.fromJson(MAPPER.readTree(MAPPER.writeValueAsString(json)));
    } catch (JsonProcessingException e) {
      throw new AssertionError("JSON text does not parse: " + json, e);
    }
    check(fromText.equals(m), "JSON text reads back differently:\n" + m + "\n" + fromText);
  }

  /** The properties of a rejection. */
  private static void checkRejected(MalformedMessageException e) {
    Objects.requireNonNull(e.reason(), "reason");
    Objects.requireNonNull(e.getMessage(), "message");
    check(e.objectType() >= 0 && e.objectType() <= 255, "objectType " + e.objectType());
    Objects.requireNonNull(e.toErrorInfo(), "toErrorInfo");
    if (e.header() != null) {
      check(e.responseCode() > 0,
          "a rejection with a parsed header must be answered, but its code is "
              + e.responseCode() + " (" + e.reason() + ": " + e.getMessage() + ")");
    }
  }

  private static boolean sameOutcome(Object a, Object b) {
    if (a instanceof Message ma) {
      return ma.equals(b);
    }
    if (!(b instanceof MalformedMessageException eb)) {
      return false;
    }
    MalformedMessageException ea = (MalformedMessageException) a;
    return ea.reason() == eb.reason() && ea.objectType() == eb.objectType()
        && Objects.equals(ea.getMessage(), eb.getMessage())
        && Objects.equals(ea.header(), eb.header());
  }

  private static String describe(Object outcome) {
    if (outcome instanceof MalformedMessageException e) {
      return e.reason() + " (" + e.getMessage() + ")";
    }
    return String.valueOf(outcome);
  }

  private static WireDecoder decoderFor(int idLength) {
    WireDecoder d = DECODERS[idLength];
    if (d == null) {
      d = new WireDecoder(idLength);
      DECODERS[idLength] = d;
    }
    return d;
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      throw new AssertionError(what);
    }
  }
}
