package org.openvoip.p2pp.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.openvoip.p2pp.overlay.PeerRef;
import org.openvoip.p2pp.wire.WireObject.AddressInfo;
import org.openvoip.p2pp.wire.WireObject.Candidate;
import org.openvoip.p2pp.wire.WireObject.Certificate;
import org.openvoip.p2pp.wire.WireObject.PeerId;
import org.openvoip.p2pp.wire.WireObject.PeerInfo;
import org.openvoip.p2pp.wire.WireObject.Uptime;

/**
 * A Peer-Info keeps its canonical encoding, and the decoder takes the common form (a Peer-ID and
 * one candidate) whole instead of parsing it: both shortcuts must give exactly what the general
 * way gives.
 */
class PeerInfoTest {
  private static final WireDecoder DECODER = new WireDecoder(20);

  private static Message keepAlive(PeerInfo sender) {
    return Message.of(Header.request(Method.KEEP_ALIVE, true, false, 10, 7, Bytes.of(new byte[20])),
        sender, new WireObject.Expires(30));
  }

  private static PeerInfo decodedSender(byte[] wire) throws MalformedMessageException {
    return DECODER.decode(wire).first(PeerInfo.class);
  }

  private static Candidate randomCandidate(SplittableRandom r) {
    byte[] a = new byte[r.nextBoolean() ? 4 : 16];
    r.nextBytes(a);
    return new Candidate(r.nextInt(256), r.nextInt(256), r.nextLong(1L << 32), r.nextInt(16),
        r.nextInt(16), new IpAddress(Bytes.of(a)), r.nextInt(65536), null, 0);
  }

  @Test
  void theCommonFormDecodesToWhatItsPartsBuild() throws Exception {
    SplittableRandom r = new SplittableRandom(42);
    for (int i = 0; i < 2_000; i++) {
      byte[] id = new byte[1 + r.nextInt(40)];
      r.nextBytes(id);
      PeerInfo built = PeerInfo.of(Bytes.of(id), AddressInfo.of(randomCandidate(r)));
      PeerInfo back = decodedSender(WireEncoder.encode(keepAlive(built)));
      assertThat(back.isCommonForm()).isTrue();
      assertThat(back).isEqualTo(built).hasSameHashCodeAs(built);
      // Parts read from the encoding on demand equal the parts it was built from.
      assertThat(back.id()).isEqualTo(built.id());
      assertThat(back.peerId()).isEqualTo(built.peerId());
      assertThat(back.addressInfo()).isEqualTo(built.addressInfo());
      assertThat(back.uptime()).isNull();
      assertThat(back.toString()).isEqualTo(built.toString());
    }
  }

  @Test
  void otherFormsAndNonCanonicalHeadersGoTheGeneralWayToTheSameValue() throws Exception {
    Candidate c = Candidate.host(IpAddress.of((byte) 10, (byte) 0, (byte) 0, (byte) 1), 7080);
    Bytes id = Bytes.of(new byte[20]);
    PeerInfo withUptime = new PeerInfo(new PeerId(id), AddressInfo.of(c), null, new Uptime(5),
        null, null, null, null, null);
    PeerInfo twoCandidates = PeerInfo.of(id, AddressInfo.of(c, c));
    PeerInfo addressOnly = new PeerInfo(null, AddressInfo.of(c), null, null, null, null, null,
        null, null);
    for (PeerInfo p : List.of(withUptime, twoCandidates, addressOnly)) {
      PeerInfo back = decodedSender(WireEncoder.encode(keepAlive(p)));
      assertThat(back.isCommonForm()).isFalse();
      assertThat(back).isEqualTo(p);
    }

    // Reserved bits set in the object headers and in the candidate's first byte are ignored on
    // receipt: the value is the same Peer-Info, whose encoding is canonical again.
    PeerInfo plain = PeerInfo.of(id, AddressInfo.of(c));
    byte[] wire = WireEncoder.encode(keepAlive(plain));
    int pi = Header.FIXED_LENGTH + 20; // the Peer-Info's object header
    for (int at : new int[] {pi + 1, pi + 5, pi + 4 + 4 + 20 + 1, pi + 4 + 4 + 20 + 4 + 1}) {
      byte[] odd = wire.clone();
      odd[at] |= at == pi + 4 + 4 + 20 + 4 + 1 ? 0x30 : 0x15;
      PeerInfo back = decodedSender(odd);
      assertThat(back).as("bit flipped at %d", at).isEqualTo(plain);
      assertThat(WireEncoder.encode(keepAlive(back))).isEqualTo(wire);
    }
  }

