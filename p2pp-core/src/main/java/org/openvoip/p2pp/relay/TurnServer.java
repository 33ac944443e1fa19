package org.openvoip.p2pp.relay;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.openvoip.p2pp.env.Counters;
import org.openvoip.p2pp.env.Endpoint;
import org.openvoip.p2pp.env.Env;
import org.openvoip.p2pp.stun.StunMessage;
import org.openvoip.p2pp.wire.Bytes;

/**
 * A peer's relay service: a TURN server (RFC 8656) over UDP, with no I/O of its own. The runtime
 * hands it what arrives at its listening port ({@link #onClientDatagram}) and at the relayed
 * ports it opened for allocations ({@link #onPeerDatagram}), and sends what it says to ({@link
 * Output}); relayed ports come from {@link Ports}.
 *
 * <p>Served: Allocate (UDP, IPv4), Refresh (0 deletes), CreatePermission, ChannelBind, Send and
 * Data indications, ChannelData; long-term credentials (REALM, NONCE, MESSAGE-INTEGRITY keyed by
 * MD5(user:realm:password)), stale nonces (438), allocation quota (486), lifetimes (default 600
 * s, at most 3600 s), permissions (300 s) and channels (600 s), EVEN-PORT, a retransmitted
 * Allocate answered as before. Not served: TCP relaying, reserving the next port (EVEN-PORT's R
 * bit, RESERVATION-TOKEN: 508), IPv6 relayed addresses (440); DONT-FRAGMENT is ignored, as RFC
 * 8656 allows on a stack that cannot set it.
 *
 * <p>The data plane is the hot path: a ChannelData message or a datagram for a bound channel
 * costs two hash lookups and one copy of the payload into its new framing.
 */
public final class TurnServer {
  public static final int ALLOCATE = 0x003;
  public static final int REFRESH = 0x004;
  public static final int SEND = 0x006;
  public static final int DATA = 0x007;
  public static final int CREATE_PERMISSION = 0x008;
  public static final int CHANNEL_BIND = 0x009;

  public static final int CHANNEL_NUMBER = 0x000C;
  public static final int LIFETIME = 0x000D;
  public static final int XOR_PEER_ADDRESS = 0x0012;
  public static final int DATA_ATTR = 0x0013;
  public static final int REALM = 0x0014;
  public static final int NONCE = 0x0015;
  public static final int XOR_RELAYED_ADDRESS = 0x0016;
  public static final int REQUESTED_ADDRESS_FAMILY = 0x0017;
  public static final int EVEN_PORT = 0x0018;
  public static final int REQUESTED_TRANSPORT = 0x0019;
  public static final int DONT_FRAGMENT = 0x001A;
  public static final int RESERVATION_TOKEN = 0x0022;

  static final long PERMISSION_MILLIS = 300_000;
  static final long CHANNEL_MILLIS = 600_000;

  /** Relayed transport addresses, from the runtime. */
  public interface Ports {
    /**
     * A new relayed address (a socket bound for it), with an even port if {@code even}, or null
     * if none is left.
     */
    Endpoint open(boolean even);

    void close(Endpoint relayed);
  }

  /** Where the server's datagrams go. Arrays are the receiver's; never modified after. */
  public interface Output {
    /** From the listening port to a client. */
    void toClient(Endpoint client, byte[] bytes, int offset, int length);

    /** From a relayed port to a peer. */
    void toPeer(Endpoint relayed, Endpoint peer, byte[] bytes, int offset, int length);
  }

  /**
   * What a runtime with a faster data plane of its own mirrors: every change to an allocation's
   * forwarding state, on the server's thread. Times are {@link Env#now()} milliseconds. The
   * server stays the authority; datagrams the mirror cannot forward go to it as usual.
   */
  public interface DataPlane {
    void allocated(Endpoint client, Endpoint relayed);

    void permitted(Endpoint relayed, long ipv4, long untilMillis);

    void channelBound(Endpoint relayed, int channel, Endpoint peer, long untilMillis);

    void released(Endpoint client, Endpoint relayed);
  }

