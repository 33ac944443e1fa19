package org.openvoip.p2pp.transaction;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.openvoip.p2pp.env.Counters;
import org.openvoip.p2pp.env.Endpoint;
import org.openvoip.p2pp.env.PacketReceiver;
import org.openvoip.p2pp.env.TimerTask;
import org.openvoip.p2pp.env.Env;
import org.openvoip.p2pp.env.Transport;
import org.openvoip.p2pp.stun.StunMessage;
import org.openvoip.p2pp.security.Refusal;
import org.openvoip.p2pp.wire.Bytes;
import org.openvoip.p2pp.wire.Header;
import org.openvoip.p2pp.wire.MalformedMessageException;
import org.openvoip.p2pp.wire.Message;
import org.openvoip.p2pp.wire.MessageKind;
import org.openvoip.p2pp.wire.ResponseCode;
import org.openvoip.p2pp.wire.WireDecoder;
import org.openvoip.p2pp.wire.WireEncoder;
import org.openvoip.p2pp.wire.WireObject;
import org.openvoip.p2pp.wire.WireObject.PeerInfo;

/**
 * Hop-by-hop reliability (draft sections 3.5, 4.3 and 6): the transaction state machines for
 * requests, responses and indications over unreliable and reliable transports.
 *
 * <ul>
 *   <li>Over UDP/DTLS every request, response, responseACK and indication is retransmitted after
 *       T0, 2 T0, 4 T0 ... until the next hop acknowledges it, and fails after T2. A request
 *       whose next hop sent an ACK waits T3 for its response. A failed request completes with
 *       418 (Timeout).
 *   <li>A request answered while it is being delivered is answered with a responseACK (response
 *       and acknowledgement in one datagram); otherwise the layer sends an ACK at once and the
 *       response later. Every response received over UDP is acknowledged, matched or not.
 *   <li>A retransmitted request is not delivered again: it is answered from the cached response,
 *       or acknowledged if no response exists yet. Duplicate indications are dropped.
 *   <li>A message larger than {@link TransactionConfig#maxDatagram} goes over TCP/TLS instead; a
 *       response that would not fit a datagram becomes a 480, and a request answered with 480 is
 *       retried over TCP/TLS.
 *   <li>Over TCP/TLS there are no ACKs and no retransmissions; a request waits T3.
 * </ul>
 *
 * <p>Responses match requests by (Source-ID, Transaction-ID); ACKs match by those and the message
 * kind (section 6.1). Every dropped or unexpected packet is counted in {@link Counters} under a
 * name starting with "drop." or "transaction.". Like the rest of the engine this class runs on
 * its node's thread and does no I/O of its own.
 */
public final class TransactionLayer implements PacketReceiver {

  /** Receives new requests and indications, each once. */
  @FunctionalInterface
  public interface RequestHandler {
    /**
     * Called once per new request or indication. A request is answered with {@link #respond},
     * now or later; answering now saves a datagram.
     */
    void onRequest(Incoming request);
  }

  /** The outcome of a request. Exactly one method is called, once. */
  public interface ResponseListener {
    /** A response arrived (any code, including 302 and failures decided by the peer). */
    void onResponse(Message response, Endpoint from);

    /** No response: {@code code} is 418 (Timeout). */
    void onFailure(int code, String reason);

    /**
     * No response within T3 although the next hop acknowledged the request (over a stream: took
     * it): the hop is alive, and what lies beyond it is slow or gone. By default a failure like
     * any other; routing tells the two apart, since a live hop must not be dropped and a request
     * it is still forwarding must not be sent down a second path.
     */
    default void onNoResponse(int code, String reason) {
      onFailure(code, reason);
    }
  }

  /** Receives round-trip samples: time from a request's only transmission to its acknowledgement. */
  @FunctionalInterface
  public interface RttSink {
    void sample(Endpoint peer, long millis);
  }

  /** A received request or indication and where it came from. */
  public record Incoming(Message message, Transport transport, Endpoint from) {
    public Header header() {
      return message.header();
    }
  }

  /** Names an answer or indication awaiting its ACK outside a request's entry (rare). */
  private record AckKey(Bytes sourceId, int transactionId, MessageKind kind) {
    static AckKey of(Header h, MessageKind kind) {
      return new AckKey(h.sourceId(), h.transactionId(), kind);
    }
  }

  /** The Response-ID of answers to Bootstrap, Enroll and Authenticate. */
  public static final Bytes PRE_JOIN_RESPONDER = Bytes.of((byte) 0, (byte) 0, (byte) 0, (byte) 1);

