package org.openvoip.p2pp.wire.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.openvoip.p2pp.wire.Bytes;
import org.openvoip.p2pp.wire.Header;
import org.openvoip.p2pp.wire.IpAddress;
import org.openvoip.p2pp.wire.Message;
import org.openvoip.p2pp.wire.MessageKind;
import org.openvoip.p2pp.wire.Method;
import org.openvoip.p2pp.wire.ObjectType;
import org.openvoip.p2pp.wire.WireObject;
import org.openvoip.p2pp.wire.WireObject.*;

/**
 * Messages as JSON and back, for operators: the shape that {@code openvoip wire decode --json}
 * prints is the shape {@code openvoip wire encode} reads. Header fields: version, type (the
 * message name), kind (request, indication, response, responseACK), flags (A, P, R), responseCode,
 * ttl, transactionId, sourceId, responseId (hex, null when absent). Each object has its
 * draft name in "type"; containers list their parts in "objects" (tables in "entries"). Coded
 * fields print their name when known and accept a name or a number.
 */
public final class MessageJson {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private MessageJson() {}

  // ------------------------------------------------------------------------------- to JSON

  public static ObjectNode toJson(Message m) {
    Header h = m.header();
    ObjectNode n = F.objectNode();
    n.put("version", h.version());
    n.put("type", h.method().wireName());
    n.put("kind", h.kind().label());
    ObjectNode flags = n.putObject("flags");
    flags.put("A", h.ack());
    flags.put("P", h.peer());
    flags.put("R", h.recursive());
    n.put("responseCode", h.responseCode());
    n.put("ttl", h.ttl());
    n.put("transactionId", String.format("%08x", h.transactionId()));
    n.put("sourceId", h.sourceId().hex());
    if (h.responseId() == null) {
      n.putNull("responseId");
    } else {
      n.put("responseId", h.responseId().hex());
    }
    ArrayNode objects = n.putArray("objects");
    for (WireObject o : m.objects()) {
      objects.add(toJson(o));
    }
    return n;
  }

