package org.openvoip.p2pp.stun;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Function;
import org.openvoip.p2pp.env.Counters;
import org.openvoip.p2pp.env.Endpoint;
import org.openvoip.p2pp.env.Env;
import org.openvoip.p2pp.env.Transport;
import org.openvoip.p2pp.wire.Bytes;

/**
 * One node's STUN (RFC 8489) on its P2PP port, client and server, with no I/O: the runtime hands
 * it the datagrams whose magic cookie is STUN's ({@link StunMessage#isStun}) and sends what it
 * sends, in the clear even when the node's links are DTLS.
 *
 * <p>As a server it answers Binding requests with the sender's address as it arrived
 * (XOR-MAPPED-ADDRESS), which is how nodes learn what their NAT made of their address. It takes
 * part in NAT behaviour discovery (RFC 5780) together with a second peer, its partner: its
 * answers name the partner in OTHER-ADDRESS, and a request with CHANGE-REQUEST ("answer from
 * another address") is passed to the partner with OpenVoIP's RESPONSE-TARGET attribute, and the
 * partner answers the client from its own address. A peer answers such a passed-on request only
 * from a peer it knows ({@link #forwarders}), so strangers cannot aim its answers at a third
 * party. Requests with USERNAME are ICE connectivity checks, handed to the {@link
 * CheckResponder} that holds the credentials.
 *
 * <p>As a client it sends requests and retransmits them as RFC 8489 section 6.2.1 says ({@link
 * Retransmit}), matches answers by transaction ID from whichever address they come, and calls
 * back with the answer, an error response ({@link StunFailure#code}) or a timeout (code 0). Runs
 * on the node's thread, like the rest of the engine.
 */
public final class StunAgent {
  static final String SOFTWARE = "OpenVoIP";

  /**
   * When a request is sent again: first after {@code rtoMillis}, each wait twice the one before,
   * {@code requests} sends in all, then {@code lastWaitMillis} for the last one's answer.
   */
  public record Retransmit(long rtoMillis, int requests, long lastWaitMillis) {
    /** RFC 8489's defaults: RTO 500 ms, Rc = 7, Rm = 16: a timeout after 39.5 s. */
    public static final Retransmit RFC8489 = new Retransmit(500, 7, 8_000);
    /**
     * For NAT discovery and ICE checks, where silence is itself the answer: sends at 0, 0.5,
     * 1.5 and 3.5 s, a timeout at 5.5 s (the P2PP transaction's 5 s, give or take).
     */
    public static final Retransmit QUICK = new Retransmit(500, 4, 2_000);

    public Retransmit {
      if (rtoMillis <= 0 || requests < 1 || lastWaitMillis <= 0) {
        throw new IllegalArgumentException("retransmission needs a positive RTO, at least one"
            + " request and a positive last wait");
      }
    }

    /** How long after the first send a request without answer fails. */
    public long timeoutMillis() {
      long t = 0;
      long wait = rtoMillis;
      for (int i = 1; i < requests; i++) {
        t += wait;
        wait *= 2;
      }
      return t + lastWaitMillis;
    }
  }

  /** A success response, its bytes as received and where it came from. */
  public record Response(StunMessage message, byte[] bytes, Endpoint from) {
    /** The address the server saw: XOR-MAPPED-ADDRESS, else MAPPED-ADDRESS. */
    public Endpoint mapped() throws StunMessage.MalformedStunException {
      StunMessage.Attribute x = message.attribute(StunMessage.XOR_MAPPED_ADDRESS);
      if (x != null) {
        return StunMessage.fromXorAddress(x.value(), message.transactionId());
      }
      StunMessage.Attribute m = message.attribute(StunMessage.MAPPED_ADDRESS);
      if (m == null) {
        throw new StunMessage.MalformedStunException("a Binding response without a mapped"
            + " address");
      }
      return StunMessage.fromPlainAddress(m.value());
    }

