package org.openvoip.sim;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import java.util.zip.CRC32C;
import org.openvoip.p2pp.env.Endpoint;
import org.openvoip.p2pp.env.PacketReceiver;
import org.openvoip.p2pp.env.Env;
import org.openvoip.p2pp.env.TimerTask;
import org.openvoip.p2pp.env.Transport;
import org.openvoip.p2pp.wire.IpAddress;
import org.openvoip.p2pp.wire.Message;
import org.openvoip.p2pp.wire.WireDecoder;

/**
 * The simulated network: nodes numbered from 0, each with a synthetic address (100.64.0.0 plus
 * its number, port 7080; simulated only, never on a real socket) and an {@link Env} on the
 * shared {@link Simulator}. A packet arrives after the {@link LatencyModel}'s one-way latency
 * (rounded to whole milliseconds, at least 1). Datagrams are lost with the configured
 * probability; streams (TCP, TLS) are not, and their connection set-up is not modelled. Packets
 * to or from an offline node are lost.
 *
 * <p>Every packet is counted per node (bytes and packets sent, received and lost) and folded into
 * a 64-bit fingerprint of the trace, so that two runs can be compared: same seed, same
 * fingerprint.
 */
public final class SimNetwork {
  private static final int BASE = (100 << 24) | (64 << 16);
  /** Private addresses of nodes behind NATs: 10.0.0.0 plus the node's number. */
  private static final int PRIVATE_BASE = 10 << 24;
  /** Public addresses of NAT boxes: 11.0.0.0 plus the box's number (simulated only). */
  private static final int NAT_BASE = 11 << 24;
  public static final int PORT = 7080;

  private final Simulator sim;
  private final LatencyModel latency;
  private final double lossRate;
  private final long seed;
  private final SplittableRandom lossRandom;
  /**
   * One object per node with everything a packet to or from it touches: a packet in flight
   * holds its destination's slot, so delivering it reads one object, not five arrays.
   */
  private Slot[] slots = new Slot[16];
  private int size;
  private long packetsSent;
  private long packetsLost;
  private long packetsWithMessage;
  private long fingerprint = 0x0905EED5L;
  /** By ID length: the decoder every node of this network uses (see {@link #sharedDecoder}). */
  private final WireDecoder[] decoders = new WireDecoder[256];
  /** Whether receivers decode every packet rather than take the message it was encoded from. */
  private boolean decodeEveryPacket;
  private final java.util.List<NatBox> boxes = new java.util.ArrayList<>();
  private long packetsFiltered;

  private static final class Slot {
    final int node;
    final Endpoint endpoint;
    /** The NAT in front of the node, or null for a node with a public address. */
    final NatBox nat;
    PacketReceiver receiver;
    boolean online = true;
    long bytesSent;
    long bytesReceived;
    /** Until when (virtual microseconds) the node's CPU is busy with cryptography. */
    long busyUntilMicros;
    Env env;

    Slot(int node, Endpoint endpoint, NatBox nat, PacketReceiver receiver) {
      this.node = node;
      this.endpoint = endpoint;
      this.nat = nat;
      this.receiver = receiver;
    }
  }

  /**
   * @param lossRate probability that a datagram is lost, 0 to 1
   * @param seed drives the loss decisions and each node's {@link Env#random()}
   */
  public SimNetwork(Simulator sim, LatencyModel latency, double lossRate, long seed) {
    if (lossRate < 0 || lossRate > 1) {
      throw new IllegalArgumentException("loss rate must be in 0..1, not " + lossRate);
    }
    this.sim = sim;
    this.latency = latency;
    this.lossRate = lossRate;
    this.seed = seed;
    this.lossRandom = new SplittableRandom(seed);
  }

  /** Adds an online node with a public address and returns its number. */
  public int addNode(PacketReceiver receiver) {
    return addNode(receiver, null);
  }