  private static final DataPlane NO_MIRROR = new DataPlane() {
    @Override
    public void allocated(Endpoint client, Endpoint relayed) {}

    @Override
    public void permitted(Endpoint relayed, long ipv4, long untilMillis) {}

    @Override
    public void channelBound(Endpoint relayed, int channel, Endpoint peer, long untilMillis) {}

    @Override
    public void released(Endpoint client, Endpoint relayed) {}
  };

  /**
   * @param users user name to password; empty means no authentication (an open relay: only
   *     for tests and closed networks)
   */
  public record Config(String realm, Map<String, String> users, int maxAllocations,
      int maxAllocationsPerUser, long defaultLifetimeSeconds, long maxLifetimeSeconds,
      long nonceMillis) {
    public Config {
      users = Map.copyOf(users);
    }

    public static Config of(String realm, Map<String, String> users) {
      return new Config(realm, users, 10_000, 100, 600, 3600, 3_600_000);
    }
  }

  private static final class Allocation {
    final Endpoint client;
    final Endpoint relayed;
    final String user;
    Bytes lastAllocate;
    byte[] lastAllocateAnswer;
    long expiresAt;
    Env.Timer timer;
    final Map<Long, Long> permissions = new HashMap<>();
    final Map<Integer, Endpoint> channelPeer = new HashMap<>();
    final Map<Endpoint, Integer> peerChannel = new HashMap<>();
    final Map<Integer, Long> channelExpiry = new HashMap<>();

    Allocation(Endpoint client, Endpoint relayed, String user) {
      this.client = client;
      this.relayed = relayed;
      this.user = user;
    }
  }

  private final Env env;
  private final Counters counters;
  private final Config config;
  private final Ports ports;
  private final Output out;
  private final Map<String, byte[]> keys = new HashMap<>();
  private final Map<Endpoint, Allocation> byClient = new HashMap<>();
  private final Map<Endpoint, Allocation> byRelayed = new HashMap<>();
  private final Map<String, Integer> perUser = new HashMap<>();
  private final byte[] nonceSecret = new byte[16];
  private final Counters.Counter relayedToPeer;
  private final Counters.Counter relayedToClient;
  private DataPlane mirror = NO_MIRROR;

  public TurnServer(Env env, Counters counters, Config config, Ports ports, Output out) {
    this.env = env;
    this.counters = counters;
    this.config = config;
    this.ports = ports;
    this.out = out;
    env.random().nextBytes(nonceSecret);
    for (Map.Entry<String, String> u : config.users().entrySet()) {
      keys.put(u.getKey(), longTermKey(u.getKey(), config.realm(), u.getValue()));
    }
    this.relayedToPeer = counters.counter("turn.relayed-to-peer");
    this.relayedToClient = counters.counter("turn.relayed-to-client");
  }

