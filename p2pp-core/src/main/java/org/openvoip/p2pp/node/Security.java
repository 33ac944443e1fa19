package org.openvoip.p2pp.node;

import org.openvoip.p2pp.security.AccessControl;
import org.openvoip.p2pp.security.Identity;

/**
 * A node's part in a secured overlay: its identity (key pair and certificate), with which it
 * signs what it stores, the checks it applies to what others ask it to store, and the limits
 * that keep one identity or one peer from taking all of it.
 */
public record Security(Identity identity, AccessControl access, Limits limits) {
  public Security {
    if (identity == null || access == null || limits == null) {
      throw new IllegalArgumentException("security needs an identity, access control and limits");
    }
  }

  /** With the default limits. */
  public Security(Identity identity, AccessControl access) {
    this(identity, access, Limits.DEFAULTS);
  }

  /**
   * What one identity may store on this peer, and how fast one peer may send it requests.
   *
   * @param valuesPerOwner values one owner may have stored here, copies included
   * @param bytesPerOwner bytes of those values
   * @param requestsPerSecond the sustained rate of requests from one Source-ID
   * @param burst requests from one Source-ID that may come at once
   */
  public record Limits(int valuesPerOwner, long bytesPerOwner, int requestsPerSecond,
      int burst) {
    public static final Limits DEFAULTS = new Limits(256, 256 * 1024, 50, 200);

    public Limits {
      if (valuesPerOwner < 1 || bytesPerOwner < 1 || requestsPerSecond < 1 || burst < 1) {
        throw new IllegalArgumentException("limits must be positive");
      }
    }
  }
}