  /**
   * Adds an online node behind {@code nat} (null: with a public address) and returns its
   * number. A node behind a NAT has a private address (10.0.0.0 plus its number), which only
   * nodes behind the same NAT reach; others reach it at a mapping of its NAT, once it has one.
   */
  public int addNode(PacketReceiver receiver, NatBox nat) {
    int n = size;
    if (n == slots.length) {
      slots = Arrays.copyOf(slots, n * 2);
    }
    if (nat != null && (nat.index() >= boxes.size() || boxes.get(nat.index()) != nat)) {
      throw new IllegalArgumentException(nat + " is not of this network");
    }
    Slot slot = new Slot(n, address(n, nat != null), nat, receiver);
    slot.env = newEnv(slot);
    slots[n] = slot;
    size++;
    return n;
  }

  /**
   * By default a packet reaches its receiver with the message its sender encoded it from
   * ({@link PacketReceiver#onPacket}), and a transaction layer takes that message instead of
   * decoding the bytes, where its decoder would give the same. With this on, every packet is
   * decoded, as on a real network: the run is the same to the byte (the same trace fingerprint),
   * only slower. For checking exactly that, and for exercising the decoder under load.
   */
  public void decodeEveryPacket(boolean on) {
    decodeEveryPacket = on;
  }

  public void receiver(int node, PacketReceiver receiver) {
    slots[node].receiver = receiver;
  }

  /** Takes a node off the network or brings it back (churn). */
  public void setOnline(int node, boolean up) {
    slots[node].online = up;
  }

  public int size() {
    return size;
  }

  /**
   * A NAT box that nodes can be put behind ({@link #addNode(PacketReceiver, NatBox)}), with a
   * public address of its own.
   *
   * @param hairpin whether a node behind it reaches another behind it at its public mapping
   * @param timeoutMillis how long a mapping lives without outbound traffic
   */
  public NatBox addNat(NatBox.Kind kind, boolean hairpin, long timeoutMillis) {
    NatBox box = new NatBox(boxes.size(), ipv4(NAT_BASE + boxes.size()), kind, hairpin,
        timeoutMillis);
    boxes.add(box);
    return box;
  }

  /** The NAT in front of {@code node}, or null. */
  public NatBox nat(int node) {
    return slots[node].nat;
  }

  /** Packets from outside that a NAT did not let in. */
  public long packetsFiltered() {
    return packetsFiltered;
  }

  /** The node's own address: public, or private behind a NAT (what its sockets see). */
  public Endpoint endpoint(int node) {
    return node < size ? slots[node].endpoint : address(node, false);
  }

  private static Endpoint address(int node, boolean behindNat) {
    return new Endpoint(ipv4((behindNat ? PRIVATE_BASE : BASE) + node), PORT);
  }

  private static IpAddress ipv4(int a) {
    return IpAddress.of((byte) (a >>> 24), (byte) (a >>> 16), (byte) (a >>> 8), (byte) a);
  }

  /** The node whose own address is {@code e} (public or private), or -1 if none. */
  public int node(Endpoint e) {
    long ip = e.ipv4();
    if (e.port() != PORT || ip < 0) {
      return -1;
    }
    long n = ip - (BASE & 0xFFFF_FFFFL);
    if (n < 0 || n >= size) {
      n = ip - PRIVATE_BASE;
      return n >= 0 && n < size && slots[(int) n].nat != null ? (int) n : -1;
    }
    return slots[(int) n].nat == null ? (int) n : -1;
  }

  /** The NAT box whose public address is {@code ip}, or null. */
  private NatBox boxAt(long ip) {
    long b = ip - NAT_BASE;
    return b >= 0 && b < boxes.size() ? boxes.get((int) b) : null;
  }

  /** The environment of node {@code node}: the simulator's clock and a generator of its own. */
  public Env env(int node) {
    return slots[node].env;
  }

  /**
   * The calendar date of virtual time 0, 2026-11-28T00:00:00Z: fixed, so that certificate
   * validity and signed storage times replay exactly.
   */
  public static final long EPOCH_MILLIS = 1_795_824_000_000L;

