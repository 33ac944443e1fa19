package org.openvoip.p2pp.env;

import org.openvoip.p2pp.wire.IpAddress;

/** A transport address: IP address and port. */
public record Endpoint(IpAddress address, int port) {
  public Endpoint {
    if (address == null || port < 0 || port > 0xFFFF) {
      throw new IllegalArgumentException("an endpoint needs an address and a port 0..65535");
    }
  }

  public static Endpoint of(String address, int port) {
    return new Endpoint(IpAddress.parse(address), port);
  }

  @Override
  public String toString() {
    return address.version() == 6 ? "[" + address + "]:" + port : address + ":" + port;
  }
}
