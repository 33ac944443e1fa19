package org.openvoip.p2pp.ice;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.random.RandomGenerator;
import org.openvoip.p2pp.env.Counters;
import org.openvoip.p2pp.env.Endpoint;
import org.openvoip.p2pp.env.Env;
import org.openvoip.p2pp.stun.StunAgent;
import org.openvoip.p2pp.stun.StunMessage;
import org.openvoip.p2pp.wire.Bytes;
import org.openvoip.p2pp.wire.WireObject.Candidate;

/**
 * One ICE session (RFC 8445) between this node and one other, for one component on the node's
 * P2PP port: every local candidate shares that one socket, so a check is sent from it and a
 * pair is, in effect, a remote candidate. No I/O: checks go through the node's {@link
 * StunAgent}, and checks from the other side come back through {@link IceSessions}.
 *
 * <p>What it does: pairs ordered by RFC 8445's pair priority; one ordinary check every {@link
 * #PACING_MILLIS}, triggered checks first (a check received on a pair not yet valid); checks
 * carry USERNAME, PRIORITY, ICE-CONTROLLING or ICE-CONTROLLED with the tie-breaker,
 * MESSAGE-INTEGRITY under the other side's password and FINGERPRINT; answers must come from the
 * address checked (symmetric), with integrity under the same password; a check from an unknown
 * address adds a peer-reflexive remote candidate; role conflicts are settled by the tie-breaker
 * (487). Nomination is regular: the controlling side nominates the first pair that succeeds by
 * checking it again with USE-CANDIDATE; the controlled side selects a valid pair once it has been
 * told USE-CANDIDATE on it. Once selected, a Binding indication every {@link
 * #KEEPALIVE_MILLIS} keeps the NAT mappings open. When every pair has failed, or nothing is
 * selected within {@link #TIMEOUT_MILLIS}, the session fails and the caller falls back to a relay.
 */
public final class IceAgent {
  /** RFC 8445's Ta: one new check at most this often. */
  public static final long PACING_MILLIS = 50;
  /** RFC 8445's Tr is at least 15 s. */
  public static final long KEEPALIVE_MILLIS = 15_000;
  /** Give up when nothing is selected by then. */
  public static final long TIMEOUT_MILLIS = 12_000;
  /** RFC 8445 type preferences. */
  public static final int PREF_HOST = 126;
  public static final int PREF_PEER_REFLEXIVE = 110;
  public static final int PREF_SERVER_REFLEXIVE = 100;
  public static final int PREF_RELAYED = 0;

  public enum Role { CONTROLLING, CONTROLLED }

  public enum State { NEW, CHECKING, COMPLETED, FAILED, CLOSED }

  /** A side's short-term credentials: ufrag (at least 4 characters) and password (22 or more). */
  public record Credentials(String ufrag, String password) {
    private static final String ICE_CHARS =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    public Credentials {
      if (ufrag.length() < 4 || ufrag.length() > 256 || password.length() < 22
          || password.length() > 256 || ufrag.contains(":")) {
        throw new IllegalArgumentException("ICE needs a ufrag of 4-256 characters without ':'"
            + " and a password of 22-256");
      }
    }

    /** Fresh random credentials: 8 and 24 ICE characters (48 and 144 bits). */
    public static Credentials random(RandomGenerator random) {
      return new Credentials(chars(random, 8), chars(random, 24));
    }

    private static String chars(RandomGenerator random, int n) {
      StringBuilder b = new StringBuilder(n);
      for (int i = 0; i < n; i++) {
        b.append(ICE_CHARS.charAt(random.nextInt(ICE_CHARS.length())));
      }
      return b.toString();
    }
  }

  /** How the session ends, on the node's thread, once. */
  public interface Listener {
    /** A pair was selected: send to {@code remote} from now on. */
    void onSelected(Endpoint remote, Candidate remoteCandidate);

    /** No pair works: {@code reason} says why; use a relay. */
    void onFailed(String reason);
  }

  private enum PairState { WAITING, IN_PROGRESS, SUCCEEDED, FAILED }

