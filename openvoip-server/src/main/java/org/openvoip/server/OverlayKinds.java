package org.openvoip.server;

import java.util.List;
import org.openvoip.p2pp.security.Kind;
import org.openvoip.p2pp.wire.WireObject.DataEntry;
import org.openvoip.p2pp.wire.WireObject.ResourceObject;

/**
 * The kinds of data an OpenVoIP overlay accepts unless its overlay document says otherwise: what
 * the enrollment server puts in the documents it signs, and what a self-signed or shared-secret
 * overlay uses.
 */
public final class OverlayKinds {
  private OverlayKinds() {}

  /** A user's own record (Cont-Type User-Info, Sub-Type 0): one value at the hash of the user. */
  public static final Kind USER_INFO = new Kind("user-info", ResourceObject.CONTENT_USER_INFO, 0,
      DataEntry.SINGLE, Kind.AccessPolicy.USER_MATCH, 4096, 1);

  /**
   * A shared board (User-Info, Sub-Type 1): at any resource, each node writes one dictionary
   * entry keyed by its node-ID; what {@code openvoip put} stores in a secured overlay.
   */
  public static final Kind SHARED = new Kind("shared", ResourceObject.CONTENT_USER_INFO, 1,
      DataEntry.DICTIONARY, Kind.AccessPolicy.NODE_KEY, 4096, 64);

  public static List<Kind> defaults() {
    return List.of(USER_INFO, SHARED);
  }
}
