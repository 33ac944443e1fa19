package org.openvoip.p2pp.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.openvoip.p2pp.wire.text.MessageText;

/**
 * docs/protocol.md cannot drift from the code: its registry tables, per-message object rules and
 * worked examples sit between {@code <!-- generated:NAME -->} and {@code <!-- end:NAME -->}
 * markers, and this test regenerates them from the code and compares. Run with
 * {@code -Dupdate.docs=true} to rewrite them after a deliberate change.
 */
class ProtocolDocTest {
  private static final Path DOC = Path.of("..", "docs", "protocol.md");
  private static final Pattern SECTION = Pattern.compile(
      "(<!-- generated:([a-z-]+) -->\n)(.*?)(<!-- end:\\2 -->)", Pattern.DOTALL);

  @Test
  void generatedSectionsMatchTheCode() throws IOException {
    String doc = Files.readString(DOC, StandardCharsets.UTF_8);
    Map<String, String> sections = sections();
    Matcher m = SECTION.matcher(doc);
    StringBuilder updated = new StringBuilder();
    java.util.Set<String> seen = new java.util.HashSet<>();
    while (m.find()) {
      String name = m.group(2);
      String want = sections.get(name);
      assertThat(want).as("unknown generated section %s in %s", name, DOC).isNotNull();
      seen.add(name);
      m.appendReplacement(updated, Matcher.quoteReplacement(m.group(1) + want + m.group(4)));
    }
    m.appendTail(updated);
    assertThat(seen).as("generated sections present in %s", DOC)
        .containsExactlyInAnyOrderElementsOf(sections.keySet());
    if (Boolean.getBoolean("update.docs")) {
      Files.writeString(DOC, updated.toString(), StandardCharsets.UTF_8);
      return;
    }
    assertThat(doc).as("docs/protocol.md is stale: run ./mvnw -pl p2pp-core test "
        + "-Dtest=ProtocolDocTest -Dupdate.docs=true and review the diff")
        .isEqualTo(updated.toString());
  }

  static Map<String, String> sections() {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("object-types", objectTypes());
    s.put("messages", messages());
    s.put("errors", errors());
    s.put("refusals", refusals());
    s.put("vectors", vectors());
    s.put("examples", examples());
    return s;
  }

  private static String objectTypes() {
    StringBuilder sb = new StringBuilder("| Type | Object | AB sent | Source |\n|---:|---|---|---|\n");
    for (ObjectType t : ObjectType.values()) {
      sb.append("| ").append(t.code()).append(" | ").append(t.wireName()).append(" | ")
          .append(t.flags() == Tlv.FLAGS_MANDATORY ? "00 (mandatory)" : "01 (ignorable)")
          .append(" | ").append(t.code() < 64 ? "draft registry" : "OpenVoIP extension")
          .append(" |\n");
    }
    return sb.toString();
  }

  private static String messages() {
    StringBuilder sb = new StringBuilder(
        "| Type | Message | Request / indication | 2xx response and responseACK |\n|---:|---|---|---|\n");
    for (Method m : Method.values()) {
      Bytes id = Bytes.of(new byte[m.idLength(20)]);
      Header req = Header.request(m, true, false, 1, 1, id);
      Header resp = Header.responseTo(req, false, 200, true, id);
      sb.append("| ").append(m.code()).append(" | ").append(m.wireName())
          .append(m.usesPreJoinIds() ? " (4-byte IDs)" : "").append(" | ")
          .append(rules(MessageSchema.rulesFor(req))).append(" | ")
          .append(rules(MessageSchema.rulesFor(resp))).append(" |\n");
    }
    Header join = Header.request(Method.JOIN, true, false, 1, 1, Bytes.of(new byte[20]));
    sb.append("\nEvery method, other responses and ACKs:\n\n")
        .append("| Message | Objects |\n|---|---|\n")
        .append("| 3xx response | ")
        .append(rules(MessageSchema.rulesFor(Header.responseTo(join, false, 302, true, join.sourceId()))))
        .append(" |\n| 4xx/5xx response | ")
        .append(rules(MessageSchema.rulesFor(Header.responseTo(join, false, 404, true, join.sourceId()))))
        .append(" |\n| ACK (A=1) | ")
        .append(rules(MessageSchema.rulesFor(Header.ackFor(join, true, join.sourceId()))))
        .append(" |\n");
    return sb.toString();
  }

  private static String rules(List<MessageSchema.Rule> rules) {
    StringBuilder sb = new StringBuilder();
    for (MessageSchema.Rule r : rules) {
      if (sb.length() > 0) {
        sb.append(", ");
      }
      String n = r.type().wireName();
      if (r.min() == 1 && r.max() == 1) {
        sb.append(n);
      } else if (r.min() == 0 && r.max() == 1) {
        sb.append('[').append(n).append(']');
      } else if (r.max() == MessageSchema.MANY) {
        sb.append(n).append(r.min() == 0 ? "\\*" : " " + r.min() + "+");
      } else {
        sb.append(n).append(' ').append(r.min()).append("..").append(r.max());
      }
    }
    return sb.length() == 0 ? "(none)" : sb.toString();
  }

  private static String errors() {
    StringBuilder sb = new StringBuilder("| Decoder error | Answer | Error sub-code |\n|---|---|---:|\n");
    for (WireError e : WireError.values()) {
      sb.append("| ").append(e.name()).append(" | ")
          .append(e.responseCode() == 0 ? "none: counted and dropped"
              : e.responseCode() + " " + ResponseCode.reason(e.responseCode()))
          .append(" | ").append(e.subCode()).append(" |\n");
    }
    return sb.toString();
  }

  private static String refusals() {
    StringBuilder sb = new StringBuilder(
        "| Refusal | Answer | Error sub-code | Counter |\n|---|---|---:|---|\n");
    for (org.openvoip.p2pp.security.Refusal r : org.openvoip.p2pp.security.Refusal.values()) {
      sb.append("| ").append(r.name()).append(" | ").append(r.responseCode()).append(' ')
          .append(ResponseCode.reason(r.responseCode())).append(" | ").append(r.subCode())
          .append(" | `").append(r.counter()).append("` |\n");
    }
    return sb.toString();
  }

  private static String vectors() {
    StringBuilder sb = new StringBuilder();
    for (String name : List.of("join-request", "join-response-ack")) {
      sb.append("#### ").append(name).append(".hex\n\n```\n");
      try (var in = ProtocolDocTest.class.getResourceAsStream("vectors/" + name + ".hex")) {
        sb.append(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      sb.append("```\n\n");
    }
    return sb.toString();
  }

  private static String examples() {
    StringBuilder sb = new StringBuilder();
    for (Examples.Example ex : Examples.all()) {
      byte[] wire = WireEncoder.encode(ex.message());
      sb.append("#### ").append(ex.name()).append("\n\n").append(ex.description())
          .append(" (").append(wire.length).append(" bytes).\n\n```\n").append(hexDump(wire))
          .append("```\n\n```\n").append(MessageText.format(ex.message())).append("```\n\n");
    }
    return sb.toString();
  }

  static String hexDump(byte[] b) {
    StringBuilder sb = new StringBuilder();
    for (int row = 0; row < b.length; row += 16) {
      sb.append(String.format("%04x ", row));
      for (int i = row; i < Math.min(row + 16, b.length); i++) {
        sb.append(i == row + 8 ? "  " : " ").append(String.format("%02x", b[i] & 0xFF));
      }
      sb.append('\n');
    }
    return sb.toString();
  }
}