  public static ObjectNode toJson(WireObject o) {
    ObjectNode n = F.objectNode();
    n.put("type", o.type().wireName());
    if (o instanceof PeerInfo p) {
      ArrayNode parts = n.putArray("objects");
      for (WireObject part : new WireObject[] {p.peerId(), p.addressInfo(), p.unhashedId(),
          p.uptime(), p.certificate(), p.connections(), p.utilization(), p.resourceList(),
          p.expires()}) {
        if (part != null) {
          parts.add(toJson(part));
        }
      }
    } else if (o instanceof PeerId p) {
      n.put("id", p.id().hex());
    } else if (o instanceof AddressInfo a) {
      ArrayNode cs = n.putArray("candidates");
      for (Candidate c : a.candidates()) {
        ObjectNode cn = cs.addObject();
        cn.put("address", c.address().toString());
        cn.put("port", c.port());
        cn.put("transport", Candidate.transportName(c.transport()));
        cn.put("hostType", Candidate.hostTypeName(c.hostType()));
        cn.put("ipVersion", c.ipVersion());
        cn.put("foundation", c.foundation());
        cn.put("componentId", c.componentId());
        cn.put("priority", c.priority());
        if (c.relatedAddress() != null) {
          cn.put("relatedAddress", c.relatedAddress().toString());
          cn.put("relatedPort", c.relatedPort());
        }
      }
    } else if (o instanceof UnhashedId u) {
      opaque(n, "value", u.value());
    } else if (o instanceof Uptime u) {
      n.put("seconds", u.seconds());
    } else if (o instanceof P2pOptions p) {
      n.put("hashAlgorithm", P2pOptions.hashName(p.hashAlgorithm()));
      n.put("hashLength", p.hashLength());
      n.put("p2pAlgorithm", P2pOptions.p2pAlgorithmName(p.p2pAlgorithm()));
      n.put("base", p.base());
      opaque(n, "overlayId", p.overlayId());
    } else if (o instanceof RequestOptions r) {
      n.put("primary", r.primary());
      n.put("routingTable", r.routingTable());
      n.put("neighborTable", r.neighborTable());
      n.put("separateRequest", r.separateRequest());
      n.put("partialReply", r.partialReply());
      n.put("neighborJoin", r.neighborJoin());
      n.put("routeLog", r.routeLog());
    } else if (o instanceof DiagnosticOptions d) {
      n.put("connections", d.connections());
      n.put("utilization", d.utilization());
      n.put("messagesReceived", d.messagesReceived());
      n.put("asNumber", d.asNumber());
    } else if (o instanceof RoutingTable t) {
      entries(n, t.entries());
    } else if (o instanceof NeighborTable t) {
      entries(n, t.entries());
    } else if (o instanceof PLookup p) {
      n.put("count", p.count());
      n.put("exact", p.exact());
      n.put("range", p.range());
      n.put("peerIdA", p.peerIdA().hex());
      if (p.peerIdB() != null) {
        n.put("peerIdB", p.peerIdB().hex());
      }
    } else if (o instanceof ResourceId r) {
      n.put("id", r.id().hex());
    } else if (o instanceof RLookup r) {
      n.put("contentType", ResourceObject.contentTypeName(r.contentType()));
      n.put("subType", r.subType());
      ArrayNode parts = n.putArray("objects");
      parts.add(toJson(r.resourceId()));
      if (r.owner() != null) {
        parts.add(toJson(r.owner()));
      }
    } else if (o instanceof ResourceObject r) {
      n.put("contentType", ResourceObject.contentTypeName(r.contentType()));
      n.put("subType", r.subType());
      opaque(n, "value", r.value());
      ArrayNode parts = n.putArray("objects");
      for (WireObject part : new WireObject[] {r.resourceId(), r.peerInfo(), r.owner(),
          r.expires(), r.signature(), r.certificate(), r.entry()}) {
        if (part != null) {
          parts.add(toJson(part));
        }
      }
    } else if (o instanceof Expires e) {
      n.put("seconds", e.seconds());
    } else if (o instanceof Owner w) {
      opaque(n, "value", w.value());
    } else if (o instanceof CertificateSigningRequest c) {
      n.put("der", c.der().hex());
    } else if (o instanceof Certificate c) {
      n.put("subType", c.subType() == Certificate.SELF_SIGNED ? "self-signed"
          : c.subType() == Certificate.SERVER_SIGNED ? "server-signed" : "" + c.subType());
      n.put("der", c.der().hex());
    } else if (o instanceof Signature s) {
      n.put("scheme", schemeName(s.scheme()));
      n.put("value", s.value().hex());
    } else if (o instanceof Password p) {
      opaque(n, "value", p.value());
    } else if (o instanceof OverlayDocumentObject d) {
      opaque(n, "value", d.value());
    } else if (o instanceof IceParameters i) {
      n.put("targetId", i.targetId().hex());
      n.put("ufrag", i.ufrag());
      n.put("password", i.password());
    } else if (o instanceof DataEntry d) {
      n.put("model", DataEntry.modelName(d.model()));
      n.put("exists", d.exists());
      n.put("storageTime", d.storageTime());
      if (d.model() == DataEntry.ARRAY) {
        n.put("index", d.index());
      } else if (d.model() == DataEntry.DICTIONARY) {
        opaque(n, "key", d.key());
      }
    } else if (o instanceof TimeWindow t) {
      n.put("seconds", t.seconds());
    } else if (o instanceof Connections c) {
      n.put("neighbors", c.neighbors());
      n.put("routingPeers", c.routingPeers());
      n.put("clients", c.clients());
    } else if (o instanceof NodeResourceUtilization u) {
      n.put("bandwidthKbps", u.bandwidthKbps());
      n.put("cpuPercent", u.cpuPercent());
      n.put("bandwidthPercent", u.bandwidthPercent());
    } else if (o instanceof MessagesReceived m) {
      ArrayNode counts = n.putArray("counts");
      for (MessagesReceived.Count c : m.counts()) {
        ObjectNode cn = counts.addObject();
        cn.put("messageType", messageTypeName(c.messageType()));
        cn.put("count", c.count());
      }
    } else if (o instanceof AsNumber a) {
      n.put("asn", a.asn());
    } else if (o instanceof ErrorInfo e) {
      n.put("code", e.code());
      n.put("subCode", e.subCode());
      ObjectType concerned = ObjectType.fromCode(e.objectType());
      if (e.objectType() == ErrorInfo.NO_OBJECT) {
        n.put("objectType", "none");
      } else if (concerned != null) {
        n.put("objectType", concerned.wireName());
      } else {
        n.put("objectType", e.objectType());
      }
      n.put("reason", e.reason());
    } else if (o instanceof ResourceList r) {
      ArrayNode types = n.putArray("types");
      for (int t : r.types()) {
        types.add(ResourceObject.contentTypeName(t));
      }
    }
    return n;
  }

