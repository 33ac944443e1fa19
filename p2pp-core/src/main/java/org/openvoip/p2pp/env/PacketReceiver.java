package org.openvoip.p2pp.env;

import org.openvoip.p2pp.wire.Message;

/**
 * Where a runtime hands a node what it received: one datagram, or one frame of a stream, on the
 * node's thread ({@link Env}). The array becomes the receiver's; neither side modifies it.
 */
@FunctionalInterface
public interface PacketReceiver {
  void onBytes(byte[] bytes, Transport transport, Endpoint from);

  /**
   * Received {@code bytes} whose sender, in this process, encoded them from {@code sent}
   * ({@link Env#send(Transport, Endpoint, byte[], Message)}); null if unknown. A receiver may
   * take {@code sent} for what decoding the bytes would give, where its decoder agrees
   * ({@link org.openvoip.p2pp.wire.WireDecoder#wouldDecodeAs}); by default it decodes.
   */
  default void onPacket(byte[] bytes, Message sent, Transport transport, Endpoint from) {
    onBytes(bytes, transport, from);
  }
}
