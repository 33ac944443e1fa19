package org.openvoip.p2pp.wire.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.openvoip.p2pp.wire.Header;
import org.openvoip.p2pp.wire.Message;
import org.openvoip.p2pp.wire.ResponseCode;
import org.openvoip.p2pp.wire.json.MessageJson;

/**
 * A message as indented text for people. It renders the same fields as the JSON view (one
 * description of each object, two renderings): a leaf object on one line, a container as a
 * heading with its parts indented below.
 */
public final class MessageText {
  private MessageText() {}

  public static String format(Message m) {
    Header h = m.header();
    StringBuilder sb = new StringBuilder();
    sb.append(h.describe());
    if (h.kind().isResponse() || h.ack()) {
      sb.append(' ').append(h.responseCode());
      if (h.responseCode() != 0) {
        sb.append(' ').append(ResponseCode.reason(h.responseCode()));
      }
    }
    sb.append('\n');
    line(sb, 1, "version", Integer.toString(h.version()));
    line(sb, 1, "flags", (h.ack() ? "A (acknowledgement) " : "")
        + (h.peer() ? "P (from a peer)" : "client") + ", "
        + (h.recursive() ? "R (recursive)" : "iterative"));
    line(sb, 1, "ttl", Integer.toString(h.ttl()));
    line(sb, 1, "transaction-id", String.format("%08x", h.transactionId()));
    line(sb, 1, "source-id", h.sourceId().hex());
    if (h.responseId() != null) {
      line(sb, 1, "response-id", h.responseId().hex());
    }
    if (m.objects().isEmpty()) {
      line(sb, 1, "(no objects)", "");
    }
    for (JsonNode o : MessageJson.toJson(m).get("objects")) {
      object(sb, 1, o);
    }
    return sb.toString();
  }

  private static void line(StringBuilder sb, int depth, String label, String value) {
    sb.append("  ".repeat(depth)).append(label);
    if (!value.isEmpty()) {
      sb.append(" ".repeat(Math.max(1, 16 - label.length()))).append(value);
    }
    sb.append('\n');
  }

  private static void object(StringBuilder sb, int depth, JsonNode o) {
    sb.append("  ".repeat(depth)).append(o.path("type").asText());
    StringBuilder children = new StringBuilder();
    for (Map.Entry<String, JsonNode> f : o.properties()) {
      String k = f.getKey();
      JsonNode v = f.getValue();
      if (k.equals("type")) {
        continue;
      }
      if (v.isArray()) {
        boolean containers = k.equals("objects") || k.equals("entries");
        if (!containers) {
          sb.append("  ").append(k).append('=').append(v.size());
        }
        for (JsonNode item : v) {
          if (item.isObject() && item.has("type")) {
            object(children, depth + 1, item);
          } else if (item.isObject()) {
            children.append("  ".repeat(depth + 1)).append(k.endsWith("s") ? k.substring(0,
                k.length() - 1) : k);
            item.properties().forEach(e -> children.append("  ").append(e.getKey())
                .append('=').append(e.getValue().asText()));
            children.append('\n');
          } else {
            children.append("  ".repeat(depth + 1)).append(item.asText()).append('\n');
          }
        }
      } else {
        sb.append("  ").append(k).append('=').append(v.asText());
      }
    }
    sb.append('\n').append(children);
  }
}
