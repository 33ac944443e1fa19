package org.openvoip.p2pp.security;

import org.openvoip.p2pp.wire.WireObject.DataEntry;

/**
 * One kind of stored data in a secured overlay (RELOAD's kinds): its Cont-Type and Sub-Type,
 * its data model, who may write it, and how large a value and how many entries per resource
 * and owner may be.
 */
public record Kind(String name, int contentType, int subType, int model, AccessPolicy policy,
    int maxValueBytes, int maxEntries) {
  public Kind {
    if (model < DataEntry.SINGLE || model > DataEntry.DICTIONARY) {
      throw new IllegalArgumentException("unknown data model " + model);
    }
    if (maxValueBytes < 0 || maxValueBytes > 0xFFFF || maxEntries < 1) {
      throw new IllegalArgumentException("value limit must be 0..65535 and entries at least 1");
    }
  }

  /** Who may write a value (RFC 6940, section 7.3). */
  public enum AccessPolicy {
    /** The Resource-ID is the hash of the signer's user name. */
    USER_MATCH,
    /** The Resource-ID is the hash of one of the signer's node-IDs. */
    NODE_MATCH,
    /**
     * The Resource-ID is the hash of the signer's user name and the dictionary key is one of its
     * node-IDs (SIP registrations: each device of a user writes its own entry).
     */
    USER_NODE_MATCH,
    /**
     * Any Resource-ID; the dictionary key is one of the signer's node-IDs (a well-known service
     * resource where every relay or STUN server lists itself).
     */
    NODE_KEY
  }

  /** The key a kind is found by: Cont-Type and Sub-Type. */
  public int code() {
    return code(contentType, subType);
  }

  static int code(int contentType, int subType) {
    return contentType << 8 | subType;
  }
}
