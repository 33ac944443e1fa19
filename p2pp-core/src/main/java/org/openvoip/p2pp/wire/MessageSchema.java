package org.openvoip.p2pp.wire;

import static org.openvoip.p2pp.wire.ObjectType.*;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Which top-level objects each message carries (section 8), and how many. Requests and
 * indications share a schema; 2xx responses and responseACKs have the method's response schema;
 * other responses carry Peer-Infos (302: the responder and at least one next hop), an optional
 * Error and an optional Expires (407); ACKs carry at most Peer-Infos.
 *
 * <p>Order is not enforced, but where one type repeats with different meanings (Bootstrap's
 * responder then originator) the wire order is kept.
 */
public final class MessageSchema {
  static final int MANY = Integer.MAX_VALUE;

  /** How many objects of one type a message may carry. */
  public record Rule(ObjectType type, int min, int max) {}

  /**
   * One message's rules, and the same as bit masks over {@link ObjectType#ordinal()}: the types
   * allowed, those required (at least one), those allowed once at most, and how many Peer-Infos
   * are required (the only type ever required more than once).
   */
  record RuleSet(List<Rule> rules, long allowed, long required, long single, int minPeerInfos) {
    static RuleSet of(List<Rule> rules) {
      long allowed = 0;
      long required = 0;
      long single = 0;
      int minPeerInfos = 0;
      for (Rule r : rules) {
        long bit = 1L << r.type().ordinal();
        allowed |= bit;
        if (r.min() > 0) {
          required |= bit;
        }
        if (r.max() == 1) {
          single |= bit;
        } else if (r.max() != MANY) {
          throw new AssertionError("a maximum other than 1 or many: " + r);
        }
        if (r.type() == PEER_INFO) {
          minPeerInfos = r.min();
        } else if (r.min() > 1) {
          throw new AssertionError("only Peer-Infos are required more than once: " + r);
        }
      }
      return new RuleSet(rules, allowed, required, single, minPeerInfos);
    }

    boolean allows(ObjectType t) {
      return (allowed & (1L << t.ordinal())) != 0;
    }

    /**
     * Whether the objects keep every rule: one pass over them, the common case. Only when it
     * says no are the rules walked one by one, to name what is wrong.
     */
    boolean kept(List<WireObject> objects) {
      long seen = 0;
      int peerInfos = 0;
      for (int i = 0; i < objects.size(); i++) {
        WireObject o = objects.get(i);
        // Most objects are Peer-Infos: known without a call through the interface.
        ObjectType t = o instanceof WireObject.PeerInfo ? PEER_INFO : o.type();
        long bit = 1L << t.ordinal();
        if ((allowed & bit) == 0 || (single & bit & seen) != 0) {
          return false;
        }
        seen |= bit;
        if (t == PEER_INFO) {
          peerInfos++;
        }
      }
      return (required & ~seen) == 0 && peerInfos >= minPeerInfos;
    }
  }

  private static final Map<Method, RuleSet> REQUESTS = new EnumMap<>(Method.class);
  private static final Map<Method, RuleSet> RESPONSES = new EnumMap<>(Method.class);
  private static final RuleSet REDIRECT = RuleSet.of(List.of(rule(PEER_INFO, 2, MANY), opt(ERROR)));
  private static final RuleSet FAILURE =
      RuleSet.of(List.of(rule(PEER_INFO, 1, MANY), opt(ERROR), opt(EXPIRES)));
  private static final RuleSet ACK = RuleSet.of(List.of(rule(PEER_INFO, 0, MANY)));

