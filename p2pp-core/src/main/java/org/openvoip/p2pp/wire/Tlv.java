package org.openvoip.p2pp.wire;

/** Constants of the generic object header: 8-bit type, A and B flags, 6 reserved bits, 16-bit length. */
public final class Tlv {
  /** Bytes of the object header before the value. */
  public static final int HEADER_LENGTH = 4;
  /** Largest value length the 16-bit Length field can express. */
  public static final int MAX_VALUE_LENGTH = 0xFFFF;

  /** AB=00: an unknown object rejects the whole message. */
  public static final int FLAGS_MANDATORY = 0b00;
  /** AB=01: an unknown object is dropped and the message processed as usual. */
  public static final int FLAGS_IGNORABLE = 0b01;

  private Tlv() {}
}
