package org.openvoip.p2pp.node;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.openvoip.p2pp.wire.Bytes;
import org.openvoip.p2pp.wire.WireObject.Expires;
import org.openvoip.p2pp.wire.WireObject.Owner;
import org.openvoip.p2pp.wire.WireObject.RLookup;
import org.openvoip.p2pp.wire.WireObject.ResourceObject;

/**
 * The resource objects one peer stores, as the responsible peer or as a replica holder. An object
 * is identified by (Resource-ID, Cont-Type, Sub-Type, Owner); a newer copy (one that expires
 * later) replaces an older one. Expiry is absolute, in the engine's clock. Signature checks and
 * data models (single value, array, dictionary) come in with the security issue, at
 * {@link #put} and {@link #merge}.
 */
final class Storage {

  /** What identifies a stored object. */
  record Key(Bytes resourceId, int contentType, int subType, Bytes owner) {
    static Key of(ResourceObject o) {
      return new Key(o.resourceId().id(), o.contentType(), o.subType(),
          o.owner() == null ? Bytes.EMPTY : o.owner().value());
    }
  }

  /** One stored object, the peers it was last replicated to, and when it expires. */
  static final class Stored {
    final Key key;
    final ResourceObject object;
    final long expiresAt;
    final Set<Bytes> copiesAt = new HashSet<>();
    /** When {@link #copiesAt} was last emptied to send every copy again. */
    long copiesRefreshedAt = Long.MIN_VALUE;
    /** Whether this node was responsible for it at the last replication pass. */
    boolean primary;
    /**
     * For a copy: the peer responsible for it as this node last saw it (at first, the peer that
     * sent the copy), or null if unknown. When another peer takes over, the copy goes to it.
     */
    Bytes ownerSeen;

    Stored(Key key, ResourceObject object, long expiresAt) {
      this.key = key;
      this.object = object;
      this.expiresAt = expiresAt;
    }

    /** The object as sent on the wire: its remaining lifetime in Expires. */
    ResourceObject withRemaining(long now) {
      long secs = Math.max(1, (expiresAt - now + 999) / 1000);
      return withExpires(object, secs);
    }
  }

  private final Map<Bytes, List<Stored>> byResource = new HashMap<>();
  private int count;

  static ResourceObject withExpires(ResourceObject o, long seconds) {
    return new ResourceObject(o.contentType(), o.subType(), o.resourceId(), o.value(),
        o.peerInfo(), o.owner(), new Expires(seconds), o.signature(), o.certificate());
  }

  int size() {
    return count;
  }

  /** Stores a published object for {@code lifetimeMillis}; replaces any copy with its key. */
  Stored put(ResourceObject object, long lifetimeMillis, long now) {
    Key key = Key.of(object);
    Stored s = new Stored(key, object, now + lifetimeMillis);
    replace(s);
    return s;
  }

  /**
   * A copy from another peer (Replicate, Transfer, Leave): kept if it expires later than ours.
   * Expires 0 removes our copy. Returns the stored copy, or null if nothing was kept.
   */
  Stored merge(ResourceObject object, long now) {
    Key key = Key.of(object);
    long secs = object.expires() == null ? 0 : object.expires().seconds();
    if (secs == 0) {
      remove(key);
      return null;
    }
    Stored current = get(key);
    long expiresAt = now + secs * 1000;
    if (current != null && current.expiresAt >= expiresAt) {
      return null;
    }
    Stored s = new Stored(key, object, expiresAt);
    replace(s);
    return s;
  }

  private void replace(Stored s) {
    List<Stored> list = byResource.computeIfAbsent(s.key.resourceId(), k -> new ArrayList<>(1));
    for (int i = 0; i < list.size(); i++) {
      if (list.get(i).key.equals(s.key)) {
        list.set(i, s);
        return;
      }
    }
    list.add(s);
    count++;
  }

  Stored get(Key key) {
    List<Stored> list = byResource.get(key.resourceId());
    if (list != null) {
      for (Stored s : list) {
        if (s.key.equals(key)) {
          return s;
        }
      }
    }
    return null;
  }

  /** Removes the object with this key; returns what was removed, or null. */
  Stored remove(Key key) {
    List<Stored> list = byResource.get(key.resourceId());
    if (list == null) {
      return null;
    }
    for (Iterator<Stored> it = list.iterator(); it.hasNext(); ) {
      Stored s = it.next();
      if (s.key.equals(key)) {
        it.remove();
        count--;
        if (list.isEmpty()) {
          byResource.remove(key.resourceId());
        }
        return s;
      }
    }
    return null;
  }

  /** The live objects an RLookup asks for (any owner unless it names one). */
  List<Stored> find(RLookup q, long now) {
    List<Stored> list = byResource.get(q.resourceId().id());
    List<Stored> out = new ArrayList<>();
    if (list == null) {
      return out;
    }
    Owner owner = q.owner();
    for (Stored s : list) {
      if (s.expiresAt > now && s.key.contentType() == q.contentType()
          && s.key.subType() == q.subType()
          && (owner == null || Objects.equals(s.key.owner(), owner.value()))) {
        out.add(s);
      }
    }
    return out;
  }

  /** Every stored object (a copy of the list). */
  List<Stored> all() {
    List<Stored> out = new ArrayList<>(count);
    byResource.values().forEach(out::addAll);
    return out;
  }

  /** Drops expired objects; returns how many. */
  int expire(long now) {
    int dropped = 0;
    for (Iterator<List<Stored>> it = byResource.values().iterator(); it.hasNext(); ) {
      List<Stored> list = it.next();
      int before = list.size();
      list.removeIf(s -> s.expiresAt <= now);
      dropped += before - list.size();
      if (list.isEmpty()) {
        it.remove();
      }
    }
    count -= dropped;
    return dropped;
  }
}