  private Env newEnv(Slot slot) {
    RandomGenerator random = new SplittableRandom(seed * 31 + slot.node * 0x9E3779B97F4A7C15L);
    return new Env() {
      @Override
      public long now() {
        return sim.now();
      }

      @Override
      public long epochMillis() {
        return EPOCH_MILLIS + sim.now();
      }

      @Override
      public Timer schedule(long delayMillis, Runnable task) {
        return sim.schedule(delayMillis, task);
      }

      @Override
      public Timer schedule(long delayMillis, TimerTask task) {
        return sim.schedule(delayMillis, task);
      }

      @Override
      public RandomGenerator random() {
        return random;
      }

      @Override
      public void send(Transport transport, Endpoint destination, byte[] bytes) {
        transmit(slot, transport, destination, bytes, null);
      }

      @Override
      public void send(Transport transport, Endpoint destination, byte[] bytes,
          Message message) {
        transmit(slot, transport, destination, bytes, decodeEveryPacket ? null : message);
      }

      @Override
      public WireDecoder decoder(int idLength) {
        return sharedDecoder(idLength);
      }

      @Override
      public void compute(long micros) {
        slot.busyUntilMicros = Math.max(sim.now() * 1000, slot.busyUntilMicros) + micros;
      }
    };
  }

  /**
   * One decoder for every node of this network, since all run on the simulator's thread: a
   * Peer-Info, ID or table that many nodes receive is decoded to one shared object.
   */
  private WireDecoder sharedDecoder(int idLength) {
    WireDecoder d = idLength > 0 && idLength < decoders.length ? decoders[idLength] : null;
    if (d == null) {
      d = WireDecoder.forIdLength(idLength).withSharing(4096);
      decoders[idLength] = d;
    }
    return d;
  }

  private void transmit(Slot src, Transport transport, Endpoint destination, byte[] bytes,
      Message message) {
    if (!boxes.isEmpty()) {
      transmitWithNats(src, transport, destination, bytes, message);
      return;
    }
    packetsSent++;
    src.bytesSent += bytes.length;
    int to = node(destination);
    Slot dst = to < 0 ? null : slots[to];
    if (!survives(src, transport, bytes, to, dst == null || !dst.online)) {
      return;
    }
    // No copy: senders and receivers never modify a sent array (Env#send).
    sim.schedule(delayMillis(src, to), new Delivery(bytes, message, transport, src.endpoint,
        dst));
  }

  /**
   * Whether a packet from {@code src} toward {@code toKey} (a node's number, or a NAT's as -2
   * minus its index) is lost, folded into the trace's fingerprint; lost ones are counted.
   */
  private boolean survives(Slot src, Transport transport, byte[] bytes, long toKey,
      boolean unreachable) {
    boolean lost = unreachable || !src.online
        || (!transport.reliable() && lossRate > 0 && lossRandom.nextDouble() < lossRate);
    fingerprint = mix(fingerprint ^ sim.now() ^ ((long) src.node << 20) ^ (toKey << 42)
        ^ transport.ordinal() ^ packetHash(bytes) * 0xFF51AFD7ED558CCDL ^ (lost ? 1 : 0));
    if (lost) {
      packetsLost++;
    }
    return !lost;
  }

  /**
   * The latency from {@code src} to node {@code to}. A node busy with cryptography
   * (Env#compute) sends when it is done; what arrives at a busy node is handled at once (the
   * queue in front of its CPU is not modelled).
   */
  private long delayMillis(Slot src, int to) {
    long busy = src.busyUntilMicros - sim.now() * 1000;
    double cpu = busy > 0 ? busy / 1000.0 : 0;
    return Math.max(1, Math.round(latency.oneWayMillis(src.node, to) + cpu));
  }

