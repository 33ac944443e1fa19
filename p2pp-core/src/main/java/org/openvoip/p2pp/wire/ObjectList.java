package org.openvoip.p2pp.wire;

import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;

/**
 * The immutable list of a {@link Message}'s objects. Every message holds this one class, so
 * that the loops over a message's objects on every packet (encoding, the schema check,
 * {@link Message#first}) call {@code get} and {@code size} on one known class, which the JIT
 * inlines, rather than on whichever of the JDK's immutable lists a message happened to be
 * built from. Null elements are refused, as {@link List#copyOf} refuses them.
 */
final class ObjectList extends AbstractList<WireObject> implements RandomAccess {
  private static final WireObject[] NONE = new WireObject[0];
  static final ObjectList EMPTY = new ObjectList(NONE);

  private final WireObject[] objects;

  private ObjectList(WireObject[] objects) {
    this.objects = objects;
  }

  /** {@code list} itself if it is one, else a copy. */
  static List<WireObject> of(List<? extends WireObject> list) {
    if (list instanceof ObjectList same) {
      return same;
    }
    int n = list.size();
    if (n == 0) {
      return EMPTY;
    }
    WireObject[] a = new WireObject[n];
    for (int i = 0; i < n; i++) {
      WireObject o = list.get(i);
      if (o == null) {
        throw new NullPointerException("object " + i + " of a message is null");
      }
      a[i] = o;
    }
    return new ObjectList(a);
  }

  /** {@code first} followed by {@code rest}, in a new list. */
  static List<WireObject> of(WireObject first, List<? extends WireObject> rest) {
    int n = rest.size();
    WireObject[] a = new WireObject[n + 1];
    if (first == null) {
      throw new NullPointerException("object 0 of a message is null");
    }
    a[0] = first;
    for (int i = 0; i < n; i++) {
      WireObject o = rest.get(i);
      if (o == null) {
        throw new NullPointerException("object " + (i + 1) + " of a message is null");
      }
      a[i + 1] = o;
    }
    return new ObjectList(a);
  }

  @Override
  public WireObject get(int index) {
    return objects[index];
  }

  @Override
  public int size() {
    return objects.length;
  }
}
