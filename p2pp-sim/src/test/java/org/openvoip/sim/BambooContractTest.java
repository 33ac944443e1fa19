package org.openvoip.sim;

/** Bamboo passes the overlay contract. */
class BambooContractTest extends OverlayContract {
  @Override
  String overlay() {
    return "bamboo";
  }
}
