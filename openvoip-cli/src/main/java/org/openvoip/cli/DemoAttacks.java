package org.openvoip.cli;

import io.netty.channel.EventLoopGroup;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.openvoip.net.NetNode;
import org.openvoip.p2pp.env.Endpoint;
import org.openvoip.p2pp.security.Identity;
import org.openvoip.p2pp.security.Kind;
import org.openvoip.p2pp.security.Refusal;
import org.openvoip.p2pp.wire.Bytes;
import org.openvoip.p2pp.wire.Message;
import org.openvoip.p2pp.wire.WireObject.DataEntry;
import org.openvoip.p2pp.wire.WireObject.ResourceObject;
import org.openvoip.server.OverlayKinds;

/**
 * The attacks of {@code demo --secure}: a rogue peer, enrolled like any other (an insider gone
 * bad), tries each attack the security model must stop, against the live overlay, straight at
 * the peer that would store it. Each attack must be refused with its documented response code
 * and Error sub-code, and nothing of it may be stored.
 */
final class DemoAttacks {
  private final List<NetNode> nodes;

  private DemoAttacks(List<NetNode> nodes) {
    this.nodes = nodes;
  }

  /** One attack and what the overlay answered. */
  record Attack(String name, String expected, String answer, boolean refused, String outcome) {}

  private static final Kind SHARED = OverlayKinds.SHARED;
  private static final Kind USER_INFO = OverlayKinds.USER_INFO;

  static List<Attack> run(SecureDemo demo, List<NetNode> nodes,
      List<SecureDemo.Member> members, EventLoopGroup group, int idLength, PrintWriter out)
      throws Exception {
    return new DemoAttacks(nodes).attack(demo, members, group, idLength, out);
  }