  private static final class Pair {
    final Candidate remote;
    final Endpoint endpoint;
    long priority;
    PairState state = PairState.WAITING;
    boolean nominating;
    boolean useCandidateReceived;

    Pair(Candidate remote, Endpoint endpoint) {
      this.remote = remote;
      this.endpoint = endpoint;
    }
  }

  private final Env env;
  private final StunAgent stun;
  private final Counters counters;
  private final Credentials local;
  private final List<Candidate> localCandidates;
  private final long tieBreaker;
  private final Listener listener;
  private final StunAgent.Retransmit retransmit;
  private Role role;
  private Credentials remote;
  private State state = State.NEW;
  private final List<Pair> pairs = new ArrayList<>();
  private final Deque<Pair> triggered = new ArrayDeque<>();
  /** Checks that arrived before the other side's credentials and candidates: their sources. */
  private final List<Endpoint> early = new ArrayList<>();
  /** Of those, the ones that carried USE-CANDIDATE. */
  private final List<Endpoint> earlyNominated = new ArrayList<>();
  private Pair selected;
  private Env.Timer pacer;
  private Env.Timer deadline;
  private Env.Timer keepalive;

  /**
   * @param localCandidates this side's candidates (host, server-reflexive, relayed), all on the
   *     node's one port, which the other side gets (in Connect)
   */
  public IceAgent(Env env, StunAgent stun, Counters counters, Credentials local, Role role,
      List<Candidate> localCandidates, Listener listener) {
    this(env, stun, counters, local, role, localCandidates, listener,
        StunAgent.Retransmit.QUICK);
  }

  /** As above, with the checks' retransmission schedule. */
  public IceAgent(Env env, StunAgent stun, Counters counters, Credentials local, Role role,
      List<Candidate> localCandidates, Listener listener, StunAgent.Retransmit retransmit) {
    this.env = env;
    this.stun = stun;
    this.counters = counters;
    this.local = local;
    this.role = role;
    this.localCandidates = List.copyOf(localCandidates);
    this.listener = listener;
    this.retransmit = retransmit;
    this.tieBreaker = env.random().nextLong();
  }

  public Credentials localCredentials() {
    return local;
  }

  public List<Candidate> localCandidates() {
    return localCandidates;
  }

  public Role role() {
    return role;
  }

  public State state() {
    return state;
  }

  /** The selected remote address, or null. */
  public Endpoint selected() {
    return selected == null ? null : selected.endpoint;
  }

  /** RFC 8445's candidate priority for component 1 of the P2PP port. */
  public static long priority(int typePreference, int localPreference) {
    return ((long) typePreference << 24) | ((long) localPreference << 8) | 255;
  }

  /** A host candidate for the node's own address. */
  public static Candidate host(Endpoint e) {
    return new Candidate(1, Candidate.COMPONENT_P2PP, priority(PREF_HOST, 65_535),
        Candidate.UDP, Candidate.HOST, e.address(), e.port(), null, 0);
  }

  /** A server-reflexive candidate: {@code mapped} as a STUN server saw {@code base}. */
  public static Candidate serverReflexive(Endpoint mapped, Endpoint base) {
    return new Candidate(2, Candidate.COMPONENT_P2PP, priority(PREF_SERVER_REFLEXIVE, 65_535),
        Candidate.UDP, Candidate.SERVER_REFLEXIVE, mapped.address(), mapped.port(),
        base.address(), base.port());
  }

  /** A relayed candidate: an address a relay allocated for {@code base}. */
  public static Candidate relayed(Endpoint relayed, Endpoint base) {
    return new Candidate(3, Candidate.COMPONENT_P2PP, priority(PREF_RELAYED, 65_535),
        Candidate.UDP, Candidate.RELAYED, relayed.address(), relayed.port(), base.address(),
        base.port());
  }

