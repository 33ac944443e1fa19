package org.openvoip.cli;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.openvoip.p2pp.node.Node;
import org.openvoip.p2pp.wire.Header;
import org.openvoip.p2pp.wire.MalformedMessageException;
import org.openvoip.p2pp.wire.Message;
import org.openvoip.p2pp.wire.Method;
import org.openvoip.p2pp.wire.WireDecoder;
import org.openvoip.p2pp.wire.WireEncoder;
import org.openvoip.p2pp.wire.WireObject;
import org.openvoip.p2pp.wire.WireObject.Expires;
import org.openvoip.p2pp.wire.WireObject.ResourceObject;

/**
 * The objects a node keeps across restarts, in its data directory: "OVSTORE1", the time they
 * were saved (8 bytes, milliseconds since 1970), then P2PP Replicate requests (4-byte length,
 * then the message as on the wire) carrying up to 32 Resource-Objects each, with their
 * remaining lifetimes in Expires. On loading, the time since saving comes off every lifetime.
 * Written to a temporary file and moved over the old one, so a crash leaves one or the other.
 */
final class StoredFile {
  private static final byte[] MAGIC = "OVSTORE1".getBytes(StandardCharsets.US_ASCII);
  private static final int PER_MESSAGE = 32;

  private StoredFile() {}

  static void save(Path file, Node node, List<ResourceObject> objects, long nowMillis)
      throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.write(MAGIC);
      out.writeLong(nowMillis);
      for (int from = 0; from < objects.size(); from += PER_MESSAGE) {
        List<WireObject> objs = new ArrayList<>();
        objs.add(node.self().toPeerInfo());
        objs.addAll(objects.subList(from, Math.min(objects.size(), from + PER_MESSAGE)));
        byte[] m = WireEncoder.encode(new Message(Header.request(Method.REPLICATE, true, false, 1,
            from, node.id()), objs));
        out.writeInt(m.length);
        out.write(m);
      }
    }
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.write(tmp, bytes.toByteArray());
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * The objects kept in {@code file} whose lifetime has not run out by {@code nowMillis}, or an
   * empty list if there is no file.
   *
   * @throws IOException if it cannot be read or is not such a file (saying where)
   */
  static List<ResourceObject> load(Path file, int idLength, long nowMillis) throws IOException {
    List<ResourceObject> out = new ArrayList<>();
    if (!Files.exists(file)) {
      return out;
    }
    WireDecoder decoder = new WireDecoder(idLength);
    try (InputStream s = Files.newInputStream(file);
        DataInputStream in = new DataInputStream(s)) {
      byte[] magic = new byte[MAGIC.length];
      in.readFully(magic);
      if (!Arrays.equals(magic, MAGIC)) {
        throw new IOException(file + " is not a file of stored objects");
      }
      long elapsedSeconds = Math.max(0, (nowMillis - in.readLong()) / 1000);
      while (true) {
        int len;
        try {
          len = in.readInt();
        } catch (EOFException end) {
          break;
        }
        if (len < 0 || len > 1 << 20) {
          throw new IOException(file + " is damaged (a record of " + len + " bytes)");
        }
        byte[] m = new byte[len];
        in.readFully(m);
        for (ResourceObject o : decoder.decode(m).all(ResourceObject.class)) {
          long left = (o.expires() == null ? 0 : o.expires().seconds()) - elapsedSeconds;
          if (left > 0) {
            out.add(new ResourceObject(o.contentType(), o.subType(), o.resourceId(), o.value(),
                o.peerInfo(), o.owner(), new Expires(left), o.signature(), o.certificate(),
                o.entry()));
          }
        }
      }
    } catch (EOFException e) {
      throw new IOException(file + " is cut short", e);
    } catch (MalformedMessageException e) {
      throw new IOException(file + " is damaged: " + e.getMessage(), e);
    }
    return out;
  }
}
