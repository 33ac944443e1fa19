package org.openvoip.p2pp.relay;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import org.openvoip.p2pp.env.Counters;
import org.openvoip.p2pp.env.Endpoint;
import org.openvoip.p2pp.env.Env;
import org.openvoip.p2pp.env.Transport;
import org.openvoip.p2pp.stun.StunAgent;
import org.openvoip.p2pp.stun.StunMessage;
import org.openvoip.p2pp.wire.Bytes;

/**
 * One allocation on a TURN server (RFC 8656, UDP), as a node uses a relay: it allocates a relayed
 * address with long-term credentials (answering the server's 401 and 438 challenges), installs
 * permissions and binds channels for its peers, keeps all three refreshed, sends through the
 * relay (ChannelData on a bound channel, else a Send indication) and hands what peers send back
 * to its {@link Listener}. No I/O: requests go through the node's {@link StunAgent}; the runtime
 * hands it ChannelData and Data indications from the server ({@link #onDatagram}).
 */
public final class TurnClient {
  /** Refresh this long before a lifetime runs out. */
  static final long REFRESH_MARGIN_MILLIS = 60_000;
  static final long PERMISSION_REFRESH_MILLIS = 240_000;
  static final long CHANNEL_REFRESH_MILLIS = 540_000;
  private static final int FIRST_CHANNEL = 0x4000;

  /** What peers send through the relay, and the end of the allocation. */
  public interface Listener {
    void onData(Endpoint peer, byte[] data, int offset, int length);

    /** The allocation is gone (refused, expired, or a refresh failed); {@code why} says. */
    default void onLost(String why) {}
  }

  /** A granted allocation. */
  public record Allocated(Endpoint relayed, Endpoint mapped, long lifetimeSeconds) {}

  private final Env env;
  private final StunAgent stun;
  private final Counters counters;
  private final Endpoint server;
  private final String user;
  private final String password;
  private final Listener listener;
  private final StunAgent.Retransmit retransmit = StunAgent.Retransmit.QUICK;
  private byte[] realm;
  private byte[] nonce;
  private byte[] key;
  private Allocated allocated;
  private final Map<Endpoint, Integer> channels = new HashMap<>();
  private final Map<Integer, Endpoint> peers = new HashMap<>();
  private final Map<Long, Env.Timer> permissionTimers = new HashMap<>();
  private int nextChannel = FIRST_CHANNEL;
  private Env.Timer refreshTimer;
  private boolean released;

  public TurnClient(Env env, StunAgent stun, Counters counters, Endpoint server, String user,
      String password, Listener listener) {
    this.env = env;
    this.stun = stun;
    this.counters = counters;
    this.server = server;
    this.user = user;
    this.password = password;
    this.listener = listener;
  }

  public Endpoint server() {
    return server;
  }

  /** The allocation, or null before it is granted. */
  public Allocated allocated() {
    return allocated;
  }

  /** Asks for a relayed address; {@code done} gets it, or null with the reason in {@code why}. */
  public void allocate(Consumer<Allocated> done, Consumer<String> why) {
    request(0x0003, tx -> List.of(new StunMessage.Attribute(TurnServer.REQUESTED_TRANSPORT,
        Bytes.of((byte) 17, (byte) 0, (byte) 0, (byte) 0))), 2, r -> {
          try {
            Endpoint relayed = StunMessage.fromXorAddress(r.message().attribute(
                TurnServer.XOR_RELAYED_ADDRESS).value(), r.message().transactionId());
            StunMessage.Attribute m = r.message().attribute(StunMessage.XOR_MAPPED_ADDRESS);
            Endpoint mapped = m == null ? null
                : StunMessage.fromXorAddress(m.value(), r.message().transactionId());
            StunMessage.Attribute l = r.message().attribute(TurnServer.LIFETIME);
            long lifetime = l == null ? 600 : TurnServer.readU32(l.value());
            allocated = new Allocated(relayed, mapped, lifetime);
            counters.increment("turn-client.allocated");
            scheduleRefresh(lifetime);
            done.accept(allocated);
          } catch (StunMessage.MalformedStunException | NullPointerException e) {
            why.accept("the relay's answer to Allocate has no usable XOR-RELAYED-ADDRESS");
          }
        }, why);
  }

