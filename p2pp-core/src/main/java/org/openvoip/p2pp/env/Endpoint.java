package org.openvoip.p2pp.env;

import org.openvoip.p2pp.wire.Bytes;
import org.openvoip.p2pp.wire.IpAddress;

/**
 * A transport address: IP address and port. A value (equal when address and port are); not a
 * record only so that it can keep its address and port as one 64-bit key, which runtimes and
 * tables look endpoints up by without reading the address's octets again.
 */
public final class Endpoint {
  private final IpAddress address;
  private final int port;
  private final long key;

  public Endpoint(IpAddress address, int port) {
    if (address == null || port < 0 || port > 0xFFFF) {
      throw new IllegalArgumentException("an endpoint needs an address and a port 0..65535");
    }
    this.address = address;
    this.port = port;
    this.key = computeKey(address, port);
  }

  public static Endpoint of(String address, int port) {
    return new Endpoint(IpAddress.parse(address), port);
  }

  public IpAddress address() {
    return address;
  }

  public int port() {
    return port;
  }

  /**
   * Address and port as one number: for IPv4, exactly (bit 48 set, then the address, then the
   * port), so two IPv4 endpoints have the same key only if they are equal; for IPv6, a 64-bit
   * hash with the top bit set, so it never equals an IPv4 key.
   */
  public long key() {
    return key;
  }

  /** The IPv4 address as an unsigned 32-bit number, or -1 for IPv6. */
  public long ipv4() {
    return key >= 0 ? (key >>> 16) & 0xFFFF_FFFFL : -1;
  }

  private static long computeKey(IpAddress address, int port) {
    Bytes a = address.octets();
    if (a.length() == 4) {
      long ip = ((a.get(0) & 0xFFL) << 24) | ((a.get(1) & 0xFF) << 16) | ((a.get(2) & 0xFF) << 8)
          | (a.get(3) & 0xFF);
      return (1L << 48) | (ip << 16) | port;
    }
    byte[] b = new byte[18];
    a.copyTo(b, 0);
    b[16] = (byte) (port >>> 8);
    b[17] = (byte) port;
    return Bytes.contentHash(b) | Long.MIN_VALUE;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    return o instanceof Endpoint e && key == e.key && port == e.port
        && (key >= 0 || address.equals(e.address));
  }

  @Override
  public int hashCode() {
    return Long.hashCode(key * 0x9E3779B97F4A7C15L);
  }

  @Override
  public String toString() {
    return address.version() == 6 ? "[" + address + "]:" + port : address + ":" + port;
  }
}
