package org.openvoip.p2pp.transaction;

import org.openvoip.p2pp.wire.Bytes;

/**
 * A map keyed by (Source-ID, Transaction-ID), the name of a transaction (draft section 6.1):
 * open addressing with linear probing in flat arrays, so that finding a transaction allocates
 * no key object. Each slot has a 64-bit tag, the Transaction-ID beside the Source-ID's first
 * four bytes, so a probe reads one array until the tags match and only then compares whole
 * Source-IDs, which the values themselves carry. Removal shifts the probe run back, leaving no
 * tombstones. Single-threaded, like the rest of the engine.
 */
final class TxTable<V extends TxTable.Named> {
  /** A value that knows the Source-ID of its transaction. */
  interface Named {
    Bytes sourceId();
  }

  private static final int MIN_CAPACITY = 16;

  /** 0 marks an empty slot; a key whose tag would be 0 is tagged 1 (the IDs still decide). */
  private long[] tags;
  private Named[] values;
  private int size;

  TxTable() {
    allocate(MIN_CAPACITY);
  }

  private void allocate(int capacity) {
    tags = new long[capacity];
    values = new Named[capacity];
  }

  int size() {
    return size;
  }

  /** The tag of a key whose Source-ID begins with {@code prefix}. */
  private static long tag(int prefix, int txId) {
    long t = ((long) txId << 32) | (prefix & 0xFFFF_FFFFL);
    return t == 0 ? 1 : t;
  }

  /** The Transaction-ID and the Source-ID's first bytes, mixed: the IDs are random already. */
  private static int home(long tag, int mask) {
    int h = (int) (tag >>> 32) * 0x9E3779B9 ^ (int) tag;
    return (h ^ (h >>> 16)) & mask;
  }

  private int slot(Bytes source, int txId) {
    return probe(tag(source.prefixInt(), txId), source, null, 0, 0);
  }

  /**
   * The slot holding the key with tag {@code t} whose Source-ID is {@code source}, or if that is
   * null, {@code len} bytes of {@code raw} from {@code off}; else ~(the free slot where it would
   * go).
   */
  private int probe(long t, Bytes source, byte[] raw, int off, int len) {
    long[] ts = tags;
    int mask = ts.length - 1;
    int i = home(t, mask);
    long x;
    while ((x = ts[i]) != 0) {
      if (x == t && (source != null ? values[i].sourceId().equals(source)
          : values[i].sourceId().contentEquals(raw, off, len))) {
        return i;
      }
      i = (i + 1) & mask;
    }
    return ~i;
  }

  /** The value of the transaction whose Source-ID is the {@code len} bytes at {@code b[off]}. */
  @SuppressWarnings("unchecked")
  V get(byte[] b, int off, int len, int txId) {
    int i = probe(tag(Bytes.prefixInt(b, off, len), txId), null, b, off, len);
    return i >= 0 ? (V) values[i] : null;
  }

  @SuppressWarnings("unchecked")
  V get(Bytes source, int txId) {
    int i = slot(source, txId);
    return i >= 0 ? (V) values[i] : null;
  }

  boolean containsKey(Bytes source, int txId) {
    return slot(source, txId) >= 0;
  }

  /**
   * Maps the transaction to {@code value}, which must carry {@code source} as its Source-ID,
   * replacing any previous value.
   */
  void put(Bytes source, int txId, V value) {
    int i = slot(source, txId);
    if (i >= 0) {
      values[i] = value;
      return;
    }
    if (2 * (size + 1) > values.length) {
      grow();
      i = slot(source, txId);
    }
    i = ~i;
    tags[i] = tag(source.prefixInt(), txId);
    values[i] = value;
    size++;
  }

  /** Removes the transaction's value; returns it, or null if there was none. */
  @SuppressWarnings("unchecked")
  V remove(Bytes source, int txId) {
    int i = slot(source, txId);
    if (i < 0) {
      return null;
    }
    V old = (V) values[i];
    deleteAt(i);
    return old;
  }

  /** Removes the transaction only if it maps to {@code value}; returns whether it did. */
  boolean remove(Bytes source, int txId, V value) {
    int i = slot(source, txId);
    if (i < 0 || values[i] != value) {
      return false;
    }
    deleteAt(i);
    return true;
  }

  /** Empties slot i and moves later entries of its probe run back into the gap. */
  private void deleteAt(int i) {
    int mask = tags.length - 1;
    int gap = i;
    int j = i;
    while (true) {
      j = (j + 1) & mask;
      if (tags[j] == 0) {
        break;
      }
      int home = home(tags[j], mask);
      // Move j into the gap unless its home lies cyclically in (gap, j].
      boolean stays = gap <= j ? gap < home && home <= j : gap < home || home <= j;
      if (!stays) {
        tags[gap] = tags[j];
        values[gap] = values[j];
        gap = j;
      }
    }
    tags[gap] = 0;
    values[gap] = null;
    size--;
  }

  private void grow() {
    long[] oldTags = tags;
    Named[] oldVal = values;
    allocate(oldVal.length * 2);
    int mask = tags.length - 1;
    for (int k = 0; k < oldTags.length; k++) {
      if (oldTags[k] != 0) {
        int i = home(oldTags[k], mask);
        while (tags[i] != 0) {
          i = (i + 1) & mask;
        }
        tags[i] = oldTags[k];
        values[i] = oldVal[k];
      }
    }
  }
}