  /** Lets {@code peer}'s address send to the relayed address (and keeps it so). */
  public void permit(Endpoint peer, Runnable done, Consumer<String> why) {
    request(0x0008, tx -> List.of(new StunMessage.Attribute(TurnServer.XOR_PEER_ADDRESS,
        StunMessage.xorAddress(peer, tx))), 2, r -> {
          keepPermitted(peer);
          done.run();
        }, why);
  }

  /**
   * Binds a channel to {@code peer} (which also permits it), so that data to and from it takes
   * 4 bytes of framing instead of a STUN indication's 36 or more.
   */
  public void bind(Endpoint peer, Consumer<Integer> done, Consumer<String> why) {
    Integer existing = channels.get(peer);
    int channel = existing != null ? existing : nextChannel++;
    request(0x0009, tx -> List.of(new StunMessage.Attribute(TurnServer.CHANNEL_NUMBER,
        Bytes.of((byte) (channel >>> 8), (byte) channel, (byte) 0, (byte) 0)),
        new StunMessage.Attribute(TurnServer.XOR_PEER_ADDRESS, StunMessage.xorAddress(peer,
            tx))), 2, r -> {
              if (!channels.containsKey(peer)) {
                env.schedule(CHANNEL_REFRESH_MILLIS, () -> rebind(peer));
              }
              channels.put(peer, channel);
              peers.put(channel, peer);
              keepPermitted(peer);
              done.accept(channel);
            }, why);
  }

  private void rebind(Endpoint peer) {
    if (!released && channels.containsKey(peer)) {
      bind(peer, c -> {}, w -> counters.increment("turn-client.rebind-failed"));
      // bind() schedules nothing more for a known peer: schedule the next refresh here.
      env.schedule(CHANNEL_REFRESH_MILLIS, () -> rebind(peer));
    }
  }

  private void keepPermitted(Endpoint peer) {
    long ip = peer.ipv4() >= 0 ? peer.ipv4() : peer.key();
    if (permissionTimers.containsKey(ip)) {
      return;
    }
    permissionTimers.put(ip, env.schedule(PERMISSION_REFRESH_MILLIS, () -> {
      permissionTimers.remove(ip);
      if (!released) {
        permit(peer, () -> {}, w -> counters.increment("turn-client.permission-failed"));
      }
    }));
  }

  /** Sends {@code data} to {@code peer} through the relay. */
  public void send(Endpoint peer, byte[] data) {
    Integer channel = channels.get(peer);
    if (channel != null) {
      byte[] cd = new byte[4 + data.length];
      cd[0] = (byte) (channel >>> 8);
      cd[1] = (byte) (int) channel;
      cd[2] = (byte) (data.length >>> 8);
      cd[3] = (byte) data.length;
      System.arraycopy(data, 0, cd, 4, data.length);
      env.send(Transport.UDP, server, cd);
    } else {
      Bytes tx = stun.newTransactionId();
      env.send(Transport.UDP, server, new StunMessage(0x0016, tx, List.of())
          .with(TurnServer.XOR_PEER_ADDRESS, StunMessage.xorAddress(peer, tx))
          .with(TurnServer.DATA_ATTR, Bytes.of(data)).encode());
    }
    counters.increment("turn-client.sent");
  }

