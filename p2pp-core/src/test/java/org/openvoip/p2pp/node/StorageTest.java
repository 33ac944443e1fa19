package org.openvoip.p2pp.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.openvoip.p2pp.wire.Bytes;
import org.openvoip.p2pp.wire.WireObject.DataEntry;
import org.openvoip.p2pp.wire.WireObject.Expires;
import org.openvoip.p2pp.wire.WireObject.Owner;
import org.openvoip.p2pp.wire.WireObject.RLookup;
import org.openvoip.p2pp.wire.WireObject.ResourceId;
import org.openvoip.p2pp.wire.WireObject.ResourceObject;

/** Data models, the order of updates and tombstones in one peer's storage. */
class StorageTest {
  static final Bytes RID = Bytes.fromHex("00112233445566778899aabbccddeeff00112233");
  static final long MIN = 60_000;

  final Storage storage = new Storage();

  static ResourceObject value(DataEntry e, String v, long expires) {
    return new ResourceObject(0, 0, new ResourceId(RID), Bytes.of(v.getBytes()), null,
        new Owner(Bytes.of("alice".getBytes())), new Expires(expires), null, null, e);
  }

  List<String> found(long now) {
    return storage.find(new RLookup(0, 0, new ResourceId(RID), null), now).stream()
        .map(s -> new String(s.object.value().toByteArray())).sorted().toList();
  }

  @Test
  void plainObjectsKeepTheLatestPublish() {
    assertThat(storage.put(value(null, "a", 60), MIN, 0)).isNotNull();
    assertThat(storage.put(value(null, "b", 60), MIN, 1)).isNotNull();
    assertThat(found(2)).containsExactly("b");
  }

  @Test
  void anOlderGenerationIsStaleAndChangesNothing() {
    assertThat(storage.put(value(DataEntry.single(20, true), "new", 60), MIN, 0)).isNotNull();
    // A replay of the owner's older value.
    assertThat(storage.put(value(DataEntry.single(10, true), "old", 60), MIN, 1)).isNull();
    // The same storage time with other content is not an update either.
    assertThat(storage.put(value(DataEntry.single(20, true), "other", 60), MIN, 1)).isNull();
    assertThat(found(2)).containsExactly("new");
    // The same update again refreshes it; a newer one replaces it.
    assertThat(storage.put(value(DataEntry.single(20, true), "new", 60), 2 * MIN, 3)).isNotNull();
    assertThat(storage.put(value(DataEntry.single(21, true), "newer", 60), MIN, 4)).isNotNull();
    assertThat(found(5)).containsExactly("newer");
    // Once the stored value has expired, anything goes.
    assertThat(storage.put(value(DataEntry.single(1, true), "after", 60), MIN, 4 + MIN + 1)).isNotNull();
  }

  @Test
  void entriesOfArraysAndDictionariesAreStoredSideBySide() {
    storage.put(value(DataEntry.dictionary(1, true, Bytes.of((byte) 1)), "phone", 60), MIN, 0);
    storage.put(value(DataEntry.dictionary(1, true, Bytes.of((byte) 2)), "laptop", 60), MIN, 0);
    storage.put(value(DataEntry.array(1, true, 0), "a0", 60), MIN, 0);
    storage.put(value(DataEntry.array(1, true, 1), "a1", 60), MIN, 0);
    storage.put(value(DataEntry.single(1, true), "single", 60), MIN, 0);
    assertThat(found(1)).containsExactly("a0", "a1", "laptop", "phone", "single");
    // One entry's update does not touch the others.
    storage.put(value(DataEntry.dictionary(2, true, Bytes.of((byte) 2)), "laptop2", 60), MIN, 1);
    assertThat(found(2)).containsExactly("a0", "a1", "laptop2", "phone", "single");
  }

  @Test
  void aDeletionIsATombstoneThatOlderCopiesCannotUndo() {
    storage.put(value(DataEntry.single(5, true), "v", 60), MIN, 0);
    assertThat(storage.put(value(DataEntry.single(6, false), "", 60), MIN, 1)).isNotNull();
    assertThat(found(2)).as("the tombstone is not returned").isEmpty();
    assertThat(storage.size()).isEqualTo(1);
    // A replica holder that missed the deletion sends its older copy, which expires later.
    assertThat(storage.merge(value(DataEntry.single(5, true), "v", 3600), 3)).isNull();
    assertThat(found(4)).isEmpty();
    // The owner writes again, later.
    assertThat(storage.merge(value(DataEntry.single(7, true), "back", 30), 5)).isNotNull();
    assertThat(found(6)).containsExactly("back");
  }

  @Test
  void quotasCountEachOwnersValuesAndBytes() {
    ResourceObject a0 = value(DataEntry.array(1, true, 0), "12345", 60);
    assertThat(storage.overQuota(a0, 2, 10)).isFalse();
    storage.put(a0, MIN, 0);
    storage.put(value(DataEntry.array(1, true, 1), "12345", 60), MIN, 0);
    ResourceObject a2 = value(DataEntry.array(1, true, 2), "1", 60);
    assertThat(storage.overQuota(a2, 2, 100)).as("a third value").isTrue();
    assertThat(storage.overQuota(a2, 3, 10)).as("11 bytes").isTrue();
    assertThat(storage.overQuota(value(DataEntry.array(2, true, 0), "123", 60), 2, 10))
        .as("an update of a stored value").isFalse();
    storage.remove(Storage.Key.of(a0));
    assertThat(storage.overQuota(a2, 2, 10)).isFalse();
    storage.expire(MIN + 1);
    assertThat(storage.size()).isZero();
    assertThat(storage.overQuota(value(DataEntry.array(1, true, 0), "1234567890", 60), 1, 10))
        .as("everything expired").isFalse();
  }

  @Test
  void ofTwoCopiesOfOneUpdateTheOneThatExpiresLaterIsKept() {
    assertThat(storage.merge(value(DataEntry.single(5, true), "v", 60), 0)).isNotNull();
    assertThat(storage.merge(value(DataEntry.single(5, true), "v", 30), 1)).isNull();
    assertThat(storage.merge(value(DataEntry.single(5, true), "v", 120), 1)).isNotNull();
    assertThat(storage.get(Storage.Key.of(value(DataEntry.single(5, true), "v", 1))).expiresAt)
        .isEqualTo(1 + 120_000);
    // What the peer stores keeps its Data-Entry when sent on with its remaining lifetime.
    assertThat(Storage.withExpires(value(DataEntry.single(5, true), "v", 1), 9).entry())
        .isEqualTo(DataEntry.single(5, true));
  }
}
