package org.openvoip.p2pp.wire;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.openvoip.p2pp.wire.WireObject.*;

/**
 * Worked example messages: the ones docs/protocol.md shows byte by byte, the demo prints and the
 * benchmarks measure. The first two equal the hand-written test vectors (a Join request from a
 * peer and its 200 responseACK), which proves the encoder against bytes written from the draft.
 */
public final class Examples {
  /** A worked example. */
  public record Example(String name, String description, Message message) {}

  /** The joining peer: 01 02 ... 14. */
  public static final Bytes JOINING_PEER = sequence(0x01, 20);
  /** The admitting peer: a1 a2 ... b4. */
  public static final Bytes ADMITTING_PEER = sequence(0xa1, 20);
  public static final int TRANSACTION_ID = 0x3039;

  private Examples() {}

  public static List<Example> all() {
    List<Example> list = new ArrayList<>();
    list.add(new Example("join-request",
        "Join request from a peer (iterative, TTL 10), 20-byte IDs, one IPv4 host candidate",
        joinRequest()));
    list.add(new Example("join-response-ack",
        "200 responseACK to that Join over UDP, with the admitting peer's Peer-Info and Expires",
        joinResponseAck()));
    list.add(new Example("ack",
        "ACK of the responseACK, sent by the joining peer (Response-ID copied back)",
        Message.of(Header.ackFor(joinResponseAck().header(), true, JOINING_PEER))));
    list.add(new Example("bootstrap-request",
        "Bootstrap request: 4-byte Source-ID 00000000, the node's address only",
        Message.of(Header.request(Method.BOOTSTRAP, true, false, 1, 7, Bytes.of(new byte[4])),
            new PeerInfo(null, host(192, 0, 2, 10), null, null, null, null, null, null, null))));
    list.add(new Example("bootstrap-response",
        "Bootstrap response: Response-ID 00000001, bootstrap peer, the requester, P2P-Options",
        bootstrapResponse()));
    list.add(new Example("lookup-peer-request",
        "LookupPeer request, recursive with a route log: the 3 peers closest to an ID",
        Message.of(Header.request(Method.LOOKUP_PEER, true, true, 20, 0x0a0b0c0d, JOINING_PEER),
            new RequestOptions(false, false, false, false, false, false, true),
            peer(JOINING_PEER, 192, 0, 2, 10),
            new PLookup(3, false, false, sequence(0x40, 20), null))));
    list.add(new Example("lookup-peer-response",
        "200 responseACK to a LookupPeer: the responder's Peer-Info, then the 3 peers found",
        lookupPeerResponse(3)));
    list.add(new Example("publish-request",
        "Publish of a User-Info resource object with an owner and a lifetime",
        publishRequest("sip:alice@example.org".getBytes(StandardCharsets.UTF_8))));
    list.add(new Example("lookup-object-not-found",
        "404 response to a LookupObject, with an Error object explaining it",
        Message.of(new Header(1, MessageKind.RESPONSE, false, true, false, ResponseCode.NOT_FOUND,
                Method.LOOKUP_OBJECT, 9, 0x77, JOINING_PEER, ADMITTING_PEER),
            peer(ADMITTING_PEER, 192, 0, 2, 20),
            new ErrorInfo(ResponseCode.NOT_FOUND, 0, ErrorInfo.NO_OBJECT, "no such resource"))));
    return list;
  }

  /** The Join request of the first test vector (83 bytes). */
  public static Message joinRequest() {
    return Message.of(
        Header.request(Method.JOIN, true, false, 10, TRANSACTION_ID, JOINING_PEER),
        peer(JOINING_PEER, 192, 0, 2, 10));
  }

  /** The 200 responseACK of the second test vector. */
  public static Message joinResponseAck() {
    Header req = joinRequest().header();
    return Message.of(Header.responseTo(req, true, ResponseCode.OK, true, ADMITTING_PEER),
        peer(ADMITTING_PEER, 192, 0, 2, 20), new Expires(3600));
  }

  /** A Publish request carrying {@code value} (the benchmarks use a 1 KiB value). */
  public static Message publishRequest(byte[] value) {
    Bytes user = Bytes.of("alice@example.org".getBytes(StandardCharsets.UTF_8));
    ResourceObject ro = new ResourceObject(ResourceObject.CONTENT_USER_INFO, 0,
        new ResourceId(sequence(0x60, 20)), Bytes.of(value), null, new Owner(user),
        new Expires(3600), null, null);
    return Message.of(Header.request(Method.PUBLISH, true, true, 20, 0x1234, JOINING_PEER),
        peer(JOINING_PEER, 192, 0, 2, 10), ro);
  }

  /** A 200 LookupPeer response from a peer carrying {@code n} Peer-Infos after its own. */
  public static Message lookupPeerResponse(int n) {
    List<WireObject> objects = new ArrayList<>();
    objects.add(peer(ADMITTING_PEER, 192, 0, 2, 20));
    for (int i = 0; i < n; i++) {
      objects.add(peer(sequence(0x10 + i, 20), 198, 51, 100, 1 + i));
    }
    Header req = Header.request(Method.LOOKUP_PEER, true, false, 20, 0x4242, JOINING_PEER);
    return new Message(Header.responseTo(req, true, ResponseCode.OK, true, ADMITTING_PEER), objects);
  }

  private static Message bootstrapResponse() {
    Header req = Header.request(Method.BOOTSTRAP, true, false, 1, 7, Bytes.of(new byte[4]));
    return Message.of(Header.responseTo(req, false, ResponseCode.OK, true, Bytes.of(new byte[] {0, 0, 0, 1})),
        peer(ADMITTING_PEER, 192, 0, 2, 20),
        peer(JOINING_PEER, 192, 0, 2, 10),
        new P2pOptions(P2pOptions.HASH_SHA1, 20, P2pOptions.P2P_CHORD, 2,
            Bytes.of("openvoip.example".getBytes(StandardCharsets.UTF_8))));
  }

  /** A Peer-Info with a Peer-ID and one IPv4 host candidate on port 7080. */
  public static PeerInfo peer(Bytes id, int a, int b, int c, int d) {
    return PeerInfo.of(id, host(a, b, c, d));
  }

  private static AddressInfo host(int a, int b, int c, int d) {
    return AddressInfo.of(Candidate.host(IpAddress.of((byte) a, (byte) b, (byte) c, (byte) d), 7080));
  }

  /** {@code n} bytes counting up from {@code first}. */
  public static Bytes sequence(int first, int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (first + i);
    }
    return Bytes.of(b);
  }
}
