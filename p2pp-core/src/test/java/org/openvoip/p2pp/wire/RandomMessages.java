package org.openvoip.p2pp.wire;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.openvoip.p2pp.wire.WireObject.*;

/**
 * Seeded random messages that obey the per-message object rules: every method, kind, ACKs,
 * success and failure responses, every object type with random field values, IPv4 and IPv6,
 * related addresses, nested tables and resource objects.
 */
final class RandomMessages {
  static final int[] ID_LENGTHS = {20, 32, 16, 8, 4, 1};

  private final SplittableRandom rnd;

  RandomMessages(long seed) {
    this.rnd = new SplittableRandom(seed);
  }

  /** A random ID length for the overlay of the next message. */
  int idLength() {
    return ID_LENGTHS[rnd.nextInt(ID_LENGTHS.length)];
  }

  Message message(int overlayIdLength) {
    Method method = Method.values()[rnd.nextInt(Method.values().length)];
    int idLen = method.idLength(overlayIdLength);
    MessageKind kind = MessageKind.values()[rnd.nextInt(4)];
    boolean ack = rnd.nextInt(8) == 0;
    int code = 0;
    if (kind.isResponse()) {
      int[] codes = {200, 200, 200, 302, 400, 404, 406, 407, 410, 413, 418, 480, 503, 511};
      code = codes[rnd.nextInt(codes.length)];
    } else if (ack) {
      code = rnd.nextInt(2) == 0 ? 0 : 200;
    }
    Header h = new Header(1, kind, ack, rnd.nextBoolean(), rnd.nextBoolean(), code, method,
        rnd.nextInt(256), rnd.nextInt(), bytes(idLen), kind.isResponse() || ack ? bytes(idLen) : null);
    List<WireObject> objects = new ArrayList<>();
    for (MessageSchema.Rule r : MessageSchema.rulesFor(h)) {
      int extra = r.max() == r.min() ? 0 : rnd.nextInt(Math.min(r.max() - r.min(), 3) + 1);
      for (int i = 0; i < r.min() + extra; i++) {
        objects.add(object(r.type(), overlayIdLength, 0));
      }
    }
    if (rnd.nextBoolean()) {
      Collections.shuffle(objects, new java.util.Random(rnd.nextLong()));
    }
    return new Message(h, objects);
  }

  WireObject object(ObjectType t, int idLen, int depth) {
    return switch (t) {
      case PEER_INFO -> peerInfo(idLen, depth);
      case PEER_ID -> new PeerId(bytes(idLen));
      case ADDRESS_INFO -> addressInfo();
      case UNHASHED_ID -> new UnhashedId(maybeText());
      case UPTIME -> new Uptime(u32());
      case P2P_OPTIONS -> new P2pOptions(rnd.nextInt(6), rnd.nextInt(65), rnd.nextInt(10),
          rnd.nextInt(256), bytes(rnd.nextInt(33)));
      case REQUEST_OPTIONS -> new RequestOptions(rnd.nextBoolean(), rnd.nextBoolean(),
          rnd.nextBoolean(), rnd.nextBoolean(), rnd.nextBoolean(), rnd.nextBoolean(),
          rnd.nextBoolean());
      case DIAGNOSTIC_OPTIONS -> new DiagnosticOptions(rnd.nextBoolean(), rnd.nextBoolean(),
          rnd.nextBoolean(), rnd.nextBoolean());
      case ROUTING_TABLE -> new RoutingTable(peerInfos(idLen, depth));
      case NEIGHBOR_TABLE -> new NeighborTable(peerInfos(idLen, depth));
      case PLOOKUP -> {
        int mode = rnd.nextInt(3);
        yield new PLookup(rnd.nextInt(64), mode == 1, mode == 2, bytes(idLen),
            mode == 2 ? bytes(idLen) : null);
      }
      case RESOURCE_ID -> new ResourceId(bytes(1 + rnd.nextInt(32)));
      case RLOOKUP -> new RLookup(rnd.nextInt(256), rnd.nextInt(256),
          new ResourceId(bytes(idLen)), rnd.nextBoolean() ? new Owner(maybeText()) : null);
      case RESOURCE_OBJECT -> new ResourceObject(rnd.nextInt(256), rnd.nextInt(256),
          new ResourceId(bytes(idLen)), bytes(rnd.nextInt(4) == 0 ? rnd.nextInt(2000) : rnd.nextInt(40)),
          depth == 0 && rnd.nextBoolean() ? peerInfo(idLen, depth + 1) : null,
          rnd.nextBoolean() ? new Owner(maybeText()) : null,
          rnd.nextBoolean() ? new Expires(u32()) : null,
          rnd.nextBoolean() ? new Signature(rnd.nextInt(0x10000), bytes(rnd.nextInt(72))) : null,
          rnd.nextBoolean() ? certificate() : null,
          rnd.nextBoolean() ? dataEntry() : null);
      case EXPIRES -> new Expires(u32());
      case OWNER -> new Owner(maybeText());
      case CERTIFICATE_SIGNING_REQUEST -> new CertificateSigningRequest(bytes(rnd.nextInt(300)));
      case CERTIFICATE -> certificate();
      case SIGNATURE -> new Signature(rnd.nextInt(0x10000), bytes(rnd.nextInt(72)));
      case TIME_WINDOW -> new TimeWindow(u32());
      case CONNECTIONS -> new Connections(rnd.nextInt(0x10000), rnd.nextInt(0x10000),
          rnd.nextInt(0x10000));
      case NODE_RESOURCE_UTILIZATION -> new NodeResourceUtilization(u32(), rnd.nextInt(256),
          rnd.nextInt(256));
      case MESSAGES_RECEIVED -> {
        List<MessagesReceived.Count> counts = new ArrayList<>();
        for (int i = rnd.nextInt(6); i > 0; i--) {
          counts.add(new MessagesReceived.Count(rnd.nextInt(256), rnd.nextInt(0x1000000)));
        }
        yield new MessagesReceived(counts);
      }
      case AS_NUMBER -> new AsNumber(u32());
      case ERROR -> new ErrorInfo(rnd.nextInt(0x10000), rnd.nextInt(256), rnd.nextInt(256),
          rnd.nextBoolean() ? "" : "réason " + rnd.nextInt(1000) + " ☎");
      case RESOURCE_LIST -> {
        List<Integer> types = new ArrayList<>();
        for (int i = rnd.nextInt(5); i > 0; i--) {
          types.add(rnd.nextInt(256));
        }
        yield new ResourceList(types);
      }
      case PASSWORD -> new Password(bytes(rnd.nextInt(64)));
      case DATA_ENTRY -> dataEntry();
      case OVERLAY_DOCUMENT -> new OverlayDocumentObject(bytes(rnd.nextInt(300)));
      case ICE_PARAMETERS -> new IceParameters(bytes(1 + rnd.nextInt(32)), iceText(4),
          iceText(22));
    };
  }