  @Test
  void anOversizedPeerInfoStillFailsWhenEncoded() {
    // Each part fits its own 16-bit Length; together they do not fit the Peer-Info's.
    PeerInfo p = new PeerInfo(new PeerId(Bytes.of(new byte[20])), null,
        new WireObject.UnhashedId(Bytes.of(new byte[1_000])), null,
        new Certificate(1, Bytes.of(new byte[65_000])), null, null, null, null);
    assertThat(p).isEqualTo(new PeerInfo(new PeerId(Bytes.of(new byte[20])), null,
        new WireObject.UnhashedId(Bytes.of(new byte[1_000])), null,
        new Certificate(1, Bytes.of(new byte[65_000])), null, null, null, null));
    assertThatThrownBy(() -> WireEncoder.encode(keepAlive(p)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("65535");
  }

  @Test
  void aPeerInfoGivesOnePeerWhoseAddressIsItsFirstUdpCandidate() throws Exception {
    Candidate tcp = new Candidate(1, 2, 5, Candidate.TCP, Candidate.HOST,
        IpAddress.of((byte) 10, (byte) 0, (byte) 0, (byte) 9), 9000, null, 0);
    Candidate udp = Candidate.host(IpAddress.of((byte) 10, (byte) 0, (byte) 0, (byte) 2), 7080);
    Bytes id = Bytes.of(new byte[20]);

    PeerInfo common = decodedSender(WireEncoder.encode(keepAlive(PeerInfo.of(id, AddressInfo.of(udp)))));
    PeerRef p = PeerRef.from(common);
    assertThat(PeerRef.from(common)).isSameAs(p);
    assertThat(p.endpoint()).isEqualTo(new org.openvoip.p2pp.env.Endpoint(udp.address(), 7080));
    assertThat(p.toPeerInfo()).isSameAs(common); // already the form a peer is sent in
    assertThat(p).isEqualTo(new PeerRef(id, p.endpoint())).hasSameHashCodeAs(new PeerRef(id, p.endpoint()));

    PeerInfo mixed = decodedSender(WireEncoder.encode(keepAlive(PeerInfo.of(id, AddressInfo.of(tcp, udp)))));
    PeerRef q = PeerRef.from(mixed);
    assertThat(q).isEqualTo(p);
    assertThat(q.toPeerInfo()).isEqualTo(PeerInfo.of(id, AddressInfo.of(udp)));

    PeerInfo tcpOnly = decodedSender(WireEncoder.encode(keepAlive(PeerInfo.of(id, AddressInfo.of(tcp)))));
    assertThat(PeerRef.from(tcpOnly).endpoint().port()).isEqualTo(9000);
    assertThat(PeerRef.from(tcpOnly)).isNotEqualTo(p);
    assertThat(PeerRef.from(new PeerInfo(null, AddressInfo.of(udp), null, null, null, null, null,
        null, null))).isNull();
  }

  @Test
  void aSharingDecoderGivesOneObjectPerPeerInfoEqualToWhatAPlainDecoderGives() throws Exception {
    SplittableRandom r = new SplittableRandom(7);
    WireDecoder sharing = DECODER.withSharing(4); // grows as distinct Peer-Infos arrive
    List<PeerInfo> built = new java.util.ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      byte[] id = new byte[1 + r.nextInt(32)];
      r.nextBytes(id);
      built.add(PeerInfo.of(Bytes.of(id), AddressInfo.of(randomCandidate(r))));
    }
    // The same peer at another address, and another peer whose ID differs in its last byte:
    // neither may come back as the other.
    Candidate c = Candidate.host(IpAddress.of((byte) 10, (byte) 0, (byte) 0, (byte) 1), 7080);
    Candidate moved = Candidate.host(IpAddress.of((byte) 10, (byte) 0, (byte) 0, (byte) 1), 7081);
    byte[] id = new byte[20];
    built.add(PeerInfo.of(Bytes.of(id), AddressInfo.of(c)));
    built.add(PeerInfo.of(Bytes.of(id), AddressInfo.of(moved)));
    id[19] = 1;
    built.add(PeerInfo.of(Bytes.of(id), AddressInfo.of(c)));

    java.util.Map<PeerInfo, PeerInfo> firstSeen = new java.util.IdentityHashMap<>();
    int sharedAgain = 0;
    for (int round = 0; round < 2; round++) {
      for (PeerInfo p : built) {
        byte[] wire = WireEncoder.encode(keepAlive(p));
        PeerInfo shared = sharing.decode(wire).first(PeerInfo.class);
        if (round == 0) {
          firstSeen.put(p, shared);
        } else if (firstSeen.get(p) == shared) {
          sharedAgain++;
        }
        assertThat(shared).isEqualTo(decodedSender(wire)).isEqualTo(p);
        assertThat(shared.id()).isEqualTo(p.id());
        assertThat(shared.addressInfo()).isEqualTo(p.addressInfo());
        // Decoded again at once, it is the very same object, so its memo is kept; so is the
        // header's Source-ID.
        Message again = sharing.decode(wire);
        assertThat(again.first(PeerInfo.class)).isSameAs(shared);
        assertThat(again.header()).isEqualTo(DECODER.decode(wire).header());
      }
    }
    // The table grew with them: after all 5,003, nearly every one is still remembered.
    assertThat(sharedAgain).isGreaterThan(built.size() * 97 / 100);

    // Header IDs: equal IDs come back as one object, different ones (even with the same first
    // eight bytes, which index the table) as themselves.
    byte[] a = new byte[20];
    byte[] b = new byte[20];
    b[19] = 9;
    byte[] wa = WireEncoder.encode(Message.of(
        Header.request(Method.KEEP_ALIVE, true, false, 10, 7, Bytes.of(a)), built.get(0),
        new WireObject.Expires(30)));
    byte[] wb = WireEncoder.encode(Message.of(
        Header.request(Method.KEEP_ALIVE, true, false, 10, 7, Bytes.of(b)), built.get(0),
        new WireObject.Expires(30)));
    Bytes ida = sharing.decode(wa).header().sourceId();
    assertThat(sharing.decode(wa).header().sourceId()).isSameAs(ida).isEqualTo(Bytes.of(a));
    assertThat(sharing.decode(wb).header().sourceId()).isEqualTo(Bytes.of(b));
    assertThat(sharing.decode(wa).header().sourceId()).isEqualTo(Bytes.of(a));

    // A table that starts as one pair of slots: right all the while it grows.
    WireDecoder tiny = DECODER.withSharing(1);
    for (int i = 0; i < 3; i++) {
      for (PeerInfo p : built.subList(built.size() - 3, built.size())) {
        assertThat(tiny.decode(WireEncoder.encode(keepAlive(p))).first(PeerInfo.class))
            .isEqualTo(p);
      }
    }
    assertThatThrownBy(() -> DECODER.withSharing(0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static final PeerInfo SENDER = PeerInfo.of(Bytes.of(new byte[20]), AddressInfo.of(
      Candidate.host(IpAddress.of((byte) 10, (byte) 0, (byte) 0, (byte) 9), 7080)));

  /** An ExchangeTable request from SENDER with these objects after its Peer-Info. */
  private static Message withTable(WireObject... objects) {
    List<WireObject> all = new java.util.ArrayList<>();
    all.add(SENDER);
    all.addAll(List.of(objects));
    return new Message(Header.request(Method.EXCHANGE_TABLE, true, false, 10, 7,
        Bytes.of(new byte[20])), all);
  }

  @Test
  void aSharingDecoderGivesOneObjectPerTableAndTellsTablesApart() throws Exception {
    SplittableRandom r = new SplittableRandom(11);
    List<PeerInfo> entries = new java.util.ArrayList<>();
    for (int i = 0; i < 6; i++) {
      byte[] id = new byte[20];
      r.nextBytes(id);
      entries.add(PeerInfo.of(Bytes.of(id), AddressInfo.of(randomCandidate(r))));
    }
    // One entry beyond the common form, with an Uptime.
    entries.add(new PeerInfo(entries.get(0).peerId(), entries.get(0).addressInfo(),
        null, new Uptime(99), null, null, null, null, null));
    WireDecoder sharing = DECODER.withSharing(4096); // room enough that none is evicted
    List<WireObject> tables = new java.util.ArrayList<>();
    tables.add(new WireObject.NeighborTable(entries));
    tables.add(new WireObject.RoutingTable(entries)); // same value, other type
    tables.add(new WireObject.NeighborTable(List.of()));
    // Differences at the start, in the middle and at the end of the value, where the table's
    // hash does not look, and in the number of entries.
    for (int at : new int[] {0, 2, 3, 5}) {
      List<PeerInfo> changed = new java.util.ArrayList<>(entries);
      PeerInfo e = changed.get(at);
      byte[] id = e.id().toByteArray();
      id[at * 3] ^= 1;
      changed.set(at, PeerInfo.of(Bytes.of(id), e.addressInfo()));
      tables.add(new WireObject.NeighborTable(changed));
    }
    tables.add(new WireObject.NeighborTable(entries.subList(0, 5)));
    WireObject kept = null;
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < tables.size(); i++) {
        byte[] wire = WireEncoder.encode(withTable(tables.get(i)));
        Message m = sharing.decode(wire);
        WireObject t = m.objects().get(1);
        assertThat(m).isEqualTo(DECODER.decode(wire));
        assertThat(t).isEqualTo(tables.get(i));
        // Decoded again at once, it is the very same object (later, a table that hashes alike
        // may have evicted it: the sharing is lossy, never wrong).
        assertThat(sharing.decode(wire).objects().get(1)).isSameAs(t);
        if (i == 0) {
          kept = t;
        }
      }
    }
    // The peers of a table are derived once and kept with it.
    WireObject.PeerTable t = (WireObject.PeerTable) kept;
    List<PeerRef> peers = PeerRef.fromAll(t);
    assertThat(peers).hasSize(entries.size());
    assertThat(PeerRef.fromAll(t)).isSameAs(peers);
    assertThatThrownBy(() -> peers.add(peers.get(0)))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void aTableWithIgnoredObjectsIsReportedEveryTimeItIsDecodedWithASink() throws Exception {
    byte[] plain = WireEncoder.encode(withTable(new WireObject.NeighborTable(List.of(
        PeerInfo.of(Bytes.of(new byte[20]), AddressInfo.of(Candidate.host(
            IpAddress.of((byte) 10, (byte) 0, (byte) 0, (byte) 1), 7080)))))));
    // Append an unknown ignorable object (type 120, AB=01, 2 bytes) to the Peer-Info inside the
    // table, and grow the three lengths that contain it: Peer-Info, table and message.
    int tableAt = WireEncoder.encode(withTable()).length; // the last object
    byte[] extra = {120, (byte) (Tlv.FLAGS_IGNORABLE << 6), 0, 2, 1, 2};
    byte[] wire = java.util.Arrays.copyOf(plain, plain.length + extra.length);
    System.arraycopy(extra, 0, wire, plain.length, extra.length);
    int peerInfoAt = tableAt + Tlv.HEADER_LENGTH + 1;
    grow(wire, tableAt + 2, extra.length);
    grow(wire, peerInfoAt + 2, extra.length);
    wire[15] += (byte) extra.length;
    WireDecoder sharing = DECODER.withSharing(4);
    for (int i = 0; i < 3; i++) {
      List<Integer> ignored = new java.util.ArrayList<>();
      Message m = sharing.decode(wire, 0, wire.length, (type, off, len) -> ignored.add(type));
      assertThat(ignored).containsExactly(120);
      assertThat(m).isEqualTo(DECODER.decode(plain));
      assertThat(sharing.decode(wire)).isEqualTo(m);
    }
  }

  private static void grow(byte[] b, int lengthAt, int by) {
    int v = ((b[lengthAt] & 0xFF) << 8 | (b[lengthAt + 1] & 0xFF)) + by;
    b[lengthAt] = (byte) (v >>> 8);
    b[lengthAt + 1] = (byte) v;
  }
}