  static {
    List<Rule> enroll = List.of(opt(REQUEST_OPTIONS), peers(), one(CERTIFICATE_SIGNING_REQUEST),
        one(PASSWORD));
    // The answer: the node's certificate first, then its chain up to the overlay's root; the
    // signed overlay configuration.
    List<Rule> enrolled = List.of(peers(), rule(CERTIFICATE, 1, MANY), opt(OVERLAY_DOCUMENT),
        opt(P2P_OPTIONS));
    List<Rule> peerOnly = List.of(peers());
    def(Method.ENROLL, enroll, enrolled);
    def(Method.AUTHENTICATE, enroll, enrolled);
    def(Method.BOOTSTRAP, peerOnly, List.of(rule(PEER_INFO, 2, MANY), one(P2P_OPTIONS)));
    def(Method.JOIN, List.of(opt(REQUEST_OPTIONS), peers()),
        List.of(peers(), opt(EXPIRES), opt(ROUTING_TABLE), opt(NEIGHBOR_TABLE), opt(RESOURCE_LIST)));
    def(Method.LEAVE, List.of(peers(), rule(RESOURCE_OBJECT, 0, MANY)), peerOnly);
    def(Method.KEEP_ALIVE, List.of(peers(), one(EXPIRES)), List.of(peers(), one(EXPIRES)));
    def(Method.LOOKUP_PEER, List.of(opt(REQUEST_OPTIONS), peers(), one(PLOOKUP)), peerOnly);
    // The draft makes Request-Options mandatory, but section 4.3 also pushes tables in an
    // ExchangeTable request; such a request carries tables and may omit Request-Options.
    def(Method.EXCHANGE_TABLE,
        List.of(peers(), opt(REQUEST_OPTIONS), opt(ROUTING_TABLE), opt(NEIGHBOR_TABLE)),
        List.of(peers(), opt(ROUTING_TABLE), opt(NEIGHBOR_TABLE)));
    def(Method.QUERY, peerOnly, List.of(peers(), opt(P2P_OPTIONS), opt(RESOURCE_LIST)));
    def(Method.PUBLISH, List.of(opt(REQUEST_OPTIONS), peers(), one(RESOURCE_OBJECT)),
        List.of(peers(), one(EXPIRES)));
    def(Method.LOOKUP_OBJECT, List.of(opt(REQUEST_OPTIONS), peers(), one(RLOOKUP)),
        List.of(peers(), rule(RESOURCE_OBJECT, 1, MANY)));
    def(Method.REMOVE_OBJECT, List.of(opt(REQUEST_OPTIONS), peers(), one(RESOURCE_OBJECT)), peerOnly);
    def(Method.REPLICATE, List.of(peers(), rule(RESOURCE_OBJECT, 0, MANY)), peerOnly);
    def(Method.TRANSFER, List.of(peers(), rule(RESOURCE_OBJECT, 1, MANY)), peerOnly);
    def(Method.TUNNEL, List.of(opt(REQUEST_OPTIONS), peers(), one(RESOURCE_OBJECT)), peerOnly);
    // The draft leaves Connect's ICE offer TBD: ICE-Parameters carries it (optional on the wire,
    // so that a draft Connect decodes; a node answers one without it 400).
    def(Method.CONNECT, List.of(opt(REQUEST_OPTIONS), peers(), opt(ICE_PARAMETERS)),
        List.of(peers(), opt(ICE_PARAMETERS)));
    def(Method.GET_DIAGNOSTICS, List.of(opt(REQUEST_OPTIONS), peers(), opt(DIAGNOSTIC_OPTIONS)),
        List.of(peers(), opt(TIME_WINDOW), opt(CONNECTIONS), opt(NODE_RESOURCE_UTILIZATION),
            opt(MESSAGES_RECEIVED), opt(AS_NUMBER)));
    def(Method.INVITE, peerOnly, peerOnly);
  }

  private MessageSchema() {}

  /** The rules for a message with this header. */
  public static List<Rule> rulesFor(Header h) {
    return ruleSet(h).rules();
  }

  static RuleSet ruleSet(Header h) {
    if (h.ack()) {
      return ACK;
    }
    if (!h.kind().isResponse()) {
      return REQUESTS.get(h.method());
    }
    int code = h.responseCode();
    if (code >= 200 && code < 300) {
      return RESPONSES.get(h.method());
    }
    return code >= 300 && code < 400 ? REDIRECT : FAILURE;
  }

  /**
   * Checks that every object is allowed in this message and that each type appears as often as
   * the rules say.
   *
   * @throws MalformedMessageException MISSING_OBJECT or UNEXPECTED_OBJECT, naming the type
   */
  public static void check(Message m) throws MalformedMessageException {
    RuleSet rules = ruleSet(m.header());
    if (rules.kept(m.objects())) {
      return;
    }
    for (int i = 0; i < m.objects().size(); i++) {
      WireObject o = m.objects().get(i);
      if (!rules.allows(o.type())) {
        throw new MalformedMessageException(WireError.UNEXPECTED_OBJECT, o.type().code(),
            o.type().wireName() + " is not allowed in " + withArticle(m.header().describe()));
      }
    }
    checkCounts(m, rules);
  }

  /**
   * Checks only how often each type appears. The decoder uses this: it already refused every
   * object type that {@code rules} does not allow while reading.
   */
  static void checkCounts(Message m, RuleSet rules) throws MalformedMessageException {
    List<WireObject> objects = m.objects();
    if (rules.kept(objects)) {
      return;
    }
    List<Rule> all = rules.rules();
    for (int k = 0; k < all.size(); k++) {
      Rule r = all.get(k);
      int n = 0;
      for (int i = 0; i < objects.size(); i++) {
        WireObject o = objects.get(i);
        if (o.type() == r.type()) {
          n++;
        }
      }
      if (n < r.min()) {
        throw new MalformedMessageException(WireError.MISSING_OBJECT, r.type().code(),
            m.header().describe() + " needs "
                + (r.min() == 1 ? withArticle(r.type().wireName()) : r.min() + " " + r.type().wireName())
                + (n > 0 ? " (has " + n + ")" : ""));
      }
      if (n > r.max()) {
        throw new MalformedMessageException(WireError.UNEXPECTED_OBJECT, r.type().code(),
            m.header().describe() + " carries " + n + " " + r.type().wireName()
                + ", at most " + r.max());
      }
    }
  }

  /** "a Join request", "an ACK of ...", "an Expires". */
  static String withArticle(String noun) {
    return ("AEIOU".indexOf(noun.charAt(0)) >= 0 ? "an " : "a ") + noun;
  }

  private static void def(Method m, List<Rule> request, List<Rule> response) {
    REQUESTS.put(m, RuleSet.of(request));
    RESPONSES.put(m, RuleSet.of(response));
  }

  private static Rule peers() {
    return rule(PEER_INFO, 1, MANY);
  }

  private static Rule one(ObjectType t) {
    return rule(t, 1, 1);
  }

  private static Rule opt(ObjectType t) {
    return rule(t, 0, 1);
  }

  private static Rule rule(ObjectType t, int min, int max) {
    return new Rule(t, min, max);
  }
}
