package org.openvoip.p2pp.node;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.openvoip.p2pp.wire.Bytes;

/**
 * A token bucket per sender: {@code burst} requests at once, then {@code perSecond}. Buckets
 * that have filled up again are forgotten when the table grows, so a flood of made-up senders
 * costs bounded memory.
 */
final class RateLimiter {
  private static final int PRUNE_AT = 4096;

  private final long perSecond;
  private final long burstMilli;
  /** Per sender: tokens in thousandths, and when they were last counted. */
  private final Map<Bytes, long[]> buckets = new HashMap<>();

  RateLimiter(int perSecond, int burst) {
    this.perSecond = perSecond;
    this.burstMilli = 1000L * burst;
  }

  /** Takes a token from {@code sender}'s bucket at {@code now}; false if it is empty. */
  boolean allow(Bytes sender, long now) {
    long[] b = buckets.get(sender);
    if (b == null) {
      if (buckets.size() >= PRUNE_AT) {
        prune(now);
      }
      b = new long[] {burstMilli, now};
      buckets.put(sender, b);
    }
    b[0] = Math.min(burstMilli, b[0] + (now - b[1]) * perSecond);
    b[1] = now;
    if (b[0] < 1000) {
      return false;
    }
    b[0] -= 1000;
    return true;
  }

  private void prune(long now) {
    for (Iterator<long[]> it = buckets.values().iterator(); it.hasNext(); ) {
      long[] b = it.next();
      if (b[0] + (now - b[1]) * perSecond >= burstMilli) {
        it.remove();
      }
    }
  }

  int tracked() {
    return buckets.size();
  }
}
