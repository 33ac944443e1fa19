package org.openvoip.p2pp.overlay;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import org.openvoip.p2pp.env.Counters;
import org.openvoip.p2pp.env.Env;
import org.openvoip.p2pp.node.OverlayConfig;
import org.openvoip.p2pp.wire.Bytes;
import org.openvoip.p2pp.wire.Method;
import org.openvoip.p2pp.wire.WireObject;

/**
 * An overlay plugin's context for unit tests: it records the requests and lookups the plugin
 * makes (with their callbacks, for the test to answer or fail), runs no timers, and tells the
 * round-trip times the test sets.
 */
public final class RecordingContext implements OverlayContext {
  /** A request the overlay made, with the callback it gave. */
  public record Sent(PeerRef to, Method method, Reply reply) {}

  final PeerRef self;
  final OverlayConfig config;
  final SplittableRandom random = new SplittableRandom(7);
  final Counters counters = new Counters();
  public final List<Sent> sent = new ArrayList<>();
  public final List<Bytes> lookups = new ArrayList<>();
  public final Map<Bytes, Long> rtts = new HashMap<>();
  public long now = 1_000;
  public int responsibilityChanges;

  public RecordingContext(PeerRef self, OverlayConfig config) {
    this.self = self;
    this.config = config;
  }

  @Override
  public PeerRef self() {
    return self;
  }

  @Override
  public OverlayConfig config() {
    return config;
  }

  @Override
  public long now() {
    return now;
  }

  @Override
  public Env.Timer schedule(long delayMillis, Runnable task) {
    return () -> {};
  }

  @Override
  public void every(long periodMillis, Runnable task) {}

  @Override
  public RandomGenerator random() {
    return random;
  }

  @Override
  public Counters counters() {
    return counters;
  }

  @Override
  public WireObject.NeighborTable neighborTableObject() {
    return new WireObject.NeighborTable(List.of());
  }

  @Override
  public void request(PeerRef to, Method method, List<WireObject> objects, Reply reply) {
    sent.add(new Sent(to, method, reply));
  }

  @Override
  public void lookupPeers(Bytes key, int count, Consumer<List<PeerRef>> done) {
    lookups.add(key);
  }

  @Override
  public void explorePeers(Bytes key, int count, Consumer<List<PeerRef>> done) {
    lookups.add(key);
  }

  @Override
  public long rttMillis(PeerRef peer) {
    return rtts.getOrDefault(peer.id(), -1L);
  }

  @Override
  public void responsibilityChanged() {
    responsibilityChanges++;
  }
}