  private final Env env;
  private final TransactionConfig config;
  private final WireDecoder decoder;
  private final Bytes ownId;
  private final boolean peer;
  private final Supplier<PeerInfo> self;
  private final RequestHandler handler;
  private final Counters counters;
  private boolean closed;
  private final Counters.Counter acksSent;

  private final TxTable<ClientTransaction> requests = new TxTable<>();
  private final TxTable<Served> served = new TxTable<>();
  private final Map<AckKey, Resend> awaitingAck = new HashMap<>();
  /** The request being delivered to the handler right now, so respond() can piggyback the ACK. */
  private Served delivering;
  private RttSink rttSink = (peer, millis) -> {};
  private java.util.function.BiConsumer<byte[], Endpoint> stun;

  /**
   * @param ownId this node's ID, the Response-ID of its responses and ACKs
   * @param peer whether this node is a peer (P flag) or a client
   * @param self this node's Peer-Info, put in the error responses the layer sends itself
   */
  public TransactionLayer(Env env, TransactionConfig config, WireDecoder decoder, Bytes ownId,
      boolean peer, Supplier<PeerInfo> self, RequestHandler handler, Counters counters) {
    this.env = env;
    this.config = config;
    this.decoder = decoder;
    this.ownId = ownId;
    this.peer = peer;
    this.self = self;
    this.handler = handler;
    this.counters = counters;
    this.acksSent = counters.counter("transaction.acks-sent");
  }

  /**
   * Where round-trip samples go. Only requests sent once over an unreliable transport give
   * samples (Karn's rule), timed to the next hop's ACK or responseACK.
   */
  public void onRttSample(RttSink sink) {
    this.rttSink = sink;
  }

  /** Requests waiting for a response. */
  public int pendingRequests() {
    return requests.size();
  }

  /**
   * Whether this node has a request with this (Source-ID, Transaction-ID) waiting for a response:
   * a forwarded request it is still routing, when it arrives again by another path.
   */
  public boolean isPending(Bytes sourceId, int transactionId) {
    return requests.containsKey(sourceId, transactionId);
  }

  // ------------------------------------------------------------------------------- sending

  /**
   * Sends a request and reports its outcome to {@code listener}. Its (Source-ID, Transaction-ID)
   * must not be in use by another pending request of this node.
   */
  public void sendRequest(Message request, Transport transport, Endpoint to,
      ResponseListener listener) {
    sendRequest(request, transport, to, config.t2Millis(), listener);
  }

  /**
   * Sends a request that gives up after {@code giveUpMillis} (instead of T2) if the next hop
   * has not acknowledged it: routing uses this to route around a dead hop sooner than T2.
   */
  public void sendRequest(Message request, Transport transport, Endpoint to, long giveUpMillis,
      ResponseListener listener) {
    Header h = request.header();
    if (h.kind() != MessageKind.REQUEST || h.ack()) {
      throw new IllegalArgumentException("not a request: " + h.describe());
    }
    if (requests.containsKey(h.sourceId(), h.transactionId())) {
      throw new IllegalStateException("transaction " + Integer.toHexString(h.transactionId())
          + " of " + h.sourceId() + " is already pending");
    }
    byte[] bytes = WireEncoder.encode(request);
    ClientTransaction c =
        new ClientTransaction(request, bytes, to, Math.max(1, giveUpMillis), listener);
    requests.put(h.sourceId(), h.transactionId(), c);
    c.start(fitting(transport, bytes.length));
  }

  /** Sends an indication; over UDP/DTLS it is retransmitted until acknowledged. */
  public void sendIndication(Message indication, Transport transport, Endpoint to) {
    Header h = indication.header();
    if (h.kind() != MessageKind.INDICATION || h.ack()) {
      throw new IllegalArgumentException("not an indication: " + h.describe());
    }
    byte[] bytes = WireEncoder.encode(indication);
    sendReliably(AckKey.of(h, MessageKind.INDICATION), bytes, indication,
        fitting(transport, bytes.length), to);
  }

  /**
   * Answers a received request with {@code code} and {@code objects} (the responder's Peer-Info
   * first). Over UDP/DTLS the answer is a responseACK if the request is still being delivered,
   * otherwise a response; either is retransmitted until acknowledged, and kept to answer
   * retransmissions of the request. A response too large for a datagram becomes a 480.
   */
  public void respond(Incoming request, int code, List<WireObject> objects) {
    checkAnswerable(request);
    answer(request, code, null, objects);
  }

