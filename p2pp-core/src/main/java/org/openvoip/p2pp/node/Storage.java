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
import org.openvoip.p2pp.wire.WireObject.DataEntry;
import org.openvoip.p2pp.wire.WireObject.Expires;
import org.openvoip.p2pp.wire.WireObject.Owner;
import org.openvoip.p2pp.wire.WireObject.RLookup;
import org.openvoip.p2pp.wire.WireObject.ResourceObject;

/**
 * The resource objects one peer stores, as the responsible peer or as a replica holder. An object
 * is identified by (Resource-ID, Cont-Type, Sub-Type, Owner) and, for an array or dictionary
 * entry, its index or key (its Data-Entry's slot). Among values with one identity the owner's
 * storage time orders updates: a publish older than what is stored is refused (stale), and of
 * two copies from other peers the newer wins, then the one that expires later. A value that the
 * owner deleted stays as a tombstone (Data-Entry Exists clear) until it expires, so that an
 * older copy cannot come back, and lookups do not return it. Expiry is absolute, in the
 * engine's clock. Signature checks happen before, in the engine (security.AccessControl).
 */
final class Storage {

  /** What identifies a stored object. */
  record Key(Bytes resourceId, int contentType, int subType, Bytes owner, Bytes slot) {
    static Key of(ResourceObject o) {
      return new Key(o.resourceId().id(), o.contentType(), o.subType(),
          o.owner() == null ? Bytes.EMPTY : o.owner().value(), slot(o.entry()));
    }

    /** A single value's slot is empty; an entry's is its model, then its index or key. */
    private static Bytes slot(DataEntry e) {
      if (e == null || e.model() == DataEntry.SINGLE) {
        return Bytes.EMPTY;
      }
      if (e.model() == DataEntry.ARRAY) {
        long i = e.index();
        return Bytes.of((byte) DataEntry.ARRAY, (byte) (i >>> 24), (byte) (i >>> 16),
            (byte) (i >>> 8), (byte) i);
      }
      byte[] b = new byte[1 + e.key().length()];
      b[0] = (byte) DataEntry.DICTIONARY;
      e.key().copyTo(b, 1);
      return Bytes.of(b);
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
  /** Per owner: values stored and their bytes (for per-identity quotas). */
  private final Map<Bytes, long[]> usage = new HashMap<>();

  static ResourceObject withExpires(ResourceObject o, long seconds) {
    return new ResourceObject(o.contentType(), o.subType(), o.resourceId(), o.value(),
        o.peerInfo(), o.owner(), new Expires(seconds), o.signature(), o.certificate(),
        o.entry());
  }

  private static long storageTime(ResourceObject o) {
    return o.entry() == null ? 0 : o.entry().storageTime();
  }

  private static boolean exists(ResourceObject o) {
    return o.entry() == null || o.entry().exists();
  }

  /**
   * Compares the generation of {@code offered} with {@code stored}'s: positive if it is newer,
   * 0 if the same update, negative if older or a different update with the same storage time.
   */
  private static int generation(ResourceObject offered, ResourceObject stored) {
    int c = Long.compare(storageTime(offered), storageTime(stored));
    if (c != 0 || offered.entry() == null && stored.entry() == null) {
      return c; // plain objects (no Data-Entry): the latest publish wins, as before
    }
    boolean same = exists(offered) == exists(stored) && offered.value().equals(stored.value());
    return same ? 0 : -1;
  }

  int size() {
    return count;
  }

  /**
   * Stores a published object for {@code lifetimeMillis}, replacing a stored value of its
   * identity, and returns it as stored; or returns null, changing nothing, when the stored value
   * is newer, or as new with other content (stale).
   */
  Stored put(ResourceObject object, long lifetimeMillis, long now) {
    Key key = Key.of(object);
    Stored current = get(key);
    if (current != null && current.expiresAt > now && generation(object, current.object) < 0) {
      return null;
    }
    Stored s = new Stored(key, object, now + lifetimeMillis);
    replace(s);
    return s;
  }

  /**
   * A copy from another peer (Replicate, Transfer, Leave): kept if it is newer than ours, or as
   * new and expires later. Expires 0 removes our copy. Returns the stored copy, or null if
   * nothing was kept.
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
    if (current != null && current.expiresAt > now) {
      int g = Long.compare(storageTime(object), storageTime(current.object));
      if (g < 0 || g == 0 && current.expiresAt >= expiresAt) {
        return null;
      }
    }
    Stored s = new Stored(key, object, expiresAt);
    replace(s);
    return s;
  }

  private void replace(Stored s) {
    List<Stored> list = byResource.computeIfAbsent(s.key.resourceId(), k -> new ArrayList<>(1));
    account(s, 1);
    for (int i = 0; i < list.size(); i++) {
      if (list.get(i).key.equals(s.key)) {
        account(list.set(i, s), -1);
        return;
      }
    }
    list.add(s);
    count++;
  }

  private void account(Stored s, int sign) {
    long[] u = usage.computeIfAbsent(s.key.owner(), k -> new long[2]);
    u[0] += sign;
    u[1] += sign * (long) s.object.value().length();
    if (u[0] == 0) {
      usage.remove(s.key.owner());
    }
  }

  /**
   * How many live entries {@code object}'s owner has at its Resource-ID with its Cont-Type and
   * Sub-Type, not counting the one {@code object} would replace (a kind's entry limit).
   */
  int otherEntries(ResourceObject object, long now) {
    Key key = Key.of(object);
    List<Stored> list = byResource.get(key.resourceId());
    int n = 0;
    if (list != null) {
      for (Stored s : list) {
        if (s.expiresAt > now && s.key.contentType() == key.contentType()
            && s.key.subType() == key.subType() && s.key.owner().equals(key.owner())
            && !s.key.equals(key)) {
          n++;
        }
      }
    }
    return n;
  }

  /**
   * Whether storing {@code object} would take its owner past {@code maxValues} values or
   * {@code maxBytes} bytes of values on this peer (an update of a stored value counts once).
   */
  boolean overQuota(ResourceObject object, int maxValues, long maxBytes) {
    Key key = Key.of(object);
    long[] u = usage.get(key.owner());
    long values = u == null ? 0 : u[0];
    long bytes = u == null ? 0 : u[1];
    Stored current = get(key);
    if (current != null) {
      values--;
      bytes -= current.object.value().length();
    }
    return values + 1 > maxValues || bytes + object.value().length() > maxBytes;
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
        account(s, -1);
        if (list.isEmpty()) {
          byResource.remove(key.resourceId());
        }
        return s;
      }
    }
    return null;
  }

  /**
   * The live objects an RLookup asks for (any owner unless it names one), without the
   * tombstones of deleted values.
   */
  List<Stored> find(RLookup q, long now) {
    List<Stored> list = byResource.get(q.resourceId().id());
    List<Stored> out = new ArrayList<>();
    if (list == null) {
      return out;
    }
    Owner owner = q.owner();
    for (Stored s : list) {
      if (s.expiresAt > now && exists(s.object) && s.key.contentType() == q.contentType()
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
      for (Iterator<Stored> e = list.iterator(); e.hasNext(); ) {
        Stored s = e.next();
        if (s.expiresAt <= now) {
          e.remove();
          account(s, -1);
          dropped++;
        }
      }
      if (list.isEmpty()) {
        it.remove();
      }
    }
    count -= dropped;
    return dropped;
  }
}