  /**
   * Starts the checks against the other side's credentials and candidates. Checks that arrived
   * earlier are answered already and now get their triggered checks.
   */
  public void start(Credentials remoteCredentials, List<Candidate> remoteCandidates) {
    if (state != State.NEW) {
      throw new IllegalStateException("the session is " + state);
    }
    this.remote = remoteCredentials;
    state = State.CHECKING;
    for (Candidate c : remoteCandidates) {
      if (c.transport() != Candidate.UDP) {
        continue;
      }
      Endpoint e = new Endpoint(c.address(), c.port());
      if (pairFor(e) == null && hasLocalFamily(e)) {
        pairs.add(new Pair(c, e));
      }
    }
    for (Endpoint e : early) {
      Pair p = pairFor(e);
      if (p == null) {
        p = addPeerReflexive(e, priority(PREF_PEER_REFLEXIVE, 65_535));
      }
      p.useCandidateReceived = earlyNominated.contains(e);
      triggered.add(p);
    }
    early.clear();
    earlyNominated.clear();
    reprioritize();
    counters.increment("ice.sessions-started");
    deadline = env.schedule(TIMEOUT_MILLIS, () -> fail("nothing selected within "
        + TIMEOUT_MILLIS + " ms"));
    pace();
  }

  /** Stops checks and keep-alives; nothing more is reported. */
  public void close() {
    if (state == State.CLOSED) {
      return;
    }
    state = State.CLOSED;
    cancelTimers();
  }

  private boolean hasLocalFamily(Endpoint e) {
    for (Candidate c : localCandidates) {
      if (c.address().version() == e.address().version()) {
        return true;
      }
    }
    return false;
  }

  private long localPriority(Endpoint remoteEp) {
    long best = priority(PREF_HOST, 0);
    for (Candidate c : localCandidates) {
      if (c.address().version() == remoteEp.address().version()) {
        return c.priority();
      }
    }
    return best;
  }

  private void reprioritize() {
    for (Pair p : pairs) {
      long mine = localPriority(p.endpoint);
      long g = role == Role.CONTROLLING ? mine : p.remote.priority();
      long d = role == Role.CONTROLLING ? p.remote.priority() : mine;
      p.priority = (Math.min(g, d) << 32) + 2 * Math.max(g, d) + (g > d ? 1 : 0);
    }
    pairs.sort(Comparator.comparingLong((Pair p) -> p.priority).reversed());
  }

  private Pair pairFor(Endpoint e) {
    for (Pair p : pairs) {
      if (p.endpoint.equals(e)) {
        return p;
      }
    }
    return null;
  }

  private Pair addPeerReflexive(Endpoint e, long priority) {
    Candidate c = new Candidate(4, Candidate.COMPONENT_P2PP, priority, Candidate.UDP,
        Candidate.PEER_REFLEXIVE, e.address(), e.port(), null, 0);
    Pair p = new Pair(c, e);
    pairs.add(p);
    reprioritize();
    counters.increment("ice.peer-reflexive-remote");
    return p;
  }

  /** Sends the next check (triggered first), then waits Ta. */
  private void pace() {
    pacer = null;
    if (state != State.CHECKING) {
      return;
    }
    Pair next = triggered.pollFirst();
    while (next != null && (next.state == PairState.IN_PROGRESS
        || next.state == PairState.SUCCEEDED && !next.nominating)) {
      next = triggered.pollFirst();
    }
    if (next == null) {
      for (Pair p : pairs) {
        if (p.state == PairState.WAITING) {
          next = p;
          break;
        }
      }
    }
    if (next != null) {
      check(next, next.nominating);
      pacer = env.schedule(PACING_MILLIS, this::pace);
    } else if (allFailed()) {
      fail("every candidate pair failed");
    }
  }

  private boolean allFailed() {
    if (pairs.isEmpty()) {
      return false; // a peer-reflexive pair may still come
    }
    for (Pair p : pairs) {
      if (p.state != PairState.FAILED) {
        return false;
      }
    }
    return true;
  }

  private void wake() {
    if (pacer == null && state == State.CHECKING) {
      pace();
    }
  }