  /**
   * Passes a response from downstream back to the hop a forwarded request came from (recursive
   * routing): the code, Response-ID, P flag and objects are the responder's; only the kind
   * (response or responseACK) is chosen here.
   */
  public void relay(Incoming request, Message response) {
    checkAnswerable(request);
    answer(request, 0, response.header(), response.objects());
  }

  /**
   * The Response-ID this node uses toward {@code h}'s sender: its own ID, or 0x00000001 for the
   * 4-byte-ID methods (Enroll, Authenticate, Bootstrap; draft section 4.6).
   */
  private Bytes idFor(Header h) {
    return h.method().usesPreJoinIds() ? PRE_JOIN_RESPONDER : ownId;
  }

  private static void checkAnswerable(Incoming request) {
    Header rh = request.header();
    if (rh.kind() != MessageKind.REQUEST || rh.ack()) {
      throw new IllegalArgumentException("only requests are answered: " + rh.describe());
    }
  }

  /**
   * The header of an answer to rh, a responseACK if {@code piggyback}: this node's answer with
   * {@code code}, or, when {@code relayed} is given, the downstream responder's answer passed
   * back ({@link #relay}).
   */
  private Header answerHeader(Header rh, boolean piggyback, int code, Header relayed) {
    if (relayed == null) {
      return Header.responseTo(rh, piggyback, code, peer, idFor(rh));
    }
    return new Header(Header.VERSION, piggyback ? MessageKind.RESPONSE_ACK : MessageKind.RESPONSE,
        false, relayed.peer(), false, relayed.responseCode(), rh.method(), relayed.ttl(),
        rh.transactionId(), rh.sourceId(), relayed.responseId());
  }

  private void answer(Incoming request, int code, Header relayed, List<WireObject> objects) {
    Header rh = request.header();
    Transport t = request.transport();
    // Most answers are given while their request is being delivered: its entry is at hand.
    Served d = delivering;
    Served s = d != null && d.transactionId == rh.transactionId()
        && d.sourceId.equals(rh.sourceId()) ? d : served.get(rh.sourceId(), rh.transactionId());
    boolean piggyback = !t.reliable() && s != null && s == d;
    Message response = new Message(answerHeader(rh, piggyback, code, relayed), objects);
    byte[] bytes = WireEncoder.encode(response);
    if (!t.reliable() && bytes.length > config.maxDatagram()) {
      counters.increment("transaction.response-too-large-for-datagram");
      PeerInfo me = response.first(PeerInfo.class);
      response = new Message(answerHeader(rh, piggyback, ResponseCode.ALTERNATIVE_SERVICE, null),
          me == null ? List.of(self.get()) : List.of(me));
      bytes = WireEncoder.encode(response);
    }
    if (s == null) {
      sendReliably(AckKey.of(rh, response.header().kind()), bytes, response, t, request.from());
      return;
    }
    // The answer to a request still remembered waits for its ACK in the request's own entry.
    s.response = bytes;
    s.stopAnswering();
    Resend r = new Resend(bytes, response, t, request.from(), config.t2Millis()) {
      @Override
      void giveUp() {
        s.answering = null;
        counters.increment("transaction.unacknowledged");
      }
    };
    if (!t.reliable()) {
      s.answering = r;
      s.answerKind = response.header().kind();
    }
    r.start();
  }

  private Transport fitting(Transport transport, int length) {
    if (!transport.reliable() && length > config.maxDatagram()) {
      counters.increment("transaction.sent-over-stream-for-size");
      return transport.streamCounterpart();
    }
    return transport;
  }

  /** Sends once over a reliable transport; over an unreliable one, until acknowledged or T2. */
  private void sendReliably(AckKey key, byte[] bytes, Message message, Transport t,
      Endpoint to) {
    Resend old = awaitingAck.remove(key);
    if (old != null) {
      old.cancel();
    }
    Resend r = new Resend(bytes, message, t, to, config.t2Millis()) {
      @Override
      void giveUp() {
        awaitingAck.remove(key);
        counters.increment("transaction.unacknowledged");
      }
    };
    if (!t.reliable()) {
      awaitingAck.put(key, r);
    }
    r.start();
  }

  private void sendAck(Header received, Transport t, Endpoint to) {
    env.send(t, to, WireEncoder.encodeAck(received, peer, idFor(received)));
    acksSent.increment();
  }

  // ------------------------------------------------------------------------------ receiving

  /**
   * From now on, received bytes are counted ({@code drop.node-closed}) and dropped, and nothing
   * is retransmitted.
   */
  public void close() {
    closed = true;
  }

