package org.openvoip.p2pp.env;

/**
 * Where a runtime hands a node what it received: one datagram, or one frame of a stream, on the
 * node's thread ({@link Env}). The array becomes the receiver's; neither side modifies it.
 */
@FunctionalInterface
public interface PacketReceiver {
  void onBytes(byte[] bytes, Transport transport, Endpoint from);
}