  private static void entries(ObjectNode n, List<PeerInfo> entries) {
    ArrayNode a = n.putArray("entries");
    for (PeerInfo p : entries) {
      a.add(toJson(p));
    }
  }

  /** Opaque octets: hex always, and the text too when they are printable UTF-8. */
  private static void opaque(ObjectNode n, String field, Bytes value) {
    n.put(field, value.hex());
    String text = printableUtf8(value);
    if (text != null && value.length() > 0) {
      n.put(field + "Text", text);
    }
  }

  static String printableUtf8(Bytes value) {
    try {
      String s = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(value.toByteArray()))
          .toString();
      return s.codePoints().allMatch(c -> c >= 0x20 && c != 0x7f) ? s : null;
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  private static String schemeName(int scheme) {
    return switch (scheme) {
      case Signature.ED25519 -> "ed25519";
      case Signature.ECDSA_SECP256R1_SHA256 -> "ecdsa_secp256r1_sha256";
      default -> String.format("0x%04x", scheme);
    };
  }

  private static String messageTypeName(int t) {
    if (t == MessagesReceived.TYPE_RESPONSES) {
      return "responses";
    }
    if (t == MessagesReceived.TYPE_ACKS) {
      return "ACKs";
    }
    Method m = Method.fromCode(t);
    return m != null ? m.wireName() : Integer.toString(t);
  }

  // ----------------------------------------------------------------------------- from JSON

  /**
   * Builds a message from the JSON that {@link #toJson(Message)} prints. Missing header fields
   * default: version 1, flags clear, responseCode 200 for responses (0 otherwise), ttl 255.
   *
   * @throws IllegalArgumentException naming the field that is wrong (e.g. "objects[0].port")
   */
  public static Message fromJson(JsonNode n) {
    Path p = new Path("");
    if (n == null || !n.isObject()) {
      throw p.bad("expected a JSON object");
    }
    Method method = parseEnum(p.at("type"), text(n, "type", p), Method::parse);
    MessageKind kind = n.has("kind")
        ? parseEnum(p.at("kind"), text(n, "kind", p), MessageKind::parse) : MessageKind.REQUEST;
    JsonNode flags = n.path("flags");
    boolean ack = flag(flags, "A", p.at("flags"));
    boolean peer = flag(flags, "P", p.at("flags"));
    boolean recursive = flag(flags, "R", p.at("flags"));
    int version = (int) num(n, "version", 0, 3, 1L, p);
    int code = (int) num(n, "responseCode", 0, 511, kind.isResponse() ? 200L : 0L, p);
    int ttl = (int) num(n, "ttl", 0, 255, (long) Header.DEFAULT_TTL, p);
    int txId = (int) hexNumber(n, "transactionId", p);
    Bytes source = hex(n, "sourceId", p);
    Bytes responder = n.hasNonNull("responseId") ? hex(n, "responseId", p) : null;
    Header h;
    try {
      h = new Header(version, kind, ack, peer, recursive, code, method, ttl, txId, source,
          responder);
    } catch (IllegalArgumentException e) {
      throw p.bad("header: " + e.getMessage());
    }
    List<WireObject> objects = new ArrayList<>();
    JsonNode list = n.path("objects");
    Path lp = p.at("objects");
    if (!list.isMissingNode() && !list.isArray()) {
      throw lp.bad("expected an array");
    }
    for (int i = 0; i < list.size(); i++) {
      objects.add(object(list.get(i), lp.index(i)));
    }
    return new Message(h, objects);
  }

  /** Builds one object from its JSON. */
  public static WireObject object(JsonNode n, Path p) {
    if (n == null || !n.isObject()) {
      throw p.bad("expected an object with a \"type\"");
    }
    ObjectType type = parseEnum(p.at("type"), text(n, "type", p), ObjectType::parse);
    try {
      return switch (type) {
        case PEER_INFO -> peerInfo(n, p);
        case PEER_ID -> new PeerId(hex(n, "id", p));
        case ADDRESS_INFO -> addressInfo(n, p);
        case UNHASHED_ID -> new UnhashedId(opaqueIn(n, "value", p));
        case UPTIME -> new Uptime(num(n, "seconds", 0, 0xFFFFFFFFL, null, p));
        case P2P_OPTIONS -> new P2pOptions(
            coded(n, "hashAlgorithm", p, v -> named(v, P2pOptions::hashName, 0xFF)),
            (int) num(n, "hashLength", 0, 255, null, p),
            coded(n, "p2pAlgorithm", p, v -> named(v, P2pOptions::p2pAlgorithmName, 0xFF)),
            (int) num(n, "base", 0, 255, 0L, p),
            opaqueIn(n, "overlayId", p));
        case REQUEST_OPTIONS -> new RequestOptions(flag(n, "primary", p), flag(n, "routingTable", p),
            flag(n, "neighborTable", p), flag(n, "separateRequest", p),
            flag(n, "partialReply", p), flag(n, "neighborJoin", p), flag(n, "routeLog", p));
        case DIAGNOSTIC_OPTIONS -> new DiagnosticOptions(flag(n, "connections", p),
            flag(n, "utilization", p), flag(n, "messagesReceived", p), flag(n, "asNumber", p));
        case ROUTING_TABLE -> new RoutingTable(peerInfos(n, "entries", p));
        case NEIGHBOR_TABLE -> new NeighborTable(peerInfos(n, "entries", p));
        case PLOOKUP -> new PLookup((int) num(n, "count", 0, 63, 1L, p), flag(n, "exact", p),
            flag(n, "range", p), hex(n, "peerIdA", p),
            n.hasNonNull("peerIdB") ? hex(n, "peerIdB", p) : null);
        case RESOURCE_ID -> new ResourceId(hex(n, "id", p));
        case RLOOKUP -> {
          List<WireObject> parts = parts(n, p);
          yield new RLookup(contentType(n, p), (int) num(n, "subType", 0, 255, 0L, p),
              only(parts, ResourceId.class, p), only(parts, Owner.class, p));
        }
        case RESOURCE_OBJECT -> {
          List<WireObject> parts = parts(n, p);
          yield new ResourceObject(contentType(n, p), (int) num(n, "subType", 0, 255, 0L, p),
              only(parts, ResourceId.class, p), opaqueIn(n, "value", p),
              only(parts, PeerInfo.class, p), only(parts, Owner.class, p),
              only(parts, Expires.class, p), only(parts, Signature.class, p),
              only(parts, Certificate.class, p), only(parts, DataEntry.class, p));
        }
        case EXPIRES -> new Expires(num(n, "seconds", 0, 0xFFFFFFFFL, null, p));
        case OWNER -> new Owner(opaqueIn(n, "value", p));
        case CERTIFICATE_SIGNING_REQUEST -> new CertificateSigningRequest(hex(n, "der", p));
        case CERTIFICATE -> new Certificate(coded(n, "subType", p,
            v -> v.equalsIgnoreCase("self-signed") ? 0 : v.equalsIgnoreCase("server-signed") ? 1
                : Integer.parseInt(v)), hex(n, "der", p));
        case SIGNATURE -> new Signature(coded(n, "scheme", p, v -> switch (v.toLowerCase()) {
          case "ed25519" -> Signature.ED25519;
          case "ecdsa_secp256r1_sha256" -> Signature.ECDSA_SECP256R1_SHA256;
          default -> Integer.decode(v);
        }), hex(n, "value", p));
        case PASSWORD -> new Password(opaqueIn(n, "value", p));
        case OVERLAY_DOCUMENT -> new OverlayDocumentObject(opaqueIn(n, "value", p));
        case ICE_PARAMETERS -> new IceParameters(hex(n, "targetId", p), text(n, "ufrag", p),
            text(n, "password", p));
        case DATA_ENTRY -> {
          int model = coded(n, "model", p, v -> switch (v.toLowerCase()) {
            case "single" -> DataEntry.SINGLE;
            case "array" -> DataEntry.ARRAY;
            case "dictionary" -> DataEntry.DICTIONARY;
            default -> Integer.decode(v);
          });
          yield new DataEntry(model, !n.has("exists") || flag(n, "exists", p),
              num(n, "storageTime", 0, Long.MAX_VALUE, null, p),
              num(n, "index", 0, model == DataEntry.ARRAY ? 0xFFFFFFFFL : 0, 0L, p),
              n.has("key") ? opaqueIn(n, "key", p) : Bytes.EMPTY);
        }
        case TIME_WINDOW -> new TimeWindow(num(n, "seconds", 0, 0xFFFFFFFFL, null, p));
        case CONNECTIONS -> new Connections((int) num(n, "neighbors", 0, 0xFFFF, 0L, p),
            (int) num(n, "routingPeers", 0, 0xFFFF, 0L, p),
            (int) num(n, "clients", 0, 0xFFFF, 0L, p));
        case NODE_RESOURCE_UTILIZATION -> new NodeResourceUtilization(
            num(n, "bandwidthKbps", 0, 0xFFFFFFFFL, 0L, p),
            (int) num(n, "cpuPercent", 0, 255, 0L, p),
            (int) num(n, "bandwidthPercent", 0, 255, 0L, p));
        case MESSAGES_RECEIVED -> {
          List<MessagesReceived.Count> counts = new ArrayList<>();
          JsonNode a = array(n, "counts", p);
          for (int i = 0; i < a.size(); i++) {
            Path cp = p.at("counts").index(i);
            counts.add(new MessagesReceived.Count(
                coded(a.get(i), "messageType", cp, v -> v.equalsIgnoreCase("responses") ? 254
                    : v.equalsIgnoreCase("ACKs") ? 255 : Method.parse(v).code()),
                (int) num(a.get(i), "count", 0, 0xFFFFFF, null, cp)));
          }
          yield new MessagesReceived(counts);
        }
        case AS_NUMBER -> new AsNumber(num(n, "asn", 0, 0xFFFFFFFFL, null, p));
        case ERROR -> new ErrorInfo((int) num(n, "code", 0, 0xFFFF, null, p),
            (int) num(n, "subCode", 0, 255, 0L, p),
            coded(n, "objectType", p, v -> v.equalsIgnoreCase("none") ? ErrorInfo.NO_OBJECT
                : ObjectType.parse(v).code(), ErrorInfo.NO_OBJECT),
            n.path("reason").asText(""));
        case RESOURCE_LIST -> {
          List<Integer> types = new ArrayList<>();
          JsonNode a = array(n, "types", p);
          for (int i = 0; i < a.size(); i++) {
            types.add(codedValue(a.get(i), p.at("types").index(i),
                v -> named(v, ResourceObject::contentTypeName, 0xFF)));
          }
          yield new ResourceList(types);
        }
      };
    } catch (IllegalArgumentException e) {
      if (e.getMessage() != null && e.getMessage().startsWith(Path.MARK)) {
        throw e;
      }
      throw p.bad(e.getMessage());
    }
  }

  private static PeerInfo peerInfo(JsonNode n, Path p) {
    List<WireObject> parts = parts(n, p);
    return new PeerInfo(only(parts, PeerId.class, p), only(parts, AddressInfo.class, p),
        only(parts, UnhashedId.class, p), only(parts, Uptime.class, p),
        only(parts, Certificate.class, p), only(parts, Connections.class, p),
        only(parts, NodeResourceUtilization.class, p), only(parts, ResourceList.class, p),
        only(parts, Expires.class, p));
  }

  private static AddressInfo addressInfo(JsonNode n, Path p) {
    JsonNode a = array(n, "candidates", p);
    List<Candidate> cs = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      JsonNode c = a.get(i);
      Path cp = p.at("candidates").index(i);
      IpAddress addr = ip(c, "address", cp);
      IpAddress rel = c.hasNonNull("relatedAddress") ? ip(c, "relatedAddress", cp) : null;
      try {
        cs.add(new Candidate((int) num(c, "foundation", 0, 255, 1L, cp),
            (int) num(c, "componentId", 0, 255, (long) Candidate.COMPONENT_P2PP, cp),
            num(c, "priority", 0, 0xFFFFFFFFL, 0L, cp),
            coded(c, "transport", cp, v -> named(v, Candidate::transportName, 15), 0),
            coded(c, "hostType", cp, v -> named(v, Candidate::hostTypeName, 15), 0),
            addr, (int) num(c, "port", 0, 0xFFFF, null, cp), rel,
            (int) num(c, "relatedPort", 0, 0xFFFF, 0L, cp)));
      } catch (IllegalArgumentException e) {
        if (e.getMessage() != null && e.getMessage().startsWith(Path.MARK)) {
          throw e;
        }
        throw cp.bad(e.getMessage());
      }
    }
    return new AddressInfo(cs);
  }

