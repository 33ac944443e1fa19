package org.openvoip.p2pp.wire;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Reads the annotated hex vectors under src/test/resources/.../vectors: '#' starts a comment. */
final class TestVectors {
  private TestVectors() {}

  static byte[] load(String name) {
    try (InputStream in = TestVectors.class.getResourceAsStream("vectors/" + name + ".hex")) {
      if (in == null) {
        throw new IllegalArgumentException("no vector " + name);
      }
      StringBuilder hex = new StringBuilder();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        int hash = line.indexOf('#');
        hex.append(hash >= 0 ? line.substring(0, hash) : line).append(' ');
      }
      return Bytes.parseHex(hex);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
