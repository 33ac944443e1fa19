package org.openvoip.p2pp.node;

import org.openvoip.p2pp.transaction.TransactionConfig;
import org.openvoip.p2pp.wire.Bytes;
import org.openvoip.p2pp.wire.WireObject.P2pOptions;

/**
 * The overlay configuration every node of one overlay shares: algorithm, ID length, timers and
 * limits. The defaults are the draft's reference values (section 4.9.1) where it has them.
 *
 * @param algorithm overlay plugin name ("chord")
 * @param idLength bytes in peer- and resource-IDs (20: SHA-1)
 * @param transactions transaction-layer timers (T0, T2, T3) and the datagram limit
 * @param keepAliveMillis KAT: how often a peer checks its neighbours are alive
 * @param routingMaintenanceMillis RMT: routing-table refresh period (Chord: fix-fingers)
 * @param neighborMaintenanceMillis NMT: neighbour-table refresh period (Chord: stabilize)
 * @param replicationMillis RT: how often a peer checks its objects' replicas
 * @param successors neighbour-table size (Chord: successor-list length)
 * @param replicas copies of each object, the responsible peer's included (r), or 0 for the
 *     overlay's own default (OverlayProvider.defaultReplicas: 3, and k for Kademlia, which stores
 *     at its k closest nodes). The overlay sets the upper bound (OverlayProvider.checkReplicas):
 *     successors + 1 for Chord, k for Kademlia, leafSetSize / 2 + 1 for Bamboo
 * @param parallelism alpha: lookup paths followed in parallel (1 = sequential)
 * @param bucketSize k: peers per bucket (Kademlia's k-buckets, the replacement cache alike)
 * @param digitBits b: bits per digit of prefix routing (Bamboo: rows of 2^b entries)
 * @param leafSetSize Bamboo's leaf set: this many nearest peers, half on each side
 * @param recursive default routing mode of this node's requests (R flag)
 * @param ttl initial TTL of routed requests; a peer that gets one with TTL 0 answers 410
 * @param lookupTimeoutMillis how long a lookup may take in all before it fails with 418
 * @param hopTimeoutMillis how long a hop with no RTT estimate gets before a lookup tries
 *     another; hops with an estimate get max(minHopTimeoutMillis, SRTT + 4 RTTVAR)
 * @param minHopTimeoutMillis the floor for RTT-derived hop timeouts
 * @param maxLifetimeSeconds the longest lifetime a stored object is granted
 */
