package org.openvoip.p2pp.security;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import org.openvoip.p2pp.wire.Bytes;

/** The overlay's hash (SHA-1, P2P-Options' hash algorithm 1), sized to its ID length. */
public final class Hashes {
  private Hashes() {}

  /**
   * The ID of {@code data}: its SHA-1 for IDs up to 20 bytes (cut to length); longer IDs go on
   * with the bytes of its SHA-256.
   */
  public static Bytes id(byte[] data, int idLength) {
    try {
      byte[] sha1 = MessageDigest.getInstance("SHA-1").digest(data);
      byte[] id = new byte[idLength];
      if (idLength <= sha1.length) {
        System.arraycopy(sha1, 0, id, 0, idLength);
        return Bytes.of(id);
      }
      byte[] sha256 = MessageDigest.getInstance("SHA-256").digest(data);
      for (int i = 0; i < idLength; i++) {
        id[i] = i < sha1.length ? sha1[i] : sha256[(i - sha1.length) % sha256.length];
      }
      return Bytes.of(id);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM lacks SHA-1 or SHA-256", e);
    }
  }

  /** The Resource-ID of a name (a user name, an address of record), UTF-8. */
  public static Bytes id(String name, int idLength) {
    return id(name.getBytes(StandardCharsets.UTF_8), idLength);
  }

  /** The Resource-ID of a node-ID (the NODE_MATCH policy's resource). */
  public static Bytes id(Bytes nodeId, int idLength) {
    return id(nodeId.toByteArray(), idLength);
  }
}