    /** The OTHER-ADDRESS the server named (RFC 5780), or null. */
    public Endpoint otherAddress() throws StunMessage.MalformedStunException {
      StunMessage.Attribute o = message.attribute(StunMessage.OTHER_ADDRESS);
      return o == null ? null : StunMessage.fromPlainAddress(o.value());
    }
  }

  /** A request that got an error response (its code) or no answer at all (code 0). */
  public static final class StunFailure extends Exception {
    private static final long serialVersionUID = 1L;
    private final int code;
    private final transient StunMessage answer;

    public StunFailure(int code, String message) {
      this(code, message, null);
    }

    public StunFailure(int code, String message, StunMessage answer) {
      super(message);
      this.code = code;
      this.answer = answer;
    }

    /** The error response, for its other attributes (TURN's REALM and NONCE); null if none. */
    public StunMessage answer() {
      return answer;
    }

    /** The error response's code (400, 401, 420, 487 ...), or 0 for a timeout. */
    public int code() {
      return code;
    }

    public boolean timedOut() {
      return code == 0;
    }
  }

  /** The end of a request, on the node's thread: exactly one of the two, once. */
  public interface Callback {
    void onResponse(Response response);

    void onFailure(StunFailure failure);

    /** A callback of two functions: {@code Callback.of(f::complete, f::completeExceptionally)}. */
    static Callback of(java.util.function.Consumer<Response> response,
        java.util.function.Consumer<? super StunFailure> failure) {
      return new Callback() {
        @Override
        public void onResponse(Response r) {
          response.accept(r);
        }

        @Override
        public void onFailure(StunFailure f) {
          failure.accept(f);
        }
      };
    }
  }

  /** Answers ICE connectivity checks: Binding requests with USERNAME. */
  @FunctionalInterface
  public interface CheckResponder {
    /**
     * The answer to send back to {@code from}, or null to send none (the responder counts why).
     *
     * @param bytes the request as received, for checking its MESSAGE-INTEGRITY
     */
    byte[] onCheck(StunMessage request, byte[] bytes, Endpoint from);
  }

  /** Comprehension-required attributes a request may carry here; others get 420. */
  private static final int[] UNDERSTOOD = {StunMessage.MAPPED_ADDRESS,
      StunMessage.CHANGE_REQUEST, StunMessage.USERNAME, StunMessage.MESSAGE_INTEGRITY,
      StunMessage.ERROR_CODE, StunMessage.UNKNOWN_ATTRIBUTES, StunMessage.XOR_MAPPED_ADDRESS,
      StunMessage.PRIORITY, StunMessage.USE_CANDIDATE, StunMessage.RESPONSE_TARGET,
      StunMessage.PADDING, StunMessage.RESPONSE_PORT};

  private final Env env;
  private final Counters counters;
  private final Map<Bytes, Pending> pending = new HashMap<>();
  private Function<Endpoint, Endpoint> partner = from -> null;
  private Predicate<Endpoint> forwarders = e -> false;
  private CheckResponder checks;
  private boolean closed;

  public StunAgent(Env env, Counters counters) {
    this.env = env;
    this.counters = counters;
  }

  /**
   * The second peer of NAT behaviour discovery for a client at the given address (never that
   * client itself): named in OTHER-ADDRESS, and asked to answer its CHANGE-REQUESTs. Null (the
   * default) when there is none; then CHANGE-REQUEST gets 420.
   */
  public void partner(Function<Endpoint, Endpoint> partner) {
    this.partner = partner;
  }

  /** Which senders' RESPONSE-TARGET requests are answered: the peers this node knows. */
  public void forwarders(Predicate<Endpoint> forwarders) {
    this.forwarders = forwarders;
  }

  /** Where ICE checks go; null: answered 401. */
  public void checks(CheckResponder responder) {
    this.checks = responder;
  }

  /** A fresh 96-bit transaction ID from the node's generator. */
  public Bytes newTransactionId() {
    byte[] id = new byte[12];
    env.random().nextBytes(id);
    return Bytes.of(id);
  }

