package org.openvoip.p2pp.node;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.openvoip.p2pp.env.Counters;
import org.openvoip.p2pp.env.Endpoint;
import org.openvoip.p2pp.stun.StunAgent;
import org.openvoip.p2pp.env.Env;
import org.openvoip.p2pp.env.Transport;
import org.openvoip.p2pp.overlay.PeerRef;
import org.openvoip.p2pp.transaction.TransactionLayer;
import org.openvoip.p2pp.security.Identity;
import org.openvoip.p2pp.security.SignedData;
import org.openvoip.p2pp.wire.Bytes;
import org.openvoip.p2pp.wire.Header;
import org.openvoip.p2pp.wire.Message;
import org.openvoip.p2pp.wire.MessageKind;
import org.openvoip.p2pp.wire.Method;
import org.openvoip.p2pp.wire.ResponseCode;
import org.openvoip.p2pp.wire.WireDecoder;
import org.openvoip.p2pp.wire.WireObject;
import org.openvoip.p2pp.wire.WireObject.AddressInfo;
import org.openvoip.p2pp.wire.WireObject.Candidate;
import org.openvoip.p2pp.wire.WireObject.ErrorInfo;
import org.openvoip.p2pp.wire.WireObject.Expires;
import org.openvoip.p2pp.wire.WireObject.DataEntry;
import org.openvoip.p2pp.wire.WireObject.Owner;
import org.openvoip.p2pp.wire.WireObject.PeerInfo;
import org.openvoip.p2pp.wire.WireObject.RLookup;
import org.openvoip.p2pp.wire.WireObject.ResourceId;
import org.openvoip.p2pp.wire.WireObject.ResourceObject;

/**
 * A P2PP client that is not in the overlay: it sends each routed request (Publish,
 * LookupObject, RemoveObject) recursively through one peer it knows, the "via" peer, which
 * routes it hop by hop to the responsible peer and relays the answer back. The P flag is clear,
 * so no peer adds the client to its tables. Command-line tools use it for one-shot requests.
 *
 * <p>Threading is the {@link Node}'s: the runtime hands it packets with {@link #onBytes} on the
 * client's thread; the operations may be called from any thread and their futures complete on
 * {@code callbacks}. A request that gets no answer fails with a {@link P2ppException} of code
 * 418 that names the via peer.
 */
public final class P2ppClient {
  private final OverlayConfig oc;
  private final Env env;
  private final Executor callbacks;
  private final Bytes id;
  private final PeerInfo selfInfo;
  private final Counters counters = new Counters();
  private final TransactionLayer transactions;
  private final StunAgent stun;
  private int nextTransactionId;

  /**
   * @param id the client's ID (the overlay's ID length): the Source-ID of its requests
   * @param address where the client receives answers
   */
  public P2ppClient(OverlayConfig oc, Bytes id, Endpoint address, Env env, Executor callbacks) {
    if (id.length() != oc.idLength()) {
      throw new IllegalArgumentException("the client ID has " + id.length()
          + " bytes; this overlay uses " + oc.idLength());
    }
    this.oc = oc;
    this.env = env;
    this.callbacks = callbacks;
    this.id = id;
    this.selfInfo = PeerInfo.of(id,
        AddressInfo.of(Candidate.host(address.address(), address.port())));
    this.nextTransactionId = env.random().nextInt();
    this.transactions = new TransactionLayer(env, oc.transactions(),
        new WireDecoder(oc.idLength()), id, false, () -> selfInfo, this::onRequest, counters);
    this.stun = new StunAgent(env, counters);
    transactions.stun(stun::onDatagram);
  }

  /**
   * The client's STUN agent: it answers Binding requests on the client's port and asks peers
   * what its address looks like from outside ({@link org.openvoip.p2pp.stun.NatDiscovery}).
   */
  public StunAgent stun() {
    return stun;
  }

  public Bytes id() {
    return id;
  }

  /** Delivers bytes from the network; call on the client's thread. */
  public void onBytes(byte[] bytes, Transport transport, Endpoint from) {
    transactions.onBytes(bytes, transport, from);
  }

  /** The client's counters; read on the client's thread. */
  public Counters counters() {
    return counters;
  }

  /** A client serves nothing: requests sent to it are refused. */
  private void onRequest(TransactionLayer.Incoming in) {
    if (in.header().kind() != MessageKind.REQUEST) {
      counters.increment("drop.client-indication");
      return;
    }
    counters.increment("drop.client-request");
    transactions.respond(in, ResponseCode.REQUEST_REJECTED, List.of(selfInfo, new ErrorInfo(
        ResponseCode.REQUEST_REJECTED, 0, ErrorInfo.NO_OBJECT, "this is a client")));
  }