  private List<Attack> attack(SecureDemo demo, List<SecureDemo.Member> members,
      EventLoopGroup group, int idLength, PrintWriter out) throws Exception {
    List<Attack> done = new ArrayList<>();
    SecureDemo.Member mallory = demo.enroll("mallory@" + SecureDemo.OVERLAY);
    NetNode asker = nodes.get(0);
    SecureDemo.Member alice = members.get(1);
    NetNode aliceNode = nodes.get(1);
    String aliceUser = alice.identity.user();
    Bytes aliceKey = NetSupport.resourceId(aliceUser);
    aliceNode.node().publish(aliceKey, USER_INFO.contentType(), USER_INFO.subType(),
        text("sip:" + aliceUser + " (first)"), 3600).get(20, TimeUnit.SECONDS);
    out.printf("rogue peer %s (enrolled like any peer) attacks; %s holds its user record%n",
        mallory.identity.user(), aliceUser);
    out.flush();

    try (RoguePeer rogue = new RoguePeer(group, mallory.identity, List.of(demo.ca()),
        mallory.checker, idLength)) {
      Bytes me = mallory.identity.nodeId();

      // 1. A signed value whose bytes were changed after signing.
      Bytes k1 = NetSupport.resourceId("forged@" + SecureDemo.OVERLAY);
      ResourceObject good = RoguePeer.signed(mallory.identity, mallory.identity.user(), SHARED,
          k1, DataEntry.dictionary(now(), true, me), text("signed by mallory"));
      ResourceObject forged = RoguePeer.withValue(good, text("never signed"));
      done.add(data(rogue, "forged signature", Refusal.BAD_SIGNATURE,
          rogue.publish(holder(asker, k1), me, forged, false), holder(asker, k1), k1, SHARED,
          "never signed"));

      // 2. Alice's record, signed by mallory.
      ResourceObject overwrite = RoguePeer.signed(mallory.identity, aliceUser, USER_INFO,
          aliceKey, DataEntry.single(now(), true), text("sip:mallory@192.0.2.66"));
      done.add(data(rogue, "overwrite by a non-owner", Refusal.NOT_OWNER,
          rogue.publish(holder(asker, aliceKey), me, overwrite, false), holder(asker, aliceKey),
          aliceKey, USER_INFO, "sip:mallory@192.0.2.66"));

      // 3. A good value of mallory's, sent under alice's node-ID.
      Bytes k3 = NetSupport.resourceId("spoofed@" + SecureDemo.OVERLAY);
      ResourceObject mine = RoguePeer.signed(mallory.identity, mallory.identity.user(), SHARED,
          k3, DataEntry.dictionary(now(), true, me), text("as alice"));
      done.add(data(rogue, "spoofed node-ID", Refusal.SPOOFED_ID,
          rogue.publish(holder(asker, k3), alice.identity.nodeId(), mine, false),
          holder(asker, k3), k3, SHARED, "as alice"));

      // 4. Alice's record as it was, sent again after she changed it.
      List<ResourceObject> captured = RoguePeer.objects(
          rogue.lookup(holder(asker, aliceKey), aliceKey, USER_INFO));
      Thread.sleep(5); // a later storage time
      aliceNode.node().publish(aliceKey, USER_INFO.contentType(), USER_INFO.subType(),
          text("sip:" + aliceUser + " (second)"), 3600).get(20, TimeUnit.SECONDS);
      Message replay = captured.isEmpty() ? null
          : rogue.publish(holder(asker, aliceKey), me, captured.get(0), false);
      done.add(data(rogue, "replay of an older value", Refusal.STALE, replay,
          holder(asker, aliceKey), aliceKey, USER_INFO, "sip:" + aliceUser + " (first)"));

      // 5. More than the kind allows (4,096 bytes).
      Bytes k5 = NetSupport.resourceId("big@" + SecureDemo.OVERLAY);
      ResourceObject big = RoguePeer.signed(mallory.identity, mallory.identity.user(), SHARED,
          k5, DataEntry.dictionary(now(), true, me), Bytes.of(new byte[5000]));
      done.add(data(rogue, "oversized value (5,000 bytes)", Refusal.TOO_LARGE,
          rogue.publish(holder(asker, k5), me, big, true), holder(asker, k5), k5, SHARED, null));

      // 6. Values at keys one peer is responsible for, beyond one identity's quota there.
      done.add(fill(rogue, mallory.identity));

      // 7. Requests as fast as the socket takes them.
      done.add(flood(rogue, nodes.get(3)));

      // 8. A value signed under a certificate that has expired.
      Identity old = demo.expired("expired@" + SecureDemo.OVERLAY);
      Bytes k8 = NetSupport.resourceId("expired@" + SecureDemo.OVERLAY);
      ResourceObject stale = RoguePeer.signed(old, old.user(), SHARED, k8,
          DataEntry.dictionary(now(), true, old.nodeId()), text("from an expired certificate"));
      done.add(data(rogue, "expired certificate", Refusal.BAD_CERTIFICATE,
          rogue.publish(holder(asker, k8), me, stale, false), holder(asker, k8), k8, SHARED,
          "from an expired certificate"));

      // 9. Alice's record under a certificate from another CA, naming alice.
      Identity fake = demo.fromUnknownCa(aliceUser);
      ResourceObject impostor = RoguePeer.signed(fake, aliceUser, USER_INFO, aliceKey,
          DataEntry.single(now(), true), text("sip:impostor@192.0.2.66"));
      done.add(data(rogue, "unknown-CA certificate", Refusal.BAD_CERTIFICATE,
          rogue.publish(holder(asker, aliceKey), me, impostor, false), holder(asker, aliceKey),
          aliceKey, USER_INFO, "sip:impostor@192.0.2.66"));
      done.add(link(group, fake, demo, mallory, nodes.get(4), idLength));

      // 10. A certificate the enrollment server has revoked, once the peers have fetched the
      // current overlay document.
      SecureDemo.Member revoked = demo.enroll("revoked@" + SecureDemo.OVERLAY);
      demo.revoke(revoked);
      int listed = demo.refresh(members);
      Bytes k10 = NetSupport.resourceId("revoked@" + SecureDemo.OVERLAY);
      ResourceObject late = RoguePeer.signed(revoked.identity, revoked.identity.user(), SHARED,
          k10, DataEntry.dictionary(now(), true, revoked.identity.nodeId()),
          text("from a revoked certificate"));
      Attack r = data(rogue, "revoked certificate", Refusal.REVOKED_CERTIFICATE,
          rogue.publish(holder(asker, k10), me, late, false), holder(asker, k10), k10, SHARED,
          "from a revoked certificate");
      done.add(new Attack(r.name(), r.expected(), r.answer(), r.refused(), r.outcome()
          + " (" + listed + " serial in the peers' overlay document)"));
    }
    return done;
  }

