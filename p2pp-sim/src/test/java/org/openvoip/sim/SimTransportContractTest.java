package org.openvoip.sim;

import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import org.openvoip.p2pp.env.TransportContract;

/** The transport contract on the simulated network, in virtual time. */
class SimTransportContractTest extends TransportContract {
  @Override
  protected Network open() {
    Simulator sim = new Simulator();
    SimNetwork net = new SimNetwork(sim, new LatencyModel(3), 0, 3);
    return new Network() {
      @Override
      public Place add(Receiver receiver) {
        int n = net.addNode(receiver::onBytes);
        return new Place(net.endpoint(n), net.env(n), Runnable::run);
      }

      @Override
      public boolean await(BooleanSupplier condition, long maxMillis) {
        long end = sim.now() + maxMillis;
        while (!condition.getAsBoolean() && sim.now() < end) {
          sim.runUntil(Math.min(end, sim.now() + 10));
        }
        return condition.getAsBoolean();
      }

      @Override
      public Executor callbacks() {
        return Runnable::run;
      }

      @Override
      public void close() {}
    };
  }
}
