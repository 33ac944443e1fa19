package org.openvoip.p2pp.node;

import org.openvoip.p2pp.security.AccessControl;
import org.openvoip.p2pp.security.Identity;

/**
 * A node's part in a secured overlay: its identity (key pair and certificate), with which it
 * signs what it stores, and the checks it applies to what others ask it to store.
 */
public record Security(Identity identity, AccessControl access) {
  public Security {
    if (identity == null || access == null) {
      throw new IllegalArgumentException("security needs an identity and access control");
    }
  }
}