  private void check(Pair p, boolean useCandidate) {
    p.state = PairState.IN_PROGRESS;
    StunMessage m = new StunMessage(StunMessage.BINDING_REQUEST, stun.newTransactionId(),
        List.of())
        .with(StunMessage.USERNAME, StunMessage.text(remote.ufrag() + ":" + local.ufrag()))
        .with(StunMessage.PRIORITY, Bytes.of(int32(priority(PREF_PEER_REFLEXIVE, 65_535))))
        .with(role == Role.CONTROLLING ? StunMessage.ICE_CONTROLLING : StunMessage.ICE_CONTROLLED,
            Bytes.of(int64(tieBreaker)));
    if (useCandidate && role == Role.CONTROLLING) {
      m = m.with(StunMessage.USE_CANDIDATE, Bytes.of());
    }
    boolean nominating = useCandidate && role == Role.CONTROLLING;
    counters.increment(nominating ? "ice.nominations-sent" : "ice.checks-sent");
    stun.send(p.endpoint, m, remote.password().getBytes(StandardCharsets.UTF_8), retransmit,
        new StunAgent.Callback() {
          @Override
          public void onResponse(StunAgent.Response r) {
            checked(p, r, nominating);
          }

          @Override
          public void onFailure(StunAgent.StunFailure f) {
            checkFailed(p, f);
          }
        });
  }

  private void checked(Pair p, StunAgent.Response r, boolean nominating) {
    if (state != State.CHECKING) {
      return;
    }
    if (!r.from().equals(p.endpoint)) {
      // RFC 8445 7.2.5.2.1: an answer from elsewhere than checked is a failure.
      counters.increment("ice.non-symmetric-answer");
      p.state = PairState.FAILED;
      wake();
      return;
    }
    p.state = PairState.SUCCEEDED;
    counters.increment("ice.checks-succeeded");
    if (role == Role.CONTROLLING) {
      if (nominating) {
        select(p);
      } else if (!anyNominating()) {
        p.nominating = true; // checked again, with USE-CANDIDATE, before anything else
        triggered.addFirst(p);
      }
    } else if (p.useCandidateReceived) {
      select(p);
    }
    wake();
  }

  private boolean anyNominating() {
    for (Pair q : pairs) {
      if (q.nominating) {
        return true;
      }
    }
    return false;
  }

  private void checkFailed(Pair p, StunAgent.StunFailure f) {
    if (state != State.CHECKING) {
      return;
    }
    if (f.code() == 487) {
      // Role conflict: the other side keeps its role; take the other one and check again.
      role = role == Role.CONTROLLING ? Role.CONTROLLED : Role.CONTROLLING;
      counters.increment("ice.role-switched");
      reprioritize();
      p.state = PairState.WAITING;
      triggered.addFirst(p);
      wake();
      return;
    }
    counters.increment(f.timedOut() ? "ice.checks-timed-out" : "ice.checks-refused");
    boolean wasNominating = p.nominating;
    p.nominating = false;
    p.state = PairState.FAILED;
    if (wasNominating) {
      for (Pair q : pairs) { // nominate the next valid pair instead
        if (q.state == PairState.SUCCEEDED) {
          q.nominating = true;
          triggered.addFirst(q);
          break;
        }
      }
    }
    wake();
  }

  private void select(Pair p) {
    if (state != State.CHECKING) {
      return;
    }
    selected = p;
    state = State.COMPLETED;
    cancelTimers();
    counters.increment("ice.completed");
    keepalive = env.schedule(KEEPALIVE_MILLIS, this::keepAlive);
    listener.onSelected(p.endpoint, p.remote);
  }

  private void keepAlive() {
    if (state != State.COMPLETED) {
      return;
    }
    stun.indicate(selected.endpoint, new StunMessage(StunMessage.BINDING_INDICATION,
        stun.newTransactionId(), List.of()));
    keepalive = env.schedule(KEEPALIVE_MILLIS, this::keepAlive);
  }

  private void fail(String reason) {
    if (state != State.CHECKING) {
      return;
    }
    state = State.FAILED;
    cancelTimers();
    counters.increment("ice.failed");
    listener.onFailed(reason);
  }