  /** How many requests await an answer. */
  public int pendingRequests() {
    return pending.size();
  }

  /**
   * Sends {@code request} to {@code to} (with MESSAGE-INTEGRITY under {@code key} unless it is
   * null, then FINGERPRINT) and retransmits it until an answer with its transaction ID arrives
   * or {@code retransmit} gives up. With a key, only an answer whose MESSAGE-INTEGRITY the same
   * key made counts.
   */
  public void send(Endpoint to, StunMessage request, byte[] key, Retransmit retransmit,
      Callback callback) {
    if (closed) {
      callback.onFailure(new StunFailure(0, "the node is closed"));
      return;
    }
    if (!request.isRequest()) {
      throw new IllegalArgumentException("not a request: type 0x"
          + Integer.toHexString(request.type()));
    }
    if (pending.containsKey(request.transactionId())) {
      throw new IllegalArgumentException("transaction " + request.transactionId().hex()
          + " is already pending");
    }
    StunMessage m = key == null ? request : request.withIntegrity(key);
    Pending p = new Pending(request.transactionId(), to, m.withFingerprint().encode(), key,
        retransmit, callback);
    pending.put(request.transactionId(), p);
    counters.increment("stun.requests-sent");
    p.transmit();
  }

  /** Sends an indication (no answer, no retransmission): ICE's keep-alive. */
  public void indicate(Endpoint to, StunMessage indication) {
    env.send(Transport.UDP, to, indication.withFingerprint().encode());
    counters.increment("stun.indications-sent");
  }

  /** Fails every pending request and answers nothing more. */
  public void close() {
    closed = true;
    for (Pending p : new ArrayList<>(pending.values())) {
      p.fail(new StunFailure(0, "the node closed"));
    }
  }

  /** One STUN datagram from {@code from}. */
  public void onDatagram(byte[] bytes, Endpoint from) {
    if (closed) {
      counters.increment("drop.node-closed");
      return;
    }
    StunMessage m;
    try {
      m = StunMessage.decode(bytes);
    } catch (StunMessage.MalformedStunException e) {
      counters.increment("drop.stun.malformed");
      return;
    }
    if (m.attribute(StunMessage.FINGERPRINT) != null && !StunMessage.fingerprintValid(bytes)) {
      counters.increment("drop.stun.bad-fingerprint");
      return;
    }
    if (m.isResponse()) {
      onResponse(m, bytes, from);
    } else if (m.isIndication()) {
      counters.increment("stun.indications-received");
    } else {
      onRequest(m, bytes, from);
    }
  }

  private void onResponse(StunMessage m, byte[] bytes, Endpoint from) {
    Pending p = pending.get(m.transactionId());
    if (p == null) {
      counters.increment("drop.stun.response-unmatched");
      return;
    }
    if (p.key != null && !StunMessage.integrityValid(bytes, p.key) && !challenge(m)) {
      counters.increment("drop.stun.bad-integrity");
      return;
    }
    if (m.isError()) {
      StunMessage.Attribute e = m.attribute(StunMessage.ERROR_CODE);
      int code = e == null ? 400 : StunMessage.errorCodeOf(e.value());
      String reason = e == null ? "no ERROR-CODE" : StunMessage.errorReasonOf(e.value());
      counters.increment("stun.error-responses");
      p.fail(new StunFailure(code <= 0 ? 400 : code, from + " answered " + code + " "
          + reason, m));
      return;
    }
    counters.increment("stun.responses");
    p.succeed(new Response(m, bytes, from));
  }

  /**
   * A 401 or 438 with a NONCE and without MESSAGE-INTEGRITY: a long-term-credential challenge
   * (RFC 8489 9.2.4), which cannot be signed with credentials the server has just refused or
   * found stale. Short-term credentials (ICE) have no nonce: there, an unsigned answer is dropped.
   */
  private static boolean challenge(StunMessage m) {
    if (!m.isError() || m.attribute(StunMessage.MESSAGE_INTEGRITY) != null
        || m.attribute(0x0015) == null) { // NONCE
      return false;
    }
    StunMessage.Attribute e = m.attribute(StunMessage.ERROR_CODE);
    int code = e == null ? -1 : StunMessage.errorCodeOf(e.value());
    return code == 401 || code == 438;
  }