  private static List<PeerInfo> peerInfos(JsonNode n, String field, Path p) {
    JsonNode a = array(n, field, p);
    List<PeerInfo> out = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      WireObject o = object(a.get(i), p.at(field).index(i));
      if (!(o instanceof PeerInfo pi)) {
        throw p.at(field).index(i).bad("expected a Peer-Info");
      }
      out.add(pi);
    }
    return out;
  }

  private static List<WireObject> parts(JsonNode n, Path p) {
    JsonNode a = n.path("objects");
    if (a.isMissingNode()) {
      return List.of();
    }
    if (!a.isArray()) {
      throw p.at("objects").bad("expected an array");
    }
    List<WireObject> out = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      out.add(object(a.get(i), p.at("objects").index(i)));
    }
    return out;
  }

  private static <T extends WireObject> T only(List<WireObject> parts, Class<T> c, Path p) {
    T found = null;
    for (WireObject o : parts) {
      if (c.isInstance(o)) {
        if (found != null) {
          throw p.at("objects").bad("two " + o.type().wireName() + " objects");
        }
        found = c.cast(o);
      }
    }
    return found;
  }

  private static int contentType(JsonNode n, Path p) {
    return coded(n, "contentType", p, v -> named(v, ResourceObject::contentTypeName, 0xFF), 0);
  }

  /** Turns a name into its code by asking the naming function about every code up to max. */
  private static int named(String v, java.util.function.IntFunction<String> name, int max) {
    for (int i = 0; i <= max; i++) {
      if (name.apply(i).equalsIgnoreCase(v)) {
        return i;
      }
    }
    throw new IllegalArgumentException("unknown name '" + v + "'");
  }

  private static int coded(JsonNode n, String field, Path p,
      java.util.function.ToIntFunction<String> parse) {
    if (!n.hasNonNull(field)) {
      throw p.at(field).bad("missing");
    }
    return codedValue(n.get(field), p.at(field), parse);
  }

  private static int coded(JsonNode n, String field, Path p,
      java.util.function.ToIntFunction<String> parse, int dflt) {
    return n.hasNonNull(field) ? codedValue(n.get(field), p.at(field), parse) : dflt;
  }

  private static int codedValue(JsonNode v, Path p, java.util.function.ToIntFunction<String> parse) {
    if (v.isIntegralNumber()) {
      return v.asInt();
    }
    String text = v.asText();
    if (text.matches("[0-9]+|0[xX][0-9a-fA-F]+")) { // an unnamed code printed as a number
      return Integer.decode(text);
    }
    try {
      return parse.applyAsInt(text);
    } catch (RuntimeException e) {
      throw p.bad("'" + v.asText() + "' is neither a known name nor a number");
    }
  }

  private static <T> T parseEnum(Path p, String v, java.util.function.Function<String, T> parse) {
    try {
      return parse.apply(v);
    } catch (IllegalArgumentException e) {
      throw p.bad(e.getMessage());
    }
  }

  private static String text(JsonNode n, String field, Path p) {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual()) {
      throw p.at(field).bad("missing or not a string");
    }
    return v.asText();
  }

  private static JsonNode array(JsonNode n, String field, Path p) {
    JsonNode v = n.path(field);
    if (v.isMissingNode()) {
      return F.arrayNode();
    }
    if (!v.isArray()) {
      throw p.at(field).bad("expected an array");
    }
    return v;
  }

  private static boolean flag(JsonNode n, String field, Path p) {
    JsonNode v = n.path(field);
    if (v.isMissingNode() || v.isNull()) {
      return false;
    }
    if (!v.isBoolean()) {
      throw p.at(field).bad("expected true or false");
    }
    return v.asBoolean();
  }

  private static long num(JsonNode n, String field, long min, long max, Long dflt, Path p) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      if (dflt == null) {
        throw p.at(field).bad("missing");
      }
      return dflt;
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw p.at(field).bad("expected an integer");
    }
    long x = v.asLong();
    if (x < min || x > max) {
      throw p.at(field).bad(x + " is outside " + min + ".." + max);
    }
    return x;
  }

  private static long hexNumber(JsonNode n, String field, Path p) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return 0;
    }
    if (v.isIntegralNumber()) {
      long x = v.asLong();
      if (x < 0 || x > 0xFFFFFFFFL) {
        throw p.at(field).bad("outside 32 bits");
      }
      return x;
    }
    if (!v.isTextual()) {
      throw p.at(field).bad("expected a hex string or a number");
    }
    String digits = v.asText().replaceFirst("^0[xX]", "");
    Bytes b;
    try {
      b = Bytes.fromHex(digits.length() % 2 == 1 ? "0" + digits : digits);
    } catch (IllegalArgumentException e) {
      throw p.at(field).bad(e.getMessage());
    }
    if (b.length() > 4) {
      throw p.at(field).bad("more than 32 bits");
    }
    long x = 0;
    for (int i = 0; i < b.length(); i++) {
      x = (x << 8) | (b.get(i) & 0xFF);
    }
    return x;
  }

  private static Bytes hex(JsonNode n, String field, Path p) {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual()) {
      throw p.at(field).bad("missing or not a hex string");
    }
    try {
      return Bytes.fromHex(v.asText());
    } catch (IllegalArgumentException e) {
      throw p.at(field).bad(e.getMessage());
    }
  }

  /** Opaque octets: "field" in hex, or "fieldText" as UTF-8 text. */
  private static Bytes opaqueIn(JsonNode n, String field, Path p) {
    if (n.hasNonNull(field)) {
      return hex(n, field, p);
    }
    if (n.hasNonNull(field + "Text")) {
      return Bytes.of(n.get(field + "Text").asText().getBytes(StandardCharsets.UTF_8));
    }
    throw p.at(field).bad("missing (give \"" + field + "\" in hex or \"" + field + "Text\")");
  }

  private static IpAddress ip(JsonNode n, String field, Path p) {
    try {
      return IpAddress.parse(text(n, field, p));
    } catch (IllegalArgumentException e) {
      if (e.getMessage() != null && e.getMessage().startsWith(Path.MARK)) {
        throw e;
      }
      throw p.at(field).bad(e.getMessage());
    }
  }

  /** Where in the JSON document a value sits, for error messages. */
  public record Path(String where) {
    static final String MARK = "JSON ";

    Path at(String field) {
      return new Path(where.isEmpty() ? field : where + "." + field);
    }

    Path index(int i) {
      return new Path(where + "[" + i + "]");
    }

    IllegalArgumentException bad(String what) {
      return new IllegalArgumentException(MARK + (where.isEmpty() ? "message" : where) + ": " + what);
    }
  }
}