  private String victimLink(Endpoint at) throws Exception {
    for (NetNode n : nodes) {
      if (n != null && n.localEndpoint().equals(at)) {
        return n.netCounters().entrySet().stream()
            .filter(e -> e.getKey().contains("dtls") || e.getKey().contains("tls"))
            .map(e -> e.getKey() + "=" + e.getValue())
            .collect(java.util.stream.Collectors.joining(", ")) + "; its node: "
            + n.node().snapshot().get(5, TimeUnit.SECONDS).state() + " "
            + n.node().snapshot().get(5, TimeUnit.SECONDS).counters().entrySet().stream()
                .filter(e -> e.getKey().startsWith("drop") || e.getKey().startsWith("security")
                    || e.getKey().startsWith("transaction"))
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(java.util.stream.Collectors.joining(", "));
      }
    }
    return "not a live peer";
  }

  /** The refusal counters of every live peer, summed. */
  static Map<String, Long> refusalsCounted(List<NetNode> nodes) throws Exception {
    Map<String, Long> sum = new TreeMap<>();
    for (NetNode n : nodes) {
      if (n == null) {
        continue;
      }
      n.node().snapshot().get(5, TimeUnit.SECONDS).counters().forEach((k, v) -> {
        if (k.startsWith("security.refused.")) {
          sum.merge(k.substring("security.refused.".length()), v, Long::sum);
        }
      });
      n.netCounters().forEach((k, v) -> {
        if (k.startsWith("security.refused.")) {
          sum.merge(k.substring("security.refused.".length()) + " (link)", v, Long::sum);
        }
      });
    }
    return sum;
  }

  private Attack data(RoguePeer rogue, String name, Refusal expected, Message answer,
      Endpoint holder, Bytes key, Kind kind, String attackerValue) throws Exception {
    String want = expected.responseCode() + " sub-code " + expected.subCode();
    String got = RoguePeer.describe(answer);
    boolean stored = false;
    if (attackerValue != null) {
      for (ResourceObject o : RoguePeer.objects(rogue.lookup(holder, key, kind))) {
        if (new String(o.value().toByteArray(), StandardCharsets.UTF_8).equals(attackerValue)) {
          stored = true;
        }
      }
    }
    boolean refused = want.equals(got) && !stored;
    String why = "";
    if (answer == null) { // say what the rogue's link saw, for whoever reads a failed run
      why = " (to " + holder + " from " + rogue.endpoint() + "; rogue link: " + rogue.counters().entrySet().stream()
          .filter(e -> e.getKey().contains("dtls") || e.getKey().contains("tls"))
          .map(e -> e.getKey() + "=" + e.getValue())
          .collect(java.util.stream.Collectors.joining(", ")) + "; its link: "
          + victimLink(holder) + ")";
    }
    return new Attack(name, want + " (" + expected.counter().substring(17) + ")", got, refused,
        (stored ? "STORED" : "nothing stored") + why);
  }

  /**
   * Values at keys one peer is responsible for, beyond what one identity may keep there. The
   * victim is the peer responsible for the most of some random keys (the largest share of the
   * ring), and each key is checked just before it is sent, since a neighbour that joins
   * meanwhile takes some over.
   */
  private Attack fill(RoguePeer rogue, Identity mallory) throws Exception {
    int tries = SecureDemo.LIMITS.valuesPerOwner() + 16;
    java.util.SplittableRandom r = new java.util.SplittableRandom(5);
    Map<NetNode, List<Bytes>> owned = new java.util.HashMap<>();
    NetNode victim = null;
    for (int round = 0; round < 20 && (victim == null || owned.get(victim).size() < tries);
        round++) {
      for (int i = 0; i < 2000; i++) {
        byte[] b = new byte[mallory.nodeId().length()];
        r.nextBytes(b);
        Bytes k = Bytes.of(b);
        for (NetNode n : nodes) {
          if (n != null && n.onLoop(node -> node.isResponsibleNow(k))) {
            owned.computeIfAbsent(n, x -> new ArrayList<>()).add(k);
            break;
          }
        }
      }
      victim = owned.entrySet().stream().max(java.util.Comparator.comparingInt(
          e -> e.getValue().size())).map(Map.Entry::getKey).orElse(null);
    }
    Map<String, Integer> outcomes = new TreeMap<>();
    int sent = 0;
    for (Bytes k : owned.get(victim)) {
      if (sent == tries) {
        break;
      }
      if (!victim.onLoop(n -> n.isResponsibleNow(k))) {
        continue;
      }
      ResourceObject o = RoguePeer.signed(mallory, mallory.user(), SHARED, k,
          DataEntry.dictionary(now(), true, mallory.nodeId()), text("filler"));
      outcomes.merge(RoguePeer.describe(rogue.publishHere(victim.localEndpoint(),
          mallory.nodeId(), o)), 1, Integer::sum);
      sent++;
    }
    Refusal q = Refusal.QUOTA;
    String want = q.responseCode() + " sub-code " + q.subCode();
    int refused = outcomes.getOrDefault(want, 0);
    int stored = outcomes.getOrDefault("200", 0);
    String others = outcomes.entrySet().stream()
        .filter(e -> !e.getKey().equals("200") && !e.getKey().equals(want))
        .map(e -> e.getValue() + " " + e.getKey()).collect(java.util.stream.Collectors.joining(", "));
    return new Attack("one identity filling a peer's storage", want + " (quota)",
        sent + " values: " + stored + " stored, " + refused + " refused 406"
            + (others.isEmpty() ? "" : ", " + others),
        refused > 0 && stored <= SecureDemo.LIMITS.valuesPerOwner(),
        "at most " + SecureDemo.LIMITS.valuesPerOwner() + " values per identity per peer");
  }

