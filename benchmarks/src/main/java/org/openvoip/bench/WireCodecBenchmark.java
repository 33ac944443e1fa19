package org.openvoip.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openvoip.p2pp.wire.Examples;
import org.openvoip.p2pp.wire.MalformedMessageException;
import org.openvoip.p2pp.wire.Message;
import org.openvoip.p2pp.wire.WireDecoder;
import org.openvoip.p2pp.wire.WireEncoder;

/**
 * Decode and encode of the three messages of the performance issue: a Join request from a peer
 * (20-byte IDs, one IPv4 host candidate), a Publish with a 1 KiB value, and a 200 LookupPeer
 * response with 20 Peer-Infos after the responder's own.
 *
 * <p>Throughput, one thread. Run with {@code -prof gc} to get {@code gc.alloc.rate.norm} (bytes
 * allocated per operation); {@link RetainedSize} prints what the decoded messages themselves
 * occupy, so the difference is the codec's garbage. See docs/benchmarks.md.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
public class WireCodecBenchmark {
  /** The overlay's ID length: SHA-1, as in the Examples. */
  static final int ID_LENGTH = 20;

  WireDecoder decoder;

  Message join;
  Message publish1k;
  Message lookupPeerResponse20;

  byte[] joinBytes;
  byte[] publish1kBytes;
  byte[] lookupPeerResponse20Bytes;

  @Setup(Level.Trial)
  public void setUp() throws MalformedMessageException {
    decoder = new WireDecoder(ID_LENGTH);
    join = Examples.joinRequest();
    publish1k = Examples.publishRequest(value1k());
    lookupPeerResponse20 = Examples.lookupPeerResponse(20);
    joinBytes = WireEncoder.encode(join);
    publish1kBytes = WireEncoder.encode(publish1k);
    lookupPeerResponse20Bytes = WireEncoder.encode(lookupPeerResponse20);
    // Measure the right thing: each encoding decodes back to the message it came from.
    roundTrip(join, joinBytes);
    roundTrip(publish1k, publish1kBytes);
    roundTrip(lookupPeerResponse20, lookupPeerResponse20Bytes);
  }

  /** The Publish value: 1024 bytes, the same in every run. */
  static byte[] value1k() {
    byte[] v = new byte[1024];
    for (int i = 0; i < v.length; i++) {
      v[i] = (byte) (i * 31 + 7);
    }
    return v;
  }

  private void roundTrip(Message m, byte[] bytes) throws MalformedMessageException {
    Message back = decoder.decode(bytes);
    if (!back.equals(m)) {
      throw new IllegalStateException("round trip changed the message: " + m + " -> " + back);
    }
  }

  // ---------------------------------------------------------------------------------- Join

  @Benchmark
  public Message decodeJoin() throws MalformedMessageException {
    return decoder.decode(joinBytes);
  }

  @Benchmark
  public byte[] encodeJoin() {
    return WireEncoder.encode(join);
  }

  /** Without the per-message schema check, to show what {@link #encodeJoin}'s check costs. */
  @Benchmark
  public byte[] encodeJoinUnchecked() {
    return WireEncoder.encodeUnchecked(join);
  }

  // ------------------------------------------------------------------------- Publish, 1 KiB

  @Benchmark
  public Message decodePublish1k() throws MalformedMessageException {
    return decoder.decode(publish1kBytes);
  }

  @Benchmark
  public byte[] encodePublish1k() {
    return WireEncoder.encode(publish1k);
  }

  // --------------------------------------------------------- LookupPeer response, 20 peers

  @Benchmark
  public Message decodeLookupPeerResponse20() throws MalformedMessageException {
    return decoder.decode(lookupPeerResponse20Bytes);
  }

  @Benchmark
  public byte[] encodeLookupPeerResponse20() {
    return WireEncoder.encode(lookupPeerResponse20);
  }
}
