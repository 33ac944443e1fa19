package org.openvoip.p2pp.node;

import org.openvoip.p2pp.env.Endpoint;
import org.openvoip.p2pp.wire.Bytes;

/**
 * One node's settings.
 *
 * @param id the node's peer-ID (the overlay's ID length), or null to draw one at random
 * @param address where other nodes reach this node (advertised in its Peer-Info)
 * @param overlay the overlay's shared configuration
 * @param bootstrap the bootstrap server to ask for peers, or null for the first peer
 * @param bootstrapServer whether this node answers Bootstrap requests
 * @param security the node's identity and what it checks of others, or null in an overlay
 *     without security (trusted networks, the simulator's default)
 */
public record NodeConfig(
    Bytes id, Endpoint address, OverlayConfig overlay, Endpoint bootstrap,
    boolean bootstrapServer, Security security) {
  public NodeConfig {
    if (address == null || overlay == null) {
      throw new IllegalArgumentException("a node needs an address and an overlay configuration");
    }
    if (security != null) {
      if (id == null) {
        id = security.identity().nodeId();
      } else if (!security.identity().nodeIds().contains(id)) {
        throw new IllegalArgumentException("the node ID " + id.hex()
            + " is not one the node's certificate binds");
      }
    }
    if (id != null && id.length() != overlay.idLength()) {
      throw new IllegalArgumentException("the node ID has " + id.length()
          + " bytes but the overlay uses " + overlay.idLength());
    }
  }

  /** A node of an overlay without security. */
  public NodeConfig(Bytes id, Endpoint address, OverlayConfig overlay, Endpoint bootstrap,
      boolean bootstrapServer) {
    this(id, address, overlay, bootstrap, bootstrapServer, null);
  }

  /** A peer with a random ID that joins through {@code bootstrap} (null: starts the overlay). */
  public static NodeConfig peer(Endpoint address, OverlayConfig overlay, Endpoint bootstrap) {
    return new NodeConfig(null, address, overlay, bootstrap, false);
  }
}