  private void cancelTimers() {
    for (Env.Timer t : new Env.Timer[] {pacer, deadline, keepalive}) {
      if (t != null) {
        t.cancel();
      }
    }
    pacer = null;
    deadline = null;
    keepalive = null;
  }

  /**
   * A check from the other side (its USERNAME starts with this session's ufrag): the answer to
   * send, or null. Answers even before {@link #start}, as RFC 8445 asks.
   */
  byte[] onCheck(StunMessage request, byte[] bytes, Endpoint from) {
    if (state == State.CLOSED || state == State.FAILED) {
      counters.increment("drop.ice.session-over");
      return null;
    }
    if (!StunMessage.integrityValid(bytes, local.password().getBytes(StandardCharsets.UTF_8))) {
      counters.increment("drop.ice.bad-integrity");
      return error(request, 401, "Unauthorized");
    }
    StunMessage.Attribute controlling = request.attribute(StunMessage.ICE_CONTROLLING);
    StunMessage.Attribute controlled = request.attribute(StunMessage.ICE_CONTROLLED);
    if (controlling != null && role == Role.CONTROLLING) {
      if (Long.compareUnsigned(tieBreaker, long64(controlling.value())) >= 0) {
        counters.increment("ice.role-conflict-refused");
        return error(request, 487, "Role Conflict");
      }
      role = Role.CONTROLLED;
      counters.increment("ice.role-switched");
      reprioritize();
    } else if (controlled != null && role == Role.CONTROLLED) {
      if (Long.compareUnsigned(tieBreaker, long64(controlled.value())) >= 0) {
        role = Role.CONTROLLING;
        counters.increment("ice.role-switched");
        reprioritize();
      } else {
        counters.increment("ice.role-conflict-refused");
        return error(request, 487, "Role Conflict");
      }
    }
    counters.increment("ice.checks-answered");
    byte[] answer = request.reply(StunMessage.BINDING_SUCCESS)
        .with(StunMessage.XOR_MAPPED_ADDRESS, StunMessage.xorAddress(from,
            request.transactionId()))
        .withIntegrity(local.password().getBytes(StandardCharsets.UTF_8))
        .withFingerprint().encode();
    if (state == State.NEW) {
      if (!early.contains(from)) {
        early.add(from);
      }
      if (request.attribute(StunMessage.USE_CANDIDATE) != null
          && !earlyNominated.contains(from)) {
        earlyNominated.add(from);
      }
      return answer;
    }
    Pair p = pairFor(from);
    if (p == null && state == State.CHECKING) {
      StunMessage.Attribute prio = request.attribute(StunMessage.PRIORITY);
      p = addPeerReflexive(from, prio != null && prio.value().length() == 4
          ? long64(prio.value()) : priority(PREF_PEER_REFLEXIVE, 65_535));
    }
    if (p == null) {
      return answer;
    }
    boolean use = request.attribute(StunMessage.USE_CANDIDATE) != null;
    if (use && role == Role.CONTROLLED) {
      p.useCandidateReceived = true;
      if (p.state == PairState.SUCCEEDED) {
        select(p);
        return answer;
      }
    }
    if (state == State.CHECKING && p.state != PairState.IN_PROGRESS
        && p.state != PairState.SUCCEEDED) {
      p.state = PairState.WAITING;
      triggered.addLast(p);
      wake();
    }
    return answer;
  }

  private byte[] error(StunMessage request, int code, String reason) {
    return request.errorReply(code, reason).withIntegrity(local.password().getBytes(StandardCharsets.UTF_8))
        .withFingerprint().encode();
  }

  private static byte[] int32(long v) {
    return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
  }

  private static byte[] int64(long v) {
    byte[] b = new byte[8];
    for (int i = 0; i < 8; i++) {
      b[i] = (byte) (v >>> (56 - 8 * i));
    }
    return b;
  }

  private static long long64(Bytes b) {
    long v = 0;
    for (int i = 0; i < b.length(); i++) {
      v = (v << 8) | (b.get(i) & 0xFF);
    }
    return v;
  }
}
