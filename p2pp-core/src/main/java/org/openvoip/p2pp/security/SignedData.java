package org.openvoip.p2pp.security;

import org.openvoip.p2pp.wire.Bytes;
import org.openvoip.p2pp.wire.WireEncoder;
import org.openvoip.p2pp.wire.WireObject.DataEntry;
import org.openvoip.p2pp.wire.WireObject.ResourceObject;

/**
 * The bytes a Resource-Object's owner signs (docs/protocol.md, "What a Resource-Object's
 * Signature signs"): Resource-ID, Cont-Type, Sub-Type, Owner, the Data-Entry and the value; not
 * Expires, which counts down in transit.
 */
public final class SignedData {
  private SignedData() {}

  /**
   * The bytes to sign or verify for {@code o}.
   *
   * @throws IllegalArgumentException if {@code o} has no Data-Entry (a signed object needs one)
   */
  public static byte[] toBeSigned(ResourceObject o) {
    DataEntry d = o.entry();
    if (d == null) {
      throw new IllegalArgumentException("a signed Resource-Object needs a Data-Entry");
    }
    Bytes rid = o.resourceId().id();
    Bytes owner = o.owner() == null ? Bytes.EMPTY : o.owner().value();
    byte[] entry = WireEncoder.encodeValue(d);
    byte[] b = new byte[1 + rid.length() + 2 + 2 + owner.length() + entry.length + 2
        + o.value().length()];
    int p = 0;
    b[p++] = (byte) rid.length();
    rid.copyTo(b, p);
    p += rid.length();
    b[p++] = (byte) o.contentType();
    b[p++] = (byte) o.subType();
    b[p++] = (byte) (owner.length() >>> 8);
    b[p++] = (byte) owner.length();
    owner.copyTo(b, p);
    p += owner.length();
    System.arraycopy(entry, 0, b, p, entry.length);
    p += entry.length;
    b[p++] = (byte) (o.value().length() >>> 8);
    b[p++] = (byte) o.value().length();
    o.value().copyTo(b, p);
    return b;
  }
}