  /**
   * {@link #transmit} once the network has NATs. A packet from behind a NAT leaves with the
   * public source its mapping gives; one to a NAT's public address is let in, or not, when it
   * arrives. A node behind a NAT reaches another behind the same NAT at its private address,
   * and at its public mapping only through a hairpinning NAT. Private addresses are not
   * reachable from elsewhere.
   */
  private void transmitWithNats(Slot src, Transport transport, Endpoint destination,
      byte[] bytes, Message message) {
    packetsSent++;
    src.bytesSent += bytes.length;
    long ip = destination.ipv4();
    NatBox box = ip < 0 ? null : boxAt(ip);
    int to = box != null ? -1 : node(destination);
    Slot dst = to < 0 ? null : slots[to];
    Endpoint source = src.endpoint;
    if (src.nat != null && !(dst != null && dst.nat == src.nat)) {
      source = src.nat.outbound(src.node, src.endpoint, destination, sim.now());
    }
    boolean unreachable = box == null
        ? dst == null || (dst.nat != null && dst.nat != src.nat)
        : box == src.nat && !box.hairpin();
    if (!survives(src, transport, bytes, box != null ? -2 - box.index() : to, unreachable)) {
      return;
    }
    // Through a NAT the latency is that of the two nodes' places, whatever the NAT decides.
    long delay = delayMillis(src, box != null
        ? Math.max(0, nodeBehind(box, destination.port(), src.node)) : to);
    Delivery d = new Delivery(bytes, message, transport, source, dst);
    d.box = box;
    d.port = destination.port();
    sim.schedule(delay, d);
  }

  /**
   * For latency only: the node a packet to {@code box}'s {@code port} would reach if let in, or
   * the sender's own number if the port maps to no one (the packet will be dropped anyway).
   */
  private int nodeBehind(NatBox box, int port, int sender) {
    int n = box.peek(port);
    return n < 0 ? sender : n;
  }

  /** A packet in flight: the event of its arrival. */
  private final class Delivery extends TimerTask {
    final byte[] bytes;
    /** What the sender encoded {@link #bytes} from, or null. */
    final Message message;
    final Transport transport;
    final Endpoint source;
    final Slot to;
    /** For a packet to a NAT's public address: the NAT, which decides on arrival; else null. */
    NatBox box;
    int port;

    Delivery(byte[] bytes, Message message, Transport transport, Endpoint source, Slot to) {
      this.bytes = bytes;
      this.message = message;
      this.transport = transport;
      this.source = source;
      this.to = to;
    }

    @Override
    public void run() {
      Slot dst = to;
      if (box != null) {
        int n = box.inbound(source, port, sim.now());
        if (n < 0) {
          packetsFiltered++;
          packetsLost++;
          return;
        }
        dst = slots[n];
      }
      if (!dst.online) {
        packetsLost++;
        return;
      }
      dst.bytesReceived += bytes.length;
      if (message != null) {
        packetsWithMessage++;
      }
      dst.receiver.onPacket(bytes, message, transport, source);
    }
  }

  public long bytesSent(int node) {
    return slots[node].bytesSent;
  }

  public long bytesReceived(int node) {
    return slots[node].bytesReceived;
  }

  public long packetsSent() {
    return packetsSent;
  }

  public long packetsLost() {
    return packetsLost;
  }

  /** Packets delivered with the message they were encoded from ({@link #decodeEveryPacket}). */
  public long packetsWithMessage() {
    return packetsWithMessage;
  }

  /** A 64-bit digest of every packet so far: time, endpoints, transport, content, fate. */
  public long fingerprint() {
    return fingerprint;
  }

  /** Every packet's content goes into the fingerprint through this; reset for each packet. */
  private final CRC32C crc = new CRC32C();

  /**
   * The CRC-32C of a packet and its length: a machine instruction eight bytes at a time on
   * processors that have it (the JVM's intrinsic), and the same function everywhere, so
   * fingerprints agree across machines. Two different packets collide with odds of 2^-32,
   * and the fingerprint folds in every packet's time, ends and fate besides.
   */
  private long packetHash(byte[] bytes) {
    crc.reset();
    crc.update(bytes, 0, bytes.length);
    return crc.getValue() | ((long) bytes.length << 32);
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