  private void onRequest(StunMessage m, byte[] bytes, Endpoint from) {
    if (m.method() != 1) {
      counters.increment("drop.stun.unknown-method");
      reply(from, error(m, 400, "only Binding is served here"));
      return;
    }
    List<Integer> unknown = new ArrayList<>();
    for (StunMessage.Attribute a : m.attributes()) {
      if (a.type() < 0x8000 && !understood(a.type()) && !unknown.contains(a.type())) {
        unknown.add(a.type());
      }
    }
    if (!unknown.isEmpty()) {
      counters.increment("drop.stun.unknown-attribute");
      reply(from, unknownAttributes(m, unknown));
      return;
    }
    if (m.attribute(StunMessage.USERNAME) != null) {
      if (checks == null) {
        counters.increment("drop.stun.check-without-session");
        reply(from, error(m, 401, "no ICE session here"));
        return;
      }
      byte[] answer = checks.onCheck(m, bytes, from);
      if (answer != null) {
        env.send(Transport.UDP, from, answer);
      }
      return;
    }
    StunMessage.Attribute target = m.attribute(StunMessage.RESPONSE_TARGET);
    if (target != null) {
      answerForwarded(m, target, from);
      return;
    }
    // RFC 5780's RESPONSE-PORT: the answer goes to another port of the sender's own address.
    StunMessage.Attribute port = m.attribute(StunMessage.RESPONSE_PORT);
    if (port != null && port.value().length() != 4) {
      counters.increment("drop.stun.malformed");
      reply(from, error(m, 400, "RESPONSE-PORT has 4 bytes"));
      return;
    }
    Endpoint to = port == null ? from : new Endpoint(from.address(),
        ((port.value().get(0) & 0xFF) << 8) | (port.value().get(1) & 0xFF));
    // RFC 5780's PADDING is echoed, never longer than the request's (no amplification).
    StunMessage.Attribute padding = m.attribute(StunMessage.PADDING);
    StunMessage.Attribute change = m.attribute(StunMessage.CHANGE_REQUEST);
    int flags = change == null || change.value().length() != 4 ? 0
        : change.value().get(3) & (StunMessage.CHANGE_IP | StunMessage.CHANGE_PORT);
    if (change != null && change.value().length() != 4) {
      counters.increment("drop.stun.malformed");
      reply(from, error(m, 400, "CHANGE-REQUEST has 4 bytes"));
      return;
    }
    if (flags != 0) {
      Endpoint other = partner.apply(from);
      if ((flags & StunMessage.CHANGE_IP) == 0 || other == null || other.equals(from)) {
        // This port has no twin: only a second peer, at another address, can answer.
        counters.increment("stun.change-refused");
        reply(from, unknownAttributes(m, List.of(StunMessage.CHANGE_REQUEST)));
        return;
      }
      counters.increment("stun.change-passed-to-partner");
      StunMessage pass = new StunMessage(StunMessage.BINDING_REQUEST, m.transactionId(),
          List.of())
          .with(StunMessage.RESPONSE_TARGET, StunMessage.xorAddress(to, m.transactionId()))
          .with(StunMessage.XOR_MAPPED_ADDRESS, StunMessage.xorAddress(from, m.transactionId()));
      env.send(Transport.UDP, other, pass.withFingerprint().encode());
      return;
    }
    counters.increment("stun.binding-answered");
    StunMessage answer = m.reply(StunMessage.BINDING_SUCCESS)
        .with(StunMessage.XOR_MAPPED_ADDRESS, StunMessage.xorAddress(from, m.transactionId()));
    Endpoint other = partner.apply(from);
    if (other != null && !other.equals(from)) {
      answer = answer.with(StunMessage.OTHER_ADDRESS, StunMessage.plainAddress(other));
    }
    if (padding != null) {
      answer = answer.with(StunMessage.PADDING, Bytes.of(new byte[padding.value().length()]));
    }
    reply(to, answer.with(StunMessage.SOFTWARE, StunMessage.text(SOFTWARE)));
  }

