package org.openvoip.p2pp.wire;

/** The T field of the common header (2 bits). */
public enum MessageKind {
  REQUEST(0, "request"),
  INDICATION(1, "indication"),
  RESPONSE(2, "response"),
  RESPONSE_ACK(3, "responseACK");

  private static final MessageKind[] BY_CODE = values();

  private final int code;
  private final String label;

  MessageKind(int code, String label) {
    this.code = code;
    this.label = label;
  }

  public int code() {
    return code;
  }

  /** The name used in text and JSON: request, indication, response, responseACK. */
  public String label() {
    return label;
  }

  /** True for response and responseACK, which carry a response code and a Response-ID. */
  public boolean isResponse() {
    return this == RESPONSE || this == RESPONSE_ACK;
  }

  public static MessageKind fromCode(int code) {
    return BY_CODE[code & 3];
  }

  /** Accepts the label or the enum name, case-insensitively. */
  public static MessageKind parse(String s) {
    for (MessageKind k : BY_CODE) {
      if (k.label.equalsIgnoreCase(s) || k.name().equalsIgnoreCase(s)) {
        return k;
      }
    }
    throw new IllegalArgumentException(
        "unknown message kind '" + s + "' (request, indication, response, responseACK)");
  }
}
