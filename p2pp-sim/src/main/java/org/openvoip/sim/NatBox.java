package org.openvoip.sim;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.openvoip.p2pp.env.Endpoint;
import org.openvoip.p2pp.wire.IpAddress;

/**
 * A simulated NAT: one public IPv4 address in front of one or more nodes' private addresses, with
 * the mapping and filtering behaviour of its {@link Kind} (RFC 4787's terms), mapping timeouts and,
 * if it has it, hairpinning. The {@link SimNetwork} passes every packet that leaves or enters it
 * through {@link #outbound} and {@link #inbound}: a mapping is made or refreshed when a node sends
 * (when the packet leaves), and a packet from outside is let in or dropped when it arrives.
 *
 * <p>Simplifications, each stated: a mapping's permissions live as long as the mapping; only
 * outbound packets refresh a mapping (RFC 4787 REQ-6 makes inbound refresh optional); public
 * ports are handed out in order from 20000, never preserving the private port; TCP is mapped like
 * UDP (the simulator has no connection set-up).
 */
public final class NatBox {

  /** The four classic NAT types, as mapping plus filtering behaviour. */
  public enum Kind {
    /** Endpoint-independent mapping and filtering: anyone may send to a mapped address. */
    FULL_CONE("full-cone"),
    /** Endpoint-independent mapping; only addresses sent to may send back (any port). */
    ADDRESS_RESTRICTED("address-restricted"),
    /** Endpoint-independent mapping; only the exact address and port sent to may answer. */
    PORT_RESTRICTED("port-restricted"),
    /** A new mapping per destination address and port, filtered as port-restricted. */
    SYMMETRIC("symmetric");

    private final String label;

    Kind(String label) {
      this.label = label;
    }

    /** The name used on the command line and in reports. */
    public String label() {
      return label;
    }

    public static Kind ofLabel(String s) {
      for (Kind k : values()) {
        if (k.label.equals(s)) {
          return k;
        }
      }
      throw new IllegalArgumentException("no NAT kind \"" + s + "\"; the kinds are full-cone,"
          + " address-restricted, port-restricted and symmetric");
    }
  }

  /** RFC 4787 REQ-5: a UDP mapping lasts at least two minutes without traffic. */
  public static final long DEFAULT_TIMEOUT_MILLIS = 120_000;
  private static final int FIRST_PORT = 20_000;

  private final int index;
  private final Kind kind;
  private final boolean hairpin;
  private final long timeoutMillis;
  private final IpAddress publicAddress;
  private final Map<Long, Mapping> byFlow = new HashMap<>();
  private final Map<Integer, Mapping> byPort = new HashMap<>();
  private int nextPort = FIRST_PORT;
  private long mappingsCreated;
  private long mappingsExpired;
  private long filtered;

  /** One public port: who it belongs to, whom it lets in, when it was last used going out. */
  private static final class Mapping {
    final long flow;
    final int node;
    final Endpoint publicEndpoint;
    final Set<Long> permitted = new HashSet<>();
    long lastOutbound;

    Mapping(long flow, int node, Endpoint publicEndpoint) {
      this.flow = flow;
      this.node = node;
      this.publicEndpoint = publicEndpoint;
    }
  }

  NatBox(int index, IpAddress publicAddress, Kind kind, boolean hairpin, long timeoutMillis) {
    if (timeoutMillis <= 0) {
      throw new IllegalArgumentException("a mapping timeout is positive, not " + timeoutMillis);
    }
    this.index = index;
    this.publicAddress = publicAddress;
    this.kind = kind;
    this.hairpin = hairpin;
    this.timeoutMillis = timeoutMillis;
  }

  public int index() {
    return index;
  }

  public Kind kind() {
    return kind;
  }

  public boolean hairpin() {
    return hairpin;
  }

  public IpAddress publicAddress() {
    return publicAddress;
  }

  /** Mappings made so far (a symmetric NAT makes one per destination). */
  public long mappingsCreated() {
    return mappingsCreated;
  }

  /** Mappings dropped for having been idle longer than the timeout. */
  public long mappingsExpired() {
    return mappingsExpired;
  }

  /** Packets from outside that no mapping let in. */
  public long filtered() {
    return filtered;
  }

  /** Mappings alive now (expired ones are removed when next looked at). */
  public int mappings() {
    return byPort.size();
  }

  /**
   * A packet leaves node {@code node} (private address {@code from}) for {@code to}: the public
   * source address it leaves with. Makes or refreshes the mapping and opens the filter for
   * {@code to}.
   */
  Endpoint outbound(int node, Endpoint from, Endpoint to, long now) {
    long flow = kind == Kind.SYMMETRIC ? pair(from.key(), to.key()) : from.key();
    Mapping m = byFlow.get(flow);
    if (m != null && now - m.lastOutbound > timeoutMillis) {
      expire(m);
      m = null;
    }
    if (m == null) {
      int port = allocatePort(now);
      m = new Mapping(flow, node, new Endpoint(publicAddress, port));
      byFlow.put(flow, m);
      byPort.put(port, m);
      mappingsCreated++;
    }
    m.lastOutbound = now;
    switch (kind) {
      case FULL_CONE -> { }
      case ADDRESS_RESTRICTED -> m.permitted.add(to.ipv4());
      case PORT_RESTRICTED, SYMMETRIC -> m.permitted.add(to.key());
    }
    return m.publicEndpoint;
  }

  /**
   * A packet from {@code from} arrives at public port {@code port}: the node it goes to, or -1
   * if no live mapping lets it in (counted).
   */
  int inbound(Endpoint from, int port, long now) {
    Mapping m = byPort.get(port);
    if (m != null && now - m.lastOutbound > timeoutMillis) {
      expire(m);
      m = null;
    }
    boolean allowed = m != null && switch (kind) {
      case FULL_CONE -> true;
      case ADDRESS_RESTRICTED -> m.permitted.contains(from.ipv4());
      case PORT_RESTRICTED, SYMMETRIC -> m.permitted.contains(from.key());
    };
    if (!allowed) {
      filtered++;
      return -1;
    }
    return m.node;
  }

  /** One 64-bit key for a (source, destination) pair; a collision has odds of 2^-64. */
  private static long pair(long a, long b) {
    long z = a * 0x9E3779B97F4A7C15L ^ b;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31) ^ b;
  }

  /** The node behind public port {@code port}, alive or not, without touching anything; or -1. */
  int peek(int port) {
    Mapping m = byPort.get(port);
    return m == null ? -1 : m.node;
  }

  private void expire(Mapping m) {
    byFlow.remove(m.flow);
    byPort.remove(m.publicEndpoint.port());
    mappingsExpired++;
  }

  private int allocatePort(long now) {
    for (int tries = 0; tries < 65_536 - FIRST_PORT; tries++) {
      int p = nextPort;
      nextPort = nextPort == 65_535 ? FIRST_PORT : nextPort + 1;
      Mapping old = byPort.get(p);
      if (old == null) {
        return p;
      }
      if (now - old.lastOutbound > timeoutMillis) {
        expire(old);
        return p;
      }
    }
    throw new IllegalStateException("NAT " + publicAddress + " has no free public port");
  }

  @Override
  public String toString() {
    return kind.label() + " NAT " + publicAddress + (hairpin ? " (hairpinning)" : "");
  }
}