  /**
   * Where STUN datagrams go (told from P2PP by the magic cookie at bytes 4-7, which the port
   * shares): the node's {@link org.openvoip.p2pp.stun.StunAgent#onDatagram}. Without one they
   * are counted and dropped.
   */
  public void stun(java.util.function.BiConsumer<byte[], Endpoint> agent) {
    this.stun = agent;
  }

  /** Bytes from the network: one datagram, or one frame of a stream. */
  @Override
  public void onBytes(byte[] bytes, Transport transport, Endpoint from) {
    if (closed) {
      counters.increment("drop.node-closed");
      return;
    }
    if (StunMessage.isStun(bytes)) {
      if (stun != null && !transport.reliable()) {
        stun.accept(bytes, from);
      } else {
        counters.increment("drop.stun.not-served");
      }
      return;
    }
    if (decoder.isBareAck(bytes) && matchedBareAck(bytes)) {
      return;
    }
    Message m;
    try {
      m = decoder.decode(bytes);
    } catch (MalformedMessageException e) {
      counters.increment("drop.malformed." + e.reason().name().toLowerCase());
      answerMalformed(e, transport, from);
      return;
    }
    dispatch(m, transport, from);
  }

  /**
   * Bytes from a sender in this process, with the message it encoded them from: taken as decoded
   * where this node's decoder would decode the bytes to it ({@link WireDecoder#wouldDecodeAs}),
   * which saves decoding them again; otherwise, and for ACKs, as {@link #onBytes}.
   */
  @Override
  public void onPacket(byte[] bytes, Message sent, Transport transport, Endpoint from) {
    if (sent == null || closed || sent.header().ack() || !decoder.wouldDecodeAs(sent, bytes)) {
      onBytes(bytes, transport, from);
      return;
    }
    dispatch(sent, transport, from);
  }

  private void dispatch(Message m, Transport transport, Endpoint from) {
    Header h = m.header();
    if (!transport.plain() && !h.ack() && !h.kind().isResponse() && !h.recursive()
        && !h.method().usesPreJoinIds()) {
      List<Bytes> linkIds = env.linkIds(transport, from);
      if (linkIds != null && !linkIds.contains(h.sourceId())) {
        refuseSpoofed(m, transport, from, linkIds);
        return;
      }
    }
    if (h.ack()) {
      onAck(h);
    } else if (h.kind().isResponse()) {
      onResponse(m, transport, from);
    } else {
      onRequestOrIndication(m, transport, from);
    }
  }

  /**
   * A request or indication sent straight to us (not forwarded) over an authenticated link whose
   * certificate does not bind its Source-ID: counted, not handled; a request is answered 403.
   */
  private void refuseSpoofed(Message m, Transport t, Endpoint from, List<Bytes> linkIds) {
    Header h = m.header();
    Refusal r = Refusal.SPOOFED_ID;
    counters.increment(r.counter());
    if (h.kind() != MessageKind.REQUEST) {
      return;
    }
    Message answer = new Message(Header.responseTo(h, !t.reliable(), r.responseCode(), peer,
        ownId), List.of(self.get(), new WireObject.ErrorInfo(r.responseCode(), r.subCode(),
            WireObject.ErrorInfo.NO_OBJECT, "Source-ID " + h.sourceId().hex()
                + " is not bound by the link's certificate (" + linkIds.stream().map(Bytes::hex)
                    .collect(java.util.stream.Collectors.joining(", ")) + ")")));
    sendReliably(AckKey.of(h, answer.header().kind()), WireEncoder.encode(answer), answer, t,
        from);
  }

  private void answerMalformed(MalformedMessageException e, Transport t, Endpoint from) {
    Header h = e.header();
    if (h == null || e.responseCode() == 0 || h.ack() || h.kind() != MessageKind.REQUEST) {
      return; // nobody to answer, or only requests get answers
    }
    Message answer = new Message(Header.responseTo(h, !t.reliable(), e.responseCode(), peer, idFor(h)),
        List.of(self.get(), e.toErrorInfo()));
    byte[] bytes = WireEncoder.encode(answer);
    sendReliably(AckKey.of(h, answer.header().kind()), bytes, answer, t, from);
    counters.increment("transaction.malformed-requests-answered");
  }

