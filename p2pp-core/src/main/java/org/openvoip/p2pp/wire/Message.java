package org.openvoip.p2pp.wire;

import java.util.ArrayList;
import java.util.List;

/** A P2PP message: the common header and its top-level objects, in wire order. */
public record Message(Header header, List<WireObject> objects) {
  public Message {
    if (header == null) {
      throw new IllegalArgumentException("a message needs a header");
    }
    objects = ObjectList.of(objects);
  }

  /**
   * {@code first} then {@code rest}, as the immutable list a message keeps without copying it
   * again: for building a message's objects in one step (a peer's Peer-Info first).
   */
  public static List<WireObject> objects(WireObject first, List<? extends WireObject> rest) {
    return ObjectList.of(first, rest);
  }

  public static Message of(Header header, WireObject... objects) {
    return new Message(header, List.of(objects));
  }

  /** The first top-level object of this class, or null. */
  public <T extends WireObject> T first(Class<T> type) {
    for (int i = 0; i < objects.size(); i++) {
      WireObject o = objects.get(i);
      if (type.isInstance(o)) {
        return type.cast(o);
      }
    }
    return null;
  }

  /** All top-level objects of this class, in wire order. */
  public <T extends WireObject> List<T> all(Class<T> type) {
    List<T> out = new ArrayList<>();
    for (int i = 0; i < objects.size(); i++) {
      WireObject o = objects.get(i);
      if (type.isInstance(o)) {
        out.add(type.cast(o));
      }
    }
    return out;
  }
}
