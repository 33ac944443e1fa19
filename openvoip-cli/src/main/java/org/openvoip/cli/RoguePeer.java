package org.openvoip.cli;

import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.openvoip.net.LinkSecurity;
import org.openvoip.net.NetTransport;
import org.openvoip.p2pp.env.Counters;
import org.openvoip.p2pp.env.Endpoint;
import org.openvoip.p2pp.env.Env;
import org.openvoip.p2pp.env.Transport;
import org.openvoip.p2pp.security.CertificateChecker;
import org.openvoip.p2pp.security.Identity;
import org.openvoip.p2pp.security.Kind;
import org.openvoip.p2pp.security.SignedData;
import org.openvoip.p2pp.wire.Bytes;
import org.openvoip.p2pp.wire.Header;
import org.openvoip.p2pp.wire.MalformedMessageException;
import org.openvoip.p2pp.wire.Message;
import org.openvoip.p2pp.wire.Method;
import org.openvoip.p2pp.wire.WireDecoder;
import org.openvoip.p2pp.wire.WireEncoder;
import org.openvoip.p2pp.wire.WireObject;
import org.openvoip.p2pp.wire.WireObject.AddressInfo;
import org.openvoip.p2pp.wire.WireObject.Candidate;
import org.openvoip.p2pp.wire.WireObject.DataEntry;
import org.openvoip.p2pp.wire.WireObject.Expires;
import org.openvoip.p2pp.wire.WireObject.Owner;
import org.openvoip.p2pp.wire.WireObject.PeerInfo;
import org.openvoip.p2pp.wire.WireObject.ResourceId;
import org.openvoip.p2pp.wire.WireObject.ResourceObject;

/**
 * A peer that does not follow the rules, for {@code demo --secure}: it speaks P2PP on a real
 * socket, over links authenticated with whatever certificate it holds, and sends requests
 * crafted by hand (forged signatures, other nodes' IDs, stale or oversized values, floods)
 * straight to the peers that would store them. It waits for each answer so that the demo can
 * show what the overlay said. It sends as a client (P clear): a peer does not add it to its
 * tables, so the only traffic between them is what the rogue starts.
 */
final class RoguePeer implements AutoCloseable {
  private final NetTransport transport;
  private final Env env;
  private final Counters counters = new Counters();
  private final BlockingQueue<Message> answers = new LinkedBlockingQueue<>();
  private final WireDecoder decoder;
  final Identity identity;
  private int nextTransaction = 1;

  RoguePeer(EventLoopGroup group, Identity identity, List<java.security.cert.X509Certificate> chain,
      CertificateChecker checker, int idLength) throws InterruptedException {
    this.identity = identity;
    this.decoder = new WireDecoder(idLength);
    transport = NetTransport.bind(group, new InetSocketAddress("127.0.0.1", 0),
        new WireDecoder(idLength), counters,
        new LinkSecurity(identity, chain, checker, new SecureRandom()));
    env = transport.env(new SplittableRandom(1));
    transport.receiver((bytes, t, from) -> {
      try {
        Message m = decoder.decode(bytes);
        if (!m.header().ack() && m.header().kind().isResponse()) {
          if (!t.reliable()) { // acknowledged like a well-behaved peer, so it is not resent
            env.send(t, from, WireEncoder.encodeAck(m.header(), true, identity.nodeId()));
          }
          answers.add(m);
        }
      } catch (MalformedMessageException e) {
        // not the rogue's concern
      }
    });
  }

  Endpoint endpoint() {
    return transport.localEndpoint();
  }

  /** The rogue transport's counters (handshakes refused by the other side, ...). */
  java.util.Map<String, Long> counters() throws Exception {
    return transport.eventLoop().submit(counters::snapshot).get();
  }

  /** A value signed by {@code signer}, owned by {@code owner} (normally the signer's user). */
  static ResourceObject signed(Identity signer, String owner, Kind kind, Bytes resource,
      DataEntry entry, Bytes value) {
    Owner o = new Owner(Bytes.of(owner.getBytes(StandardCharsets.UTF_8)));
    ResourceObject unsigned = new ResourceObject(kind.contentType(), kind.subType(),
        new ResourceId(resource), value, null, o, new Expires(3600), null, null, entry);
    return new ResourceObject(kind.contentType(), kind.subType(), unsigned.resourceId(), value,
        null, o, unsigned.expires(), signer.sign(SignedData.toBeSigned(unsigned)),
        signer.wireCertificate(), entry);
  }

  /** The same object with another value and the old signature: a forgery. */
  static ResourceObject withValue(ResourceObject o, Bytes value) {
    return new ResourceObject(o.contentType(), o.subType(), o.resourceId(), value, null,
        o.owner(), o.expires(), o.signature(), o.certificate(), o.entry());
  }