  /**
   * Handles an ACK read in place when it stops a transaction, as {@link #onAck} would have; any
   * other ACK goes the general way, so the outcome never depends on which way it went.
   */
  private boolean matchedBareAck(byte[] b) {
    MessageKind kind = WireDecoder.ackKind(b);
    int txId = WireDecoder.ackTransactionId(b);
    int idLen = decoder.idLength();
    if (kind == MessageKind.REQUEST) {
      ClientTransaction c = requests.get(b, Header.FIXED_LENGTH, idLen, txId);
      return c != null && c.acknowledged();
    }
    Served s = served.get(b, Header.FIXED_LENGTH, idLen, txId);
    if (s != null && s.answering != null && s.answerKind == kind) {
      s.stopAnswering();
      return true;
    }
    return false;
  }

  private void onAck(Header h) {
    if (h.kind() == MessageKind.REQUEST) {
      ClientTransaction c = requests.get(h.sourceId(), h.transactionId());
      if (c != null && c.acknowledged()) {
        return;
      }
    } else {
      Served s = served.get(h.sourceId(), h.transactionId());
      if (s != null && s.answering != null && s.answerKind == h.kind()) {
        s.stopAnswering();
        return;
      }
      Resend r = awaitingAck.isEmpty() ? null : awaitingAck.remove(AckKey.of(h, h.kind()));
      if (r != null) {
        r.cancel();
        return;
      }
    }
    counters.increment("drop.ack-unmatched");
  }

  private void onRequestOrIndication(Message m, Transport t, Endpoint from) {
    Header h = m.header();
    Served s = served.get(h.sourceId(), h.transactionId());
    // A copy over another transport is not a retransmission: the sender switched on purpose
    // (a retry over TCP after 480), so it is served again.
    if (s != null && s.kind == h.kind() && s.transport == t) {
      counters.increment("transaction.duplicates");
      if (s.response != null) {
        env.send(s.transport, s.from, s.response); // our answer was lost: send it again
      } else if (!t.reliable()) {
        sendAck(h, t, from);
      }
      return;
    }
    Served fresh = new Served(h, t, from);
    served.put(h.sourceId(), h.transactionId(), fresh);
    env.schedule(config.duplicateWindowMillis(), fresh);
    boolean indication = h.kind() == MessageKind.INDICATION;
    if (indication && !t.reliable()) {
      sendAck(h, t, from);
    }
    delivering = fresh;
    try {
      handler.onRequest(new Incoming(m, t, from));
    } finally {
      delivering = null;
    }
    if (!indication && !t.reliable() && fresh.response == null) {
      sendAck(h, t, from); // no answer yet: stop the sender's retransmissions now
    }
  }

  private void onResponse(Message m, Transport t, Endpoint from) {
    Header h = m.header();
    if (!t.reliable()) {
      sendAck(h, t, from); // always, even if unmatched: it tells the responder we are alive
    }
    ClientTransaction c = requests.get(h.sourceId(), h.transactionId());
    if (c == null) {
      counters.increment("drop.response-unmatched");
      return;
    }
    if (h.responseCode() == ResponseCode.ALTERNATIVE_SERVICE && !c.transport.reliable()) {
      counters.increment("transaction.retried-over-stream");
      c.restart(c.transport.streamCounterpart());
      return;
    }
    requests.remove(h.sourceId(), h.transactionId());
    c.cancel();
    if (h.kind() == MessageKind.RESPONSE_ACK && !c.awaitingResponse) {
      c.sampleRtt();
    }
    c.listener.onResponse(m, from);
  }

  // ---------------------------------------------------------------------------- transactions

  /**
   * One message on its way to the next hop: sent now and, over an unreliable transport, again
   * after T0, 2 T0, 4 T0 ... until cancelled; after its give-up time it stops and runs
   * {@link #giveUp()}. Over a reliable transport it is sent once.
   */
  private abstract class Resend extends TimerTask {
    final byte[] bytes;
    /** What {@link #bytes} encode, for a receiver in this process ({@link Env#send}). */
    final Message message;
    Transport transport;
    final Endpoint to;
    final long giveUpMillis;
    int transmissions;
    long interval;
    /** When the next retransmission is due and when to give up, in env time. */
    long nextAt;
    long deadlineAt;

    Resend(byte[] bytes, Message message, Transport transport, Endpoint to, long giveUpMillis) {
      this.bytes = bytes;
      this.message = message;
      this.transport = transport;
      this.to = to;
      this.giveUpMillis = giveUpMillis;
    }

    /** No acknowledgement came in time. */
    abstract void giveUp();