public record OverlayConfig(
    String algorithm,
    int idLength,
    TransactionConfig transactions,
    long keepAliveMillis,
    long routingMaintenanceMillis,
    long neighborMaintenanceMillis,
    long replicationMillis,
    int successors,
    int replicas,
    int parallelism,
    int bucketSize,
    int digitBits,
    int leafSetSize,
    boolean recursive,
    int ttl,
    long lookupTimeoutMillis,
    long hopTimeoutMillis,
    long minHopTimeoutMillis,
    long maxLifetimeSeconds) {

  public static final OverlayConfig DEFAULTS = new OverlayConfig("chord", 20,
      TransactionConfig.DEFAULTS, 10_000, 30_000, 30_000, 30_000, 4, 0, 3, 20, 4, 16, false, 32,
      10_000, 1_000, 300, 86_400);

  public OverlayConfig {
    if (algorithm == null || algorithm.isBlank()) {
      throw new IllegalArgumentException("the overlay needs an algorithm name");
    }
    if (idLength < 4 || idLength > 64) {
      throw new IllegalArgumentException("ID length must be 4..64 bytes, not " + idLength);
    }
    if (keepAliveMillis <= 0 || routingMaintenanceMillis <= 0 || neighborMaintenanceMillis <= 0
        || replicationMillis <= 0) {
      throw new IllegalArgumentException("maintenance periods must be positive");
    }
    if (successors < 1) {
      throw new IllegalArgumentException("need at least 1 successor, not " + successors);
    }
    if (replicas < 0) {
      // 0 is the overlay's default; the upper bound is the overlay's too
      // (OverlayProvider.checkReplicas).
      throw new IllegalArgumentException("need at least 1 replica (0: the overlay's default), not "
          + replicas);
    }
    if (parallelism < 1 || parallelism > 16) {
      throw new IllegalArgumentException("parallelism (alpha) must be 1..16");
    }
    if (digitBits < 1 || digitBits > 7) {
      // P2P-Options carries the base 2^b in one byte.
      throw new IllegalArgumentException("bits per digit (b) must be 1..7, not " + digitBits);
    }
    if (leafSetSize < 2 || leafSetSize > 64 || leafSetSize % 2 != 0) {
      throw new IllegalArgumentException("the leaf set size must be even, 2..64, not "
          + leafSetSize);
    }
    if (bucketSize < 1 || bucketSize > 255) {
      throw new IllegalArgumentException("bucket size (k) must be 1..255, not " + bucketSize);
    }
    if (ttl < 1 || ttl > 255) {
      throw new IllegalArgumentException("TTL must be 1..255");
    }
    if (lookupTimeoutMillis <= 0 || hopTimeoutMillis <= 0 || minHopTimeoutMillis <= 0) {
      throw new IllegalArgumentException("lookup timeouts must be positive");
    }
    if (maxLifetimeSeconds <= 0 || maxLifetimeSeconds > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("maximum lifetime must be 1..2^32-1 seconds");
    }
  }

  /** The P2P-Options object that announces this configuration. */
  public P2pOptions p2pOptions(int p2pAlgorithm) {
    // Base: the radix of prefix routing (Bamboo's 2^b), 2 for the binary overlays.
    int base = p2pAlgorithm == P2pOptions.P2P_BAMBOO ? 1 << digitBits : 2;
    return new P2pOptions(P2pOptions.HASH_SHA1, idLength, p2pAlgorithm, base,
        Bytes.EMPTY);
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  public static Builder builder() {
    return new Builder(DEFAULTS);
  }

  /** Changes some fields of a configuration. */
  public static final class Builder {
    private String algorithm;
    private int idLength;
    private TransactionConfig transactions;
    private long keepAliveMillis;
    private long routingMaintenanceMillis;
    private long neighborMaintenanceMillis;
    private long replicationMillis;
    private int successors;
    private int replicas;
    private int parallelism;
    private int bucketSize;
    private int digitBits;
    private int leafSetSize;
    private boolean recursive;
    private int ttl;
    private long lookupTimeoutMillis;
    private long hopTimeoutMillis;
    private long minHopTimeoutMillis;
    private long maxLifetimeSeconds;

    private Builder(OverlayConfig c) {
      algorithm = c.algorithm;
      idLength = c.idLength;
      transactions = c.transactions;
      keepAliveMillis = c.keepAliveMillis;
      routingMaintenanceMillis = c.routingMaintenanceMillis;
      neighborMaintenanceMillis = c.neighborMaintenanceMillis;
      replicationMillis = c.replicationMillis;
      successors = c.successors;
      replicas = c.replicas;
      parallelism = c.parallelism;
      bucketSize = c.bucketSize;
      digitBits = c.digitBits;
      leafSetSize = c.leafSetSize;
      recursive = c.recursive;
      ttl = c.ttl;
      lookupTimeoutMillis = c.lookupTimeoutMillis;
      hopTimeoutMillis = c.hopTimeoutMillis;
      minHopTimeoutMillis = c.minHopTimeoutMillis;
      maxLifetimeSeconds = c.maxLifetimeSeconds;
    }

    public Builder algorithm(String v) {
      algorithm = v;
      return this;
    }

    public Builder idLength(int v) {
      idLength = v;
      return this;
    }

    public Builder transactions(TransactionConfig v) {
      transactions = v;
      return this;
    }

    public Builder keepAliveMillis(long v) {
      keepAliveMillis = v;
      return this;
    }

    public Builder routingMaintenanceMillis(long v) {
      routingMaintenanceMillis = v;
      return this;
    }

    public Builder neighborMaintenanceMillis(long v) {
      neighborMaintenanceMillis = v;
      return this;
    }

    public Builder replicationMillis(long v) {
      replicationMillis = v;
      return this;
    }

    public Builder successors(int v) {
      successors = v;
      return this;
    }

    public Builder replicas(int v) {
      replicas = v;
      return this;
    }

    public Builder parallelism(int v) {
      parallelism = v;
      return this;
    }

    public Builder bucketSize(int v) {
      bucketSize = v;
      return this;
    }

    public Builder digitBits(int v) {
      digitBits = v;
      return this;
    }

    public Builder leafSetSize(int v) {
      leafSetSize = v;
      return this;
    }

    public Builder recursive(boolean v) {
      recursive = v;
      return this;
    }

    public Builder ttl(int v) {
      ttl = v;
      return this;
    }

    public Builder lookupTimeoutMillis(long v) {
      lookupTimeoutMillis = v;
      return this;
    }

    public Builder hopTimeoutMillis(long v) {
      hopTimeoutMillis = v;
      return this;
    }

    public Builder minHopTimeoutMillis(long v) {
      minHopTimeoutMillis = v;
      return this;
    }

    public Builder maxLifetimeSeconds(long v) {
      maxLifetimeSeconds = v;
      return this;
    }

    public OverlayConfig build() {
      return new OverlayConfig(algorithm, idLength, transactions, keepAliveMillis,
          routingMaintenanceMillis, neighborMaintenanceMillis, replicationMillis, successors,
          replicas, parallelism, bucketSize, digitBits, leafSetSize, recursive, ttl, lookupTimeoutMillis, hopTimeoutMillis,
          minHopTimeoutMillis, maxLifetimeSeconds);
    }
  }
}
