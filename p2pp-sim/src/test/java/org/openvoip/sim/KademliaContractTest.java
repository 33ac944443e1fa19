package org.openvoip.sim;

/** Kademlia passes the overlay contract. */
class KademliaContractTest extends OverlayContract {
  @Override
  String overlay() {
    return "kademlia";
  }
}
