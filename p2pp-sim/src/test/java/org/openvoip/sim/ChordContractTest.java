package org.openvoip.sim;

/** Chord passes the overlay contract. */
class ChordContractTest extends OverlayContract {
  @Override
  String overlay() {
    return "chord";
  }
}