  /** Sends a Publish of {@code o} straight to {@code to}, as {@code sourceId}; the answer. */
  Message publish(Endpoint to, Bytes sourceId, ResourceObject o, boolean stream)
      throws InterruptedException {
    return routed(to, Method.PUBLISH, sourceId, o, stream);
  }

  /** Sends a Publish to {@code to} and takes its answer as it is (a 302 is not followed). */
  Message publishHere(Endpoint to, Bytes sourceId, ResourceObject o)
      throws InterruptedException {
    return request(to, Method.PUBLISH, sourceId, o, false);
  }

  /** Sends a LookupObject straight to {@code to}; the answer. */
  Message lookup(Endpoint to, Bytes key, Kind kind) throws InterruptedException {
    return routed(to, Method.LOOKUP_OBJECT, identity.nodeId(),
        new WireObject.RLookup(kind.contentType(), kind.subType(), new ResourceId(key), null),
        true);
  }

  /**
   * Sends an iterative request and follows 302 answers to the next hop they name (the peer
   * asked may know better who is responsible), at most four times.
   */
  private Message routed(Endpoint to, Method method, Bytes sourceId, WireObject body,
      boolean stream) throws InterruptedException {
    Message a = request(to, method, sourceId, body, stream);
    for (int i = 0; i < 4 && a != null
        && a.header().responseCode() == org.openvoip.p2pp.wire.ResponseCode.NEXT_HOP; i++) {
      List<PeerInfo> infos = a.all(PeerInfo.class);
      org.openvoip.p2pp.overlay.PeerRef next = infos.size() < 2 ? null
          : org.openvoip.p2pp.overlay.PeerRef.from(infos.get(1));
      if (next == null) {
        break;
      }
      a = request(next.endpoint(), method, sourceId, body, stream);
    }
    return a;
  }

  /**
   * Sends {@code count} Query requests to {@code to} at once, without waiting, and returns the
   * answers received within {@code millis} of the last, by response code.
   */
  java.util.Map<Integer, Integer> flood(Endpoint to, int count, long millis)
      throws InterruptedException {
    answers.clear();
    int first = nextTransaction;
    for (int i = 0; i < count; i++) {
      Message m = Message.of(Header.request(Method.QUERY, false, false, Header.DEFAULT_TTL,
          nextTransaction++, identity.nodeId()), self(identity.nodeId()));
      env.send(Transport.UDP, to, WireEncoder.encode(m));
    }
    java.util.Map<Integer, Integer> codes = new java.util.TreeMap<>();
    java.util.Set<Integer> seen = new java.util.HashSet<>();
    long until = System.nanoTime() + millis * 1_000_000;
    Message m;
    while ((m = answers.poll(Math.max(1, until - System.nanoTime()), TimeUnit.NANOSECONDS))
        != null) {
      int tx = m.header().transactionId();
      if (tx - first >= 0 && tx - first < count && seen.add(tx)) { // a resent answer: once
        codes.merge(m.header().responseCode(), 1, Integer::sum);
      }
    }
    return codes;
  }

  /** Sends one Query and waits up to {@code millis} for its answer (null: none). */
  Message query(Endpoint to, long millis) throws InterruptedException {
    return request(to, Method.QUERY, identity.nodeId(), null, false, millis);
  }

  private Message request(Endpoint to, Method method, Bytes sourceId, WireObject body,
      boolean stream) throws InterruptedException {
    return request(to, method, sourceId, body, stream, 10_000);
  }

  private Message request(Endpoint to, Method method, Bytes sourceId, WireObject body,
      boolean stream, long millis) throws InterruptedException {
    answers.clear();
    int tx = nextTransaction++;
    Message m = body == null
        ? Message.of(Header.request(method, false, false, Header.DEFAULT_TTL, tx, sourceId),
            self(sourceId))
        : Message.of(Header.request(method, false, false, Header.DEFAULT_TTL, tx, sourceId),
            self(sourceId), body);
    env.send(stream ? Transport.TCP : Transport.UDP, to, WireEncoder.encode(m));
    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (System.nanoTime() < until) {
      Message a = answers.poll(100, TimeUnit.MILLISECONDS);
      if (a != null && a.header().transactionId() == tx) {
        return a;
      }
    }
    return null;
  }

  private PeerInfo self(Bytes id) {
    Endpoint e = endpoint();
    return PeerInfo.of(id, AddressInfo.of(Candidate.host(e.address(), e.port())));
  }

  /** The response code and Error sub-code of an answer, in words. */
  static String describe(Message answer) {
    if (answer == null) {
      return "no answer";
    }
    WireObject.ErrorInfo e = answer.first(WireObject.ErrorInfo.class);
    return answer.header().responseCode() + (e == null ? "" : " sub-code " + e.subCode());
  }

  static List<ResourceObject> objects(Message answer) {
    return answer == null ? List.of() : new ArrayList<>(answer.all(ResourceObject.class));
  }

  @Override
  public void close() {
    transport.close();
  }
}