  /** The partner's half of a CHANGE-REQUEST: answer the client named in RESPONSE-TARGET. */
  private void answerForwarded(StunMessage m, StunMessage.Attribute target, Endpoint from) {
    if (!forwarders.test(from)) {
      counters.increment("drop.stun.response-target-from-stranger");
      return;
    }
    Endpoint client;
    try {
      client = StunMessage.fromXorAddress(target.value(), m.transactionId());
    } catch (StunMessage.MalformedStunException e) {
      counters.increment("drop.stun.malformed");
      return;
    }
    // The address the first peer saw (it may differ from the target by RESPONSE-PORT).
    StunMessage.Attribute seen = m.attribute(StunMessage.XOR_MAPPED_ADDRESS);
    counters.increment("stun.answered-for-partner");
    reply(client, m.reply(StunMessage.BINDING_SUCCESS)
        .with(StunMessage.XOR_MAPPED_ADDRESS, seen != null ? seen.value() : target.value())
        .with(StunMessage.SOFTWARE, StunMessage.text(SOFTWARE)));
  }

  private static boolean understood(int type) {
    for (int t : UNDERSTOOD) {
      if (t == type) {
        return true;
      }
    }
    return false;
  }

  private static StunMessage error(StunMessage request, int code, String reason) {
    return request.errorReply(code, reason)
        .with(StunMessage.SOFTWARE, StunMessage.text(SOFTWARE));
  }

  private static StunMessage unknownAttributes(StunMessage request, List<Integer> types) {
    byte[] list = new byte[types.size() * 2];
    for (int i = 0; i < types.size(); i++) {
      list[2 * i] = (byte) (types.get(i) >>> 8);
      list[2 * i + 1] = (byte) (int) types.get(i);
    }
    return error(request, 420, "Unknown Attribute")
        .with(StunMessage.UNKNOWN_ATTRIBUTES, Bytes.of(list));
  }

  private void reply(Endpoint to, StunMessage answer) {
    env.send(Transport.UDP, to, answer.withFingerprint().encode());
  }

  /** A client transaction: its bytes, its resend timer, its callback. */
  private final class Pending implements Runnable {
    final Bytes id;
    final Endpoint to;
    final byte[] bytes;
    final byte[] key;
    final Retransmit retransmit;
    final Callback callback;
    int sent;
    long wait;
    Env.Timer timer;

    Pending(Bytes id, Endpoint to, byte[] bytes, byte[] key, Retransmit retransmit,
        Callback callback) {
      this.id = id;
      this.to = to;
      this.bytes = bytes;
      this.key = key;
      this.retransmit = retransmit;
      this.callback = callback;
      this.wait = retransmit.rtoMillis();
    }

    void transmit() {
      env.send(Transport.UDP, to, bytes);
      sent++;
      long next = sent < retransmit.requests() ? wait : retransmit.lastWaitMillis();
      wait *= 2;
      timer = env.schedule(next, this);
    }

    @Override
    public void run() {
      if (pending.get(id) != this) {
        return;
      }
      if (sent < retransmit.requests()) {
        counters.increment("stun.retransmissions");
        transmit();
        return;
      }
      counters.increment("stun.timeouts");
      fail(new StunFailure(0, "no answer from " + to + " after " + sent + " requests in "
          + retransmit.timeoutMillis() + " ms"));
    }

    void succeed(Response r) {
      pending.remove(id);
      timer.cancel();
      callback.onResponse(r);
    }

    void fail(StunFailure e) {
      pending.remove(id);
      if (timer != null) {
        timer.cancel();
      }
      callback.onFailure(e);
    }
  }
}
