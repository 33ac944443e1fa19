package org.openvoip.p2pp.node;

import java.util.LinkedHashMap;
import java.util.Map;
import org.openvoip.p2pp.env.Endpoint;

/**
 * Round-trip estimates per peer (RFC 6298's smoothed RTT and variation), for hop timeouts.
 * Remembers the most recently measured peers only.
 */
final class RttTable {
  private static final int CAPACITY = 64;

  private static final class Estimate {
    double srtt;
    double rttvar;
  }

  private final Map<Endpoint, Estimate> estimates =
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Endpoint, Estimate> eldest) {
          return size() > CAPACITY;
        }
      };
  private final long unknownTimeout;
  private final long minTimeout;
  private final long maxTimeout;

  RttTable(long unknownTimeout, long minTimeout, long maxTimeout) {
    this.unknownTimeout = unknownTimeout;
    this.minTimeout = minTimeout;
    this.maxTimeout = maxTimeout;
  }

  void sample(Endpoint peer, long millis) {
    Estimate e = estimates.get(peer);
    if (e == null) {
      e = new Estimate();
      e.srtt = millis;
      e.rttvar = millis / 2.0;
      estimates.put(peer, e);
    } else {
      e.rttvar = 0.75 * e.rttvar + 0.25 * Math.abs(e.srtt - millis);
      e.srtt = 0.875 * e.srtt + 0.125 * millis;
    }
  }

  /** How long to wait for {@code peer}'s answer before trying another hop. */
  long timeout(Endpoint peer) {
    Estimate e = estimates.get(peer);
    if (e == null) {
      return unknownTimeout;
    }
    long t = Math.round(e.srtt + 4 * e.rttvar);
    return Math.max(minTimeout, Math.min(maxTimeout, t));
  }
}