  private static Attack flood(RoguePeer rogue, NetNode victim) throws InterruptedException {
    rogue.query(victim.localEndpoint(), 10_000); // the DTLS session first, as an attacker would
    Map<Integer, Integer> codes = rogue.flood(victim.localEndpoint(), 400, 3000);
    Refusal rl = Refusal.RATE_LIMITED;
    int refused = codes.getOrDefault(rl.responseCode(), 0);
    return new Attack("request flood (400 at once)", rl.responseCode() + " sub-code "
        + rl.subCode() + " (rate-limited)", codes.getOrDefault(200, 0) + " answered, " + refused
        + " refused " + rl.responseCode(), refused > 0,
        SecureDemo.LIMITS.burst() + " at once, then " + SecureDemo.LIMITS.requestsPerSecond()
            + " per second per peer");
  }

  /** A link shown a certificate from another CA: the handshake itself is refused. */
  private static Attack link(EventLoopGroup group, Identity fake, SecureDemo demo,
      SecureDemo.Member trust, NetNode victim, int idLength) throws Exception {
    long before = victim.netCounters().getOrDefault(
        Refusal.BAD_CERTIFICATE.counter(), 0L);
    try (RoguePeer outsider = new RoguePeer(group, fake, List.of(), trust.checker, idLength)) {
      Message answer = outsider.query(victim.localEndpoint(), 3_000);
      long after = victim.netCounters().getOrDefault(Refusal.BAD_CERTIFICATE.counter(), 0L);
      boolean refused = answer == null && after > before;
      return new Attack("link with an unknown-CA certificate", "handshake refused",
          answer == null ? "handshake refused (fatal alert)"
              : "answered " + RoguePeer.describe(answer), refused, "nothing delivered");
    }
  }

  /**
   * Where the rogue aims: the peer responsible for {@code key} now, as that peer itself sees
   * it (a peer that restarted is on a new port, which the others learn within seconds), else
   * what {@code asker} finds.
   */
  private Endpoint holder(NetNode asker, Bytes key) throws Exception {
    for (NetNode n : nodes) {
      if (n != null && n.onLoop(node -> node.isResponsibleNow(key))) {
        return n.localEndpoint();
      }
    }
    return asker.node().lookupPeer(key, 1).get(20, TimeUnit.SECONDS).peers().get(0)
        .endpoint();
  }

  private static Bytes text(String s) {
    return Bytes.of(s.getBytes(StandardCharsets.UTF_8));
  }

  private static long now() {
    return System.currentTimeMillis();
  }

  static void print(List<Attack> attacks, Map<String, Long> counted, PrintWriter out) {
    out.println();
    out.println("== attacks by the rogue peer");
    for (Attack a : attacks) {
      out.printf("%-38s %-7s %-36s %s%n", a.name(), a.refused() ? "REFUSED" : "FAILED",
          a.answer(), a.outcome());
    }
    out.printf("refusals counted by the peers: %s%n", counted);
  }

  static boolean allRefused(List<Attack> attacks) {
    return attacks.stream().allMatch(Attack::refused);
  }
}