    void start() {
      transmissions = 0;
      interval = config.t0Millis();
      transmit();
      if (!transport.reliable()) {
        long now = env.now();
        nextAt = now + interval;
        deadlineAt = now + giveUpMillis;
        arm(now);
      }
    }

    /** One timer at a time, the task itself: the next retransmission or the deadline. */
    void arm(long now) {
      env.schedule(Math.min(nextAt, deadlineAt) - now, this);
    }

    /** The timer: give up at the deadline, otherwise retransmit and double the interval. */
    @Override
    public void run() {
      if (closed) {
        return; // a closed node sends nothing more
      }
      long now = env.now();
      if (now >= deadlineAt) {
        giveUp();
        return;
      }
      counters.increment("transaction.retransmissions");
      transmit();
      interval *= 2;
      nextAt = now + interval;
      arm(now);
    }

    private void transmit() {
      transmissions++;
      env.send(transport, to, bytes, message);
    }
  }

  /**
   * A request we sent (figures 8 and 10): being delivered (it is its own retransmission), then
   * waiting T3 for its answer (with the same task as its timer).
   */
  private final class ClientTransaction extends Resend implements TxTable.Named {
    final Bytes sourceId;
    final int transactionId;
    final ResponseListener listener;
    /** Delivered (acknowledged, or sent over a stream): waiting T3 for the response. */
    boolean awaitingResponse;
    long sentAt;

    ClientTransaction(Message request, byte[] bytes, Endpoint to, long giveUpMillis,
        ResponseListener listener) {
      super(bytes, request, null, to, giveUpMillis);
      Header h = request.header();
      this.sourceId = h.sourceId();
      this.transactionId = h.transactionId();
      this.listener = listener;
    }

    @Override
    public Bytes sourceId() {
      return sourceId;
    }

    void start(Transport t) {
      transport = t;
      sentAt = env.now();
      start();
      if (t.reliable()) {
        waitResponse();
      }
    }

    @Override
    public void run() {
      if (awaitingResponse) {
        fail("no response"); // T3 is over, closed or not
      } else {
        super.run();
      }
    }

    @Override
    void giveUp() {
      fail("no acknowledgement");
    }

    void restart(Transport t) {
      cancel();
      awaitingResponse = false;
      start(t);
    }

    /** The next hop's ACK: stop retransmitting, wait T3. Returns false if it was unexpected. */
    boolean acknowledged() {
      if (transport.reliable() || awaitingResponse) {
        return false;
      }
      cancel();
      sampleRtt();
      waitResponse();
      return true;
    }

    /** Karn's rule: only a request transmitted once gives an unambiguous round-trip time. */
    void sampleRtt() {
      if (!transport.reliable() && transmissions == 1) {
        rttSink.sample(to, env.now() - sentAt);
      }
    }

    private void waitResponse() {
      awaitingResponse = true;
      env.schedule(config.t3Millis(), this);
    }

    private void fail(String what) {
      if (requests.get(sourceId, transactionId) != this) {
        return;
      }
      requests.remove(sourceId, transactionId);
      cancel();
      counters.increment("transaction.timeouts");
      int n = transmissions;
      String reason = what + " from " + to + " over " + transport
          + " after " + n + " transmission" + (n == 1 ? "" : "s");
      if (awaitingResponse) {
        listener.onNoResponse(ResponseCode.TIMEOUT, reason);
      } else {
        listener.onFailure(ResponseCode.TIMEOUT, reason);
      }
    }
  }

  /**
   * A request or indication we received, remembered to suppress its retransmissions; it is also
   * the timer that forgets it at the end of the duplicate window.
   */
  private final class Served extends TimerTask implements TxTable.Named {
    final MessageKind kind;
    final Bytes sourceId;
    final int transactionId;
    final Transport transport;
    final Endpoint from;
    byte[] response;
    /** The answer being retransmitted until acknowledged, and its kind; null once done. */
    Resend answering;
    MessageKind answerKind;

    Served(Header h, Transport transport, Endpoint from) {
      this.kind = h.kind();
      this.sourceId = h.sourceId();
      this.transactionId = h.transactionId();
      this.transport = transport;
      this.from = from;
    }

    @Override
    public Bytes sourceId() {
      return sourceId;
    }

    void stopAnswering() {
      if (answering != null) {
        answering.cancel();
        answering = null;
      }
    }

    /** The end of the duplicate window. */
    @Override
    public void run() {
      if (answering != null) {
        env.schedule(config.t2Millis(), this); // keep it while its answer awaits an ACK
      } else {
        served.remove(sourceId, transactionId, this);
      }
    }
  }
}