  /**
   * Publishes (or replaces) the object of {@code owner} under {@code resourceId} through
   * {@code via}. Objects are identified by (resource, types, owner), so a client that wants
   * to replace its earlier value publishes with the same owner.
   */
  public CompletableFuture<Results.Published> publish(Endpoint via, Bytes resourceId,
      int contentType, int subType, Bytes owner, Bytes value, long lifetimeSeconds) {
    ResourceObject o = new ResourceObject(contentType, subType, new ResourceId(resourceId),
        value, null, new Owner(owner), new Expires(lifetimeSeconds), null, null);
    return send(via, Method.PUBLISH, resourceId, o, ResponseCode.OK, (r, route) -> {
      Expires e = r.first(Expires.class);
      return new Results.Published(e == null ? 0 : e.seconds(), route);
    });
  }

  /**
   * Stores a value signed by {@code signer} at its place in a data model ({@code entry}), through
   * {@code via}, as {@link Node#store} does in a secured overlay: the owner is the signer's user
   * and its certificate goes with the value.
   */
  public CompletableFuture<Results.Published> store(Endpoint via, Bytes resourceId,
      int contentType, int subType, DataEntry entry, Bytes value, long lifetimeSeconds,
      Identity signer) {
    Owner owner = new Owner(Bytes.of(signer.user().getBytes(
        java.nio.charset.StandardCharsets.UTF_8)));
    ResourceObject unsigned = new ResourceObject(contentType, subType,
        new ResourceId(resourceId), value, null, owner, new Expires(lifetimeSeconds), null, null,
        entry);
    ResourceObject o = new ResourceObject(contentType, subType, unsigned.resourceId(), value,
        null, owner, unsigned.expires(), signer.sign(SignedData.toBeSigned(unsigned)),
        signer.wireCertificate(), entry);
    return send(via, Method.PUBLISH, resourceId, o, ResponseCode.OK, (r, route) -> {
      Expires e = r.first(Expires.class);
      return new Results.Published(e == null ? 0 : e.seconds(), route);
    });
  }

  /** Finds the objects stored under {@code resourceId} with this type (any owner). */
  public CompletableFuture<Results.ObjectLookup> lookup(Endpoint via, Bytes resourceId,
      int contentType, int subType) {
    RLookup q = new RLookup(contentType, subType, new ResourceId(resourceId), null);
    return send(via, Method.LOOKUP_OBJECT, resourceId, q, ResponseCode.NOT_FOUND,
        (r, route) -> new Results.ObjectLookup(r.all(ResourceObject.class), route));
  }

  /** Removes the object of {@code owner} under {@code resourceId} with this type. */
  public CompletableFuture<Results.Removed> remove(Endpoint via, Bytes resourceId,
      int contentType, int subType, Bytes owner) {
    ResourceObject o = new ResourceObject(contentType, subType, new ResourceId(resourceId),
        Bytes.EMPTY, null, new Owner(owner), null, null, null);
    return send(via, Method.REMOVE_OBJECT, resourceId, o, ResponseCode.NOT_FOUND,
        (r, route) -> new Results.Removed(r.header().responseCode() == ResponseCode.OK, route));
  }

  private interface Mapper<T> {
    T map(Message response, Results.Route route);
  }

  private <T> CompletableFuture<T> send(Endpoint via, Method method, Bytes key,
      WireObject body, int alsoFine, Mapper<T> map) {
    if (key.length() != oc.idLength()) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("the key has "
          + key.length() + " bytes; this overlay uses " + oc.idLength()));
    }
    CompletableFuture<T> f = new CompletableFuture<>();
    env.schedule(0, () -> {
      try {
        Message req = new Message(Header.request(method, false, true, oc.ttl(),
            nextTransactionId++, id), List.of(selfInfo, body));
        long began = env.now();
        int ttl0 = oc.ttl();
        transactions.sendRequest(req, Transport.UDP, via,
            new TransactionLayer.ResponseListener() {
              @Override
              public void onResponse(Message response, Endpoint from) {
                int code = response.header().responseCode();
                if (code == ResponseCode.OK || code == alsoFine) {
                  PeerRef responder = PeerRef.from(response.first(PeerInfo.class));
                  Results.Route route = new Results.Route(responder,
                      ttl0 - response.header().ttl() + 1, env.now() - began);
                  T value;
                  try {
                    value = map.map(response, route);
                  } catch (RuntimeException e) {
                    callbacks.execute(() -> f.completeExceptionally(e));
                    return;
                  }
                  callbacks.execute(() -> f.complete(value));
                } else {
                  ErrorInfo e = response.first(ErrorInfo.class);
                  fail(f, code, via + " answered " + code + " "
                      + (e == null ? "(no reason given)" : e.reason()));
                }
              }

              @Override
              public void onFailure(int code, String reason) {
                fail(f, code, "no answer from " + via + " after "
                    + secs(env.now() - began) + " s (" + reason + ")");
              }
            });
      } catch (RuntimeException e) {
        callbacks.execute(() -> f.completeExceptionally(e));
      }
    });
    return f;
  }

  private static String secs(long millis) {
    return Long.toString(Math.round(millis / 1000.0));
  }

  private void fail(CompletableFuture<?> f, int code, String reason) {
    callbacks.execute(() -> f.completeExceptionally(new P2ppException(code, reason)));
  }
}