  private String iceText(int min) {
    String chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    StringBuilder b = new StringBuilder();
    for (int i = min + rnd.nextInt(20); i > 0; i--) {
      b.append(chars.charAt(rnd.nextInt(chars.length())));
    }
    return b.toString();
  }

  private DataEntry dataEntry() {
    long time = rnd.nextBoolean() ? rnd.nextLong(Long.MAX_VALUE) : rnd.nextInt(1000);
    return switch (rnd.nextInt(3)) {
      case 0 -> DataEntry.single(time, rnd.nextBoolean());
      case 1 -> DataEntry.array(time, rnd.nextBoolean(), u32());
      default -> DataEntry.dictionary(time, rnd.nextBoolean(), bytes(rnd.nextInt(40)));
    };
  }

  private PeerInfo peerInfo(int idLen, int depth) {
    boolean id = rnd.nextInt(4) != 0;
    boolean addr = !id || rnd.nextBoolean();
    return new PeerInfo(
        id ? new PeerId(bytes(idLen)) : null,
        addr ? addressInfo() : null,
        rnd.nextInt(4) == 0 ? new UnhashedId(maybeText()) : null,
        rnd.nextInt(3) == 0 ? new Uptime(u32()) : null,
        depth == 0 && rnd.nextInt(6) == 0 ? certificate() : null,
        rnd.nextInt(4) == 0 ? (Connections) object(ObjectType.CONNECTIONS, idLen, depth) : null,
        rnd.nextInt(4) == 0
            ? (NodeResourceUtilization) object(ObjectType.NODE_RESOURCE_UTILIZATION, idLen, depth)
            : null,
        rnd.nextInt(4) == 0 ? (ResourceList) object(ObjectType.RESOURCE_LIST, idLen, depth) : null,
        rnd.nextInt(4) == 0 ? new Expires(u32()) : null);
  }

  private List<PeerInfo> peerInfos(int idLen, int depth) {
    List<PeerInfo> list = new ArrayList<>();
    for (int i = rnd.nextInt(6); i > 0; i--) {
      list.add(peerInfo(idLen, depth + 1));
    }
    return list;
  }

  private AddressInfo addressInfo() {
    List<Candidate> cs = new ArrayList<>();
    for (int i = rnd.nextInt(5); i > 0; i--) {
      boolean v6 = rnd.nextInt(3) == 0;
      IpAddress a = new IpAddress(bytes(v6 ? 16 : 4));
      boolean related = rnd.nextBoolean();
      cs.add(new Candidate(rnd.nextInt(256), rnd.nextInt(256), u32(), rnd.nextInt(16),
          rnd.nextInt(16), a, rnd.nextInt(0x10000),
          related ? new IpAddress(bytes(v6 ? 16 : 4)) : null, related ? rnd.nextInt(0x10000) : 0));
    }
    return new AddressInfo(cs);
  }

  private Certificate certificate() {
    return new Certificate(rnd.nextInt(3), bytes(rnd.nextInt(400)));
  }

  private long u32() {
    return rnd.nextLong(0x1_0000_0000L);
  }

  private Bytes maybeText() {
    return rnd.nextBoolean()
        ? Bytes.of(("user" + rnd.nextInt(100000) + "@example.org").getBytes(StandardCharsets.UTF_8))
        : bytes(rnd.nextInt(24));
  }

  Bytes bytes(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) rnd.nextInt(256);
    }
    return Bytes.of(b);
  }
}