  /** RFC 8489 9.2.2: MD5(username ":" realm ":" password). */
  public static byte[] longTermKey(String user, String realm, String password) {
    try {
      return MessageDigest.getInstance("MD5").digest((user + ":" + realm + ":" + password)
          .getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no MD5", e);
    }
  }

  /** Mirrors every change of forwarding state to {@code plane} from now on. */
  public void mirror(DataPlane plane) {
    this.mirror = plane;
  }

  /** Allocations alive now. */
  public int allocations() {
    return byClient.size();
  }

  /** Releases every allocation (the server is stopping). */
  public void close() {
    for (Allocation a : List.copyOf(byClient.values())) {
      release(a);
    }
  }

  // --------------------------------------------------------------------------- data plane

  /** A datagram at the listening port: a STUN/TURN message or ChannelData. */
  public void onClientDatagram(byte[] b, Endpoint client) {
    if (b.length >= 4 && (b[0] & 0xC0) == 0x40) {
      channelDataFromClient(b, client);
      return;
    }
    if (!StunMessage.isStun(b)) {
      counters.increment("drop.turn.not-stun-or-channel-data");
      return;
    }
    StunMessage m;
    try {
      m = StunMessage.decode(b);
    } catch (StunMessage.MalformedStunException e) {
      counters.increment("drop.turn.malformed");
      return;
    }
    if (m.attribute(StunMessage.FINGERPRINT) != null && !StunMessage.fingerprintValid(b)) {
      counters.increment("drop.turn.bad-fingerprint");
      return;
    }
    if (m.isIndication()) {
      if (m.method() == SEND) {
        sendIndication(m, client);
      } else {
        counters.increment("drop.turn.indication");
      }
      return;
    }
    if (!m.isRequest()) {
      counters.increment("drop.turn.response");
      return;
    }
    request(m, b, client);
  }

  private void channelDataFromClient(byte[] b, Endpoint client) {
    Allocation a = byClient.get(client);
    int channel = ((b[0] & 0xFF) << 8) | (b[1] & 0xFF);
    int len = ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
    if (a == null || len > b.length - 4) {
      counters.increment(a == null ? "drop.turn.channel-data-no-allocation"
          : "drop.turn.channel-data-malformed");
      return;
    }
    Endpoint peer = a.channelPeer.get(channel);
    if (peer == null || !permitted(a, peer) || a.channelExpiry.get(channel) <= env.now()) {
      counters.increment("drop.turn.channel-unbound");
      return;
    }
    relayedToPeer.increment();
    out.toPeer(a.relayed, peer, b, 4, len);
  }

  /** A datagram from {@code peer} at the relayed address {@code relayed}. */
  public void onPeerDatagram(Endpoint relayed, Endpoint peer, byte[] b) {
    Allocation a = byRelayed.get(relayed);
    if (a == null || !permitted(a, peer)) {
      counters.increment("drop.turn.no-permission");
      return;
    }
    Integer channel = a.peerChannel.get(peer);
    if (channel != null && a.channelExpiry.get(channel) > env.now()) {
      byte[] cd = new byte[4 + b.length];
      cd[0] = (byte) (channel >>> 8);
      cd[1] = (byte) (int) channel;
      cd[2] = (byte) (b.length >>> 8);
      cd[3] = (byte) b.length;
      System.arraycopy(b, 0, cd, 4, b.length);
      relayedToClient.increment();
      out.toClient(a.client, cd, 0, cd.length);
      return;
    }
    Bytes tx = randomTx();
    byte[] ind = new StunMessage(0x0010 | DATA, tx, List.of())
        .with(XOR_PEER_ADDRESS, StunMessage.xorAddress(peer, tx))
        .with(DATA_ATTR, Bytes.of(b)).encode();
    relayedToClient.increment();
    out.toClient(a.client, ind, 0, ind.length);
  }

  private void sendIndication(StunMessage m, Endpoint client) {
    Allocation a = byClient.get(client);
    StunMessage.Attribute peerAttr = m.attribute(XOR_PEER_ADDRESS);
    StunMessage.Attribute data = m.attribute(DATA_ATTR);
    if (a == null || peerAttr == null || data == null) {
      counters.increment("drop.turn.send-indication");
      return;
    }
    Endpoint peer;
    try {
      peer = StunMessage.fromXorAddress(peerAttr.value(), m.transactionId());
    } catch (StunMessage.MalformedStunException e) {
      counters.increment("drop.turn.send-indication");
      return;
    }
    if (!permitted(a, peer)) {
      counters.increment("drop.turn.no-permission");
      return;
    }
    byte[] payload = data.value().toByteArray();
    relayedToPeer.increment();
    out.toPeer(a.relayed, peer, payload, 0, payload.length);
  }

  private boolean permitted(Allocation a, Endpoint peer) {
    Long until = a.permissions.get(peer.ipv4() >= 0 ? peer.ipv4() : peer.key());
    return until != null && until > env.now();
  }

  // -------------------------------------------------------------------------- control plane

  private void request(StunMessage m, byte[] raw, Endpoint client) {
    String user = null;
    byte[] key = null;
    if (!keys.isEmpty()) {
      StunMessage.Attribute u = m.attribute(StunMessage.USERNAME);
      StunMessage.Attribute nonce = m.attribute(NONCE);
      if (u == null || nonce == null || m.attribute(StunMessage.MESSAGE_INTEGRITY) == null) {
        counters.increment("turn.challenged");
        reply(client, challenge(m, 401, "Unauthorized"), null);
        return;
      }
      user = new String(u.value().toByteArray(), StandardCharsets.UTF_8);
      key = keys.get(user);
      if (key == null || !StunMessage.integrityValid(raw, key)) {
        counters.increment("drop.turn.bad-credentials");
        reply(client, challenge(m, 401, "Unauthorized"), null);
        return;
      }
      if (!nonceFresh(nonce.value())) {
        counters.increment("turn.stale-nonce");
        reply(client, challenge(m, 438, "Stale Nonce"), null);
        return;
      }
    }
    switch (m.method()) {
      case ALLOCATE -> allocate(m, client, user, key);
      case REFRESH -> refresh(m, client, key);
      case CREATE_PERMISSION -> createPermission(m, client, key);
      case CHANNEL_BIND -> channelBind(m, client, key);
      case 0x001 -> reply(client, m.reply(0x0101).with(StunMessage.XOR_MAPPED_ADDRESS,
          StunMessage.xorAddress(client, m.transactionId())), key);
      default -> reply(client, error(m, 400, "unknown method"), key);
    }
  }

  private void allocate(StunMessage m, Endpoint client, String user, byte[] key) {
    Allocation a = byClient.get(client);
    if (a != null) {
      if (m.transactionId().equals(a.lastAllocate)) {
        out.toClient(client, a.lastAllocateAnswer, 0, a.lastAllocateAnswer.length);
      } else {
        reply(client, error(m, 437, "Allocation Mismatch"), key);
      }
      return;
    }
    StunMessage.Attribute t = m.attribute(REQUESTED_TRANSPORT);
    if (t == null || t.value().length() != 4) {
      reply(client, error(m, 400, "REQUESTED-TRANSPORT is missing"), key);
      return;
    }
    if ((t.value().get(0) & 0xFF) != 17) {
      reply(client, error(m, 442, "Unsupported Transport Protocol"), key);
      return;
    }
    StunMessage.Attribute even = m.attribute(EVEN_PORT);
    if (m.attribute(RESERVATION_TOKEN) != null
        || even != null && even.value().length() >= 1 && (even.value().get(0) & 0x80) != 0) {
      // Reserving the next port for a later allocation is not served (RFC 8656 allows 508).
      reply(client, error(m, 508, "port reservation is not served"), key);
      return;
    }
    StunMessage.Attribute family = m.attribute(REQUESTED_ADDRESS_FAMILY);
    if (family != null && family.value().length() == 4 && family.value().get(0) != 1) {
      reply(client, error(m, 440, "Address Family not Supported"), key);
      return;
    }
    if (byClient.size() >= config.maxAllocations()
        || user != null && perUser.getOrDefault(user, 0) >= config.maxAllocationsPerUser()) {
      counters.increment("turn.quota-reached");
      reply(client, error(m, 486, "Allocation Quota Reached"), key);
      return;
    }
    Endpoint relayed = ports.open(even != null);
    if (relayed == null) {
      counters.increment("turn.no-relay-port");
      reply(client, error(m, 508, "Insufficient Capacity"), key);
      return;
    }
    a = new Allocation(client, relayed, user);
    byClient.put(client, a);
    byRelayed.put(relayed, a);
    mirror.allocated(client, relayed);
    if (user != null) {
      perUser.merge(user, 1, Integer::sum);
    }
    long lifetime = lifetime(m);
    schedule(a, lifetime);
    counters.increment("turn.allocations");
    StunMessage ok = m.reply(0x0103)
        .with(XOR_RELAYED_ADDRESS, StunMessage.xorAddress(relayed, m.transactionId()))
        .with(LIFETIME, u32(lifetime))
        .with(StunMessage.XOR_MAPPED_ADDRESS, StunMessage.xorAddress(client, m.transactionId()));
    a.lastAllocate = m.transactionId();
    a.lastAllocateAnswer = finish(ok, key);
    out.toClient(client, a.lastAllocateAnswer, 0, a.lastAllocateAnswer.length);
  }

  private long lifetime(StunMessage m) {
    StunMessage.Attribute l = m.attribute(LIFETIME);
    long asked = l == null || l.value().length() != 4 ? config.defaultLifetimeSeconds()
        : readU32(l.value());
    // RFC 8656 7.2: the smaller of asked and the maximum, but never below the default.
    return Math.max(config.defaultLifetimeSeconds(), Math.min(asked, config.maxLifetimeSeconds()));
  }

  private void refresh(StunMessage m, Endpoint client, byte[] key) {
    Allocation a = byClient.get(client);
    if (a == null) {
      reply(client, error(m, 437, "Allocation Mismatch"), key);
      return;
    }
    StunMessage.Attribute l = m.attribute(LIFETIME);
    long asked = l == null || l.value().length() != 4 ? config.defaultLifetimeSeconds()
        : readU32(l.value());
    long granted = asked == 0 ? 0 : Math.min(config.maxLifetimeSeconds(), asked);
    if (granted == 0) {
      release(a);
    } else {
      schedule(a, granted);
    }
    counters.increment("turn.refreshes");
    reply(client, m.reply(0x0104).with(LIFETIME, u32(granted)), key);
  }

  private void createPermission(StunMessage m, Endpoint client, byte[] key) {
    Allocation a = byClient.get(client);
    if (a == null) {
      reply(client, error(m, 437, "Allocation Mismatch"), key);
      return;
    }
    int n = 0;
    for (StunMessage.Attribute at : m.attributes()) {
      if (at.type() != XOR_PEER_ADDRESS) {
        continue;
      }
      Endpoint peer;
      try {
        peer = StunMessage.fromXorAddress(at.value(), m.transactionId());
      } catch (StunMessage.MalformedStunException e) {
        reply(client, error(m, 400, "a bad XOR-PEER-ADDRESS"), key);
        return;
      }
      if (peer.ipv4() < 0) {
        reply(client, error(m, 443, "Peer Address Family Mismatch"), key);
        return;
      }
      a.permissions.put(peer.ipv4(), env.now() + PERMISSION_MILLIS);
      mirror.permitted(a.relayed, peer.ipv4(), env.now() + PERMISSION_MILLIS);
      n++;
    }
    if (n == 0) {
      reply(client, error(m, 400, "no XOR-PEER-ADDRESS"), key);
      return;
    }
    counters.increment("turn.permissions");
    reply(client, m.reply(0x0108), key);
  }

  private void channelBind(StunMessage m, Endpoint client, byte[] key) {
    Allocation a = byClient.get(client);
    if (a == null) {
      reply(client, error(m, 437, "Allocation Mismatch"), key);
      return;
    }
    StunMessage.Attribute c = m.attribute(CHANNEL_NUMBER);
    StunMessage.Attribute p = m.attribute(XOR_PEER_ADDRESS);
    if (c == null || p == null || c.value().length() != 4) {
      reply(client, error(m, 400, "ChannelBind needs CHANNEL-NUMBER and XOR-PEER-ADDRESS"), key);
      return;
    }
    int channel = ((c.value().get(0) & 0xFF) << 8) | (c.value().get(1) & 0xFF);
    Endpoint peer;
    try {
      peer = StunMessage.fromXorAddress(p.value(), m.transactionId());
    } catch (StunMessage.MalformedStunException e) {
      reply(client, error(m, 400, "a bad XOR-PEER-ADDRESS"), key);
      return;
    }
    Endpoint bound = a.channelPeer.get(channel);
    Integer other = a.peerChannel.get(peer);
    // RFC 8656 narrowed channels to 0x4000-0x4FFF; clients of RFC 5766 still use up to 0x7FFE.
    if (channel < 0x4000 || channel > 0x7FFE || bound != null && !bound.equals(peer)
        || other != null && other != channel || peer.ipv4() < 0) {
      reply(client, error(m, 400, "channel " + Integer.toHexString(channel)
          + " is out of range or bound otherwise"), key);
      return;
    }
    a.channelPeer.put(channel, peer);
    a.peerChannel.put(peer, channel);
    a.channelExpiry.put(channel, env.now() + CHANNEL_MILLIS);
    a.permissions.put(peer.ipv4(), env.now() + PERMISSION_MILLIS);
    mirror.permitted(a.relayed, peer.ipv4(), env.now() + PERMISSION_MILLIS);
    mirror.channelBound(a.relayed, channel, peer, env.now() + CHANNEL_MILLIS);
    counters.increment("turn.channels");
    reply(client, m.reply(0x0109), key);
  }

  private void schedule(Allocation a, long seconds) {
    if (a.timer != null) {
      a.timer.cancel();
    }
    a.expiresAt = env.now() + seconds * 1000;
    a.timer = env.schedule(seconds * 1000, () -> {
      if (byClient.get(a.client) == a && env.now() >= a.expiresAt) {
        counters.increment("turn.expired");
        release(a);
      }
    });
  }

  private void release(Allocation a) {
    if (byClient.remove(a.client, a)) {
      byRelayed.remove(a.relayed);
      if (a.user != null) {
        perUser.merge(a.user, -1, Integer::sum);
      }
      if (a.timer != null) {
        a.timer.cancel();
      }
      mirror.released(a.client, a.relayed);
      ports.close(a.relayed);
    }
  }

  // ------------------------------------------------------------------------------ plumbing

  /** A nonce: issue time and an HMAC of it, so any later request can be checked statelessly. */
  private Bytes newNonce() {
    long t = env.now();
    String s = Long.toHexString(t) + "-" + mac(t);
    return StunMessage.text(s);
  }

  private boolean nonceFresh(Bytes nonce) {
    String s = new String(nonce.toByteArray(), StandardCharsets.UTF_8);
    int dash = s.indexOf('-');
    if (dash <= 0) {
      return false;
    }
    try {
      long t = Long.parseLong(s.substring(0, dash), 16);
      return s.substring(dash + 1).equals(mac(t)) && env.now() - t < config.nonceMillis();
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private String mac(long t) {
    try {
      javax.crypto.Mac h = javax.crypto.Mac.getInstance("HmacSHA256");
      h.init(new javax.crypto.spec.SecretKeySpec(nonceSecret, "HmacSHA256"));
      byte[] d = h.doFinal(Long.toString(t).getBytes(StandardCharsets.US_ASCII));
      return java.util.HexFormat.of().formatHex(d, 0, 12);
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("this JVM lacks HmacSHA256", e);
    }
  }

  private StunMessage challenge(StunMessage m, int code, String reason) {
    return error(m, code, reason).with(REALM, StunMessage.text(config.realm()))
        .with(NONCE, newNonce());
  }

  private static StunMessage error(StunMessage m, int code, String reason) {
    return m.errorReply(code, reason);
  }

  private byte[] finish(StunMessage m, byte[] key) {
    StunMessage s = m.with(StunMessage.SOFTWARE, StunMessage.text("OpenVoIP relay"));
    if (key != null) {
      s = s.withIntegrity(key);
    }
    return s.withFingerprint().encode();
  }

  private void reply(Endpoint client, StunMessage m, byte[] key) {
    byte[] b = finish(m, key);
    out.toClient(client, b, 0, b.length);
  }

  private Bytes randomTx() {
    byte[] t = new byte[12];
    env.random().nextBytes(t);
    return Bytes.of(t);
  }

  private static Bytes u32(long v) {
    return Bytes.of((byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v);
  }

  /** A 32-bit attribute value (LIFETIME), unsigned. */
  static long readU32(Bytes b) {
    return ((b.get(0) & 0xFFL) << 24) | ((b.get(1) & 0xFF) << 16) | ((b.get(2) & 0xFF) << 8)
        | (b.get(3) & 0xFF);
  }
}