  /**
   * A datagram from the server: ChannelData, or a Data indication. Returns whether it was one
   * (anything else is the caller's: STUN answers go to the STUN agent).
   */
  public boolean onDatagram(byte[] b, Endpoint from) {
    if (!from.equals(server)) {
      return false;
    }
    if (b.length >= 4 && (b[0] & 0xC0) == 0x40) {
      int channel = ((b[0] & 0xFF) << 8) | (b[1] & 0xFF);
      int len = ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
      Endpoint peer = peers.get(channel);
      if (peer == null || len > b.length - 4) {
        counters.increment("drop.turn-client.channel-data");
        return true;
      }
      counters.increment("turn-client.received");
      listener.onData(peer, b, 4, len);
      return true;
    }
    if (StunMessage.isStun(b) && b[0] == 0x00 && b[1] == 0x17) { // a Data indication
      try {
        StunMessage m = StunMessage.decode(b);
        Endpoint peer = StunMessage.fromXorAddress(m.attribute(TurnServer.XOR_PEER_ADDRESS)
            .value(), m.transactionId());
        byte[] data = m.attribute(TurnServer.DATA_ATTR).value().toByteArray();
        counters.increment("turn-client.received");
        listener.onData(peer, data, 0, data.length);
      } catch (StunMessage.MalformedStunException | NullPointerException e) {
        counters.increment("drop.turn-client.data-indication");
      }
      return true;
    }
    return false;
  }

  /** Gives the allocation back (Refresh with lifetime 0) and stops refreshing. */
  public void release() {
    if (released) {
      return;
    }
    released = true;
    cancelTimers();
    if (allocated != null) {
      request(0x0004, tx -> List.of(new StunMessage.Attribute(TurnServer.LIFETIME, Bytes.of(
          new byte[4]))), 2, r -> {}, w -> {});
    }
  }

  private void cancelTimers() {
    if (refreshTimer != null) {
      refreshTimer.cancel();
    }
    permissionTimers.values().forEach(Env.Timer::cancel);
    permissionTimers.clear();
  }

  private void scheduleRefresh(long lifetimeSeconds) {
    long in = Math.max(1_000, lifetimeSeconds * 1000 - REFRESH_MARGIN_MILLIS);
    refreshTimer = env.schedule(in, () -> {
      if (released) {
        return;
      }
      request(0x0004, tx -> List.of(new StunMessage.Attribute(TurnServer.LIFETIME,
          Bytes.of((byte) 0, (byte) 0, (byte) 0x02, (byte) 0x58))), 2, r -> {
            StunMessage.Attribute l = r.message().attribute(TurnServer.LIFETIME);
            counters.increment("turn-client.refreshed");
            scheduleRefresh(l == null ? 600 : TurnServer.readU32(l.value()));
          }, w -> {
            allocated = null;
            listener.onLost("the refresh failed: " + w);
          });
    });
  }

  // ------------------------------------------------------------------- requests and challenges

  /**
   * Sends a request (its attributes made for its transaction ID: XOR-PEER-ADDRESS depends on
   * it), signed once the realm and nonce are known. A 401 (first contact) or 438 (stale nonce)
   * answer brings a realm and a nonce: the request goes again, signed, with a new ID.
   */
  private void request(int type, Function<Bytes, List<StunMessage.Attribute>> attrs, int tries,
      Consumer<StunAgent.Response> ok, Consumer<String> why) {
    Bytes tx = stun.newTransactionId();
    StunMessage m = new StunMessage(type, tx, attrs.apply(tx));
    if (key != null) {
      m = m.with(StunMessage.USERNAME, StunMessage.text(user))
          .with(TurnServer.REALM, Bytes.of(realm)).with(TurnServer.NONCE, Bytes.of(nonce));
    }
    stun.send(server, m, key, retransmit, new StunAgent.Callback() {
      @Override
      public void onResponse(StunAgent.Response r) {
        ok.accept(r);
      }

      @Override
      public void onFailure(StunAgent.StunFailure f) {
        StunMessage answer = f.answer();
        StunMessage.Attribute r = answer == null ? null : answer.attribute(TurnServer.REALM);
        StunMessage.Attribute n = answer == null ? null : answer.attribute(TurnServer.NONCE);
        if ((f.code() == 401 || f.code() == 438) && n != null && tries > 1
            && (r != null || realm != null)) {
          if (r != null) {
            realm = r.value().toByteArray();
          }
          nonce = n.value().toByteArray();
          key = TurnServer.longTermKey(user, new String(realm, StandardCharsets.UTF_8),
              password);
          counters.increment("turn-client.challenged");
          request(type, attrs, tries - 1, ok, why);
          return;
        }
        why.accept(f.getMessage());
      }
    });
  }

}
