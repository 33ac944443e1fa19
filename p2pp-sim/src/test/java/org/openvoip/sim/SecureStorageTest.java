package org.openvoip.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.openvoip.p2pp.node.OverlayConfig;
import org.openvoip.p2pp.node.P2ppException;
import org.openvoip.p2pp.node.Results;
import org.openvoip.p2pp.node.Security;
import org.openvoip.p2pp.security.AccessControl;
import org.openvoip.p2pp.security.CertificateChecker;
import org.openvoip.p2pp.security.Certificates;
import org.openvoip.p2pp.security.Hashes;
import org.openvoip.p2pp.security.Identity;
import org.openvoip.p2pp.security.Kind;
import org.openvoip.p2pp.security.SignatureScheme;
import org.openvoip.p2pp.wire.Bytes;
import org.openvoip.p2pp.wire.ResponseCode;
import org.openvoip.p2pp.wire.WireObject.DataEntry;

/**
 * A secured overlay in the simulator: every node enrolled with the overlay's CA, values signed
 * by their owners; what a node may not write is refused with its code, counted, and not stored.
 */
class SecureStorageTest {
  static final Kind PROFILE = new Kind("profile", 0, 1, DataEntry.SINGLE,
      Kind.AccessPolicy.USER_MATCH, 256, 1);
  static final Kind REGISTRATION = new Kind("registration", 0, 0, DataEntry.DICTIONARY,
      Kind.AccessPolicy.USER_NODE_MATCH, 256, 4);
  static final Kind NOTES = new Kind("notes", 0, 2, DataEntry.ARRAY,
      Kind.AccessPolicy.USER_MATCH, 256, 64);
  static final Kind STATUS = new Kind("status", 0, 3, DataEntry.ARRAY,
      Kind.AccessPolicy.USER_MATCH, 64, 2);
  static final long DAY = 86_400_000L;
  /** Small limits, so that the tests reach them: 6 values per owner, 5 requests/s, burst 30. */
  static final Security.Limits LIMITS = new Security.Limits(6, 100_000, 5, 30);

  final SeededSecureRandom random = new SeededSecureRandom(42);
  final KeyPair caKeys = SignatureScheme.ED25519.generate(random);
  final X509Certificate ca = Certificates.authority(caKeys, "sim CA",
      SimNetwork.EPOCH_MILLIS - DAY, SimNetwork.EPOCH_MILLIS + 365 * DAY, random);

  static String user(int i) {
    return "user" + i + "@sim.openvoip.org";
  }

  Security enroll(int i) {
    SignatureScheme s = i % 2 == 0 ? SignatureScheme.ED25519 : SignatureScheme.ECDSA_P256_SHA256;
    KeyPair kp = s.generate(random);
    byte[] id = new byte[20];
    new SplittableRandom(1000 + i).nextBytes(id);
    X509Certificate c = Certificates.node(kp.getPublic(), user(i), List.of(Bytes.of(id)), "sim",
        ca, caKeys.getPrivate(), BigInteger.valueOf(100 + i), SimNetwork.EPOCH_MILLIS - DAY,
        SimNetwork.EPOCH_MILLIS + 30 * DAY, random);
    CertificateChecker checker = new CertificateChecker(List.of(ca), false, 20);
    return new Security(new Identity(kp, c),
        new AccessControl(checker, List.of(PROFILE, REGISTRATION, NOTES, STATUS), 20), LIMITS);
  }

  SimOverlay overlay(int n) {
    OverlayConfig c = OverlayConfig.builder().algorithm("chord").build();
    SimOverlay o = new SimOverlay(c, 5, 0);
    o.secure(this::enroll);
    o.addNode();
    o.run(100);
    o.addNodes(n - 1, 1000);
    o.run(3 * c.neighborMaintenanceMillis());
    assertThat(o.liveIds()).hasSize(n);
    return o;
  }

  static <T> T done(SimOverlay o, CompletableFuture<T> f) {
    o.run(10_000);
    assertThat(f).isDone();
    return f.join();
  }

  static int refusedWith(SimOverlay o, CompletableFuture<?> f) {
    o.run(10_000);
    assertThat(f).isCompletedExceptionally();
    try {
      f.join();
    } catch (CompletionException e) {
      return ((P2ppException) e.getCause()).code();
    }
    throw new AssertionError("not refused");
  }

  static long counter(SimOverlay o, String name) {
    long sum = 0;
    for (int i = 0; i < o.size(); i++) {
      sum += o.node(i).snapshotNow().counters().getOrDefault(name, 0L);
    }
    return sum;
  }

  static Bytes text(String s) {
    return Bytes.of(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  @Test
  void ownersWriteAndEveryoneReadsSignedValues() {
    SimOverlay o = overlay(12);
    Bytes alice = Hashes.id(user(3), 20);
    done(o, o.node(3).publish(alice, 0, 1, text("alice's profile"), 3600));
    Results.ObjectLookup found = done(o, o.node(8).lookup(alice, 0, 1));
    assertThat(found.objects()).hasSize(1);
    assertThat(found.objects().get(0).value()).isEqualTo(text("alice's profile"));
    assertThat(found.objects().get(0).signature()).isNotNull();
    // Two devices of user 4 ... there is one node per user here, so user 4 registers node 4.
    Bytes bob = Hashes.id(user(4), 20);
    done(o, o.node(4).store(bob, 0, 0, DataEntry.dictionary(1, true, o.id(4)), text("sip:4"),
        3600));
    assertThat(done(o, o.node(9).lookup(bob, 0, 0)).objects()).hasSize(1);
    // The replicas verified the copies they got.
    o.run(2 * o.config().replicationMillis());
    assertThat(counter(o, "storage.copies-received")).isPositive();
    assertThat(counter(o, "security.refused.bad-signature")).isZero();
  }

  @Test
  void oneIdentityCannotFillAPeersStorage() {
    SimOverlay o = overlay(12);
    Bytes notes = Hashes.id(user(3), 20);
    for (int i = 0; i < LIMITS.valuesPerOwner(); i++) {
      done(o, o.node(3).store(notes, 0, 2, DataEntry.array(1, true, i), text("n" + i), 3600));
    }
    // An update of a stored entry is no new value ...
    done(o, o.node(3).store(notes, 0, 2, DataEntry.array(2, true, 0), text("n0'"), 3600));
    // ... but one more entry is over the quota.
    assertThat(refusedWith(o, o.node(3).store(notes, 0, 2, DataEntry.array(1, true, 99),
        text("one too many"), 3600))).isEqualTo(ResponseCode.REQUEST_REJECTED);
    assertThat(counter(o, "security.refused.quota")).isEqualTo(1);
    // A kind may hold fewer entries per owner than the quota allows: status holds 2.
    Bytes status = Hashes.id(user(4), 20);
    done(o, o.node(4).store(status, 0, 3, DataEntry.array(1, true, 0), text("s0"), 3600));
    done(o, o.node(4).store(status, 0, 3, DataEntry.array(1, true, 1), text("s1"), 3600));
    assertThat(refusedWith(o, o.node(4).store(status, 0, 3, DataEntry.array(1, true, 2),
        text("s2"), 3600))).isEqualTo(ResponseCode.REQUEST_REJECTED);
    done(o, o.node(4).store(status, 0, 3, DataEntry.array(2, true, 1), text("s1'"), 3600));
    assertThat(counter(o, "security.refused.quota")).isEqualTo(2);
    // Other identities are not held back by it.
    done(o, o.node(4).store(Hashes.id(user(4), 20), 0, 2, DataEntry.array(1, true, 0),
        text("m0"), 3600));
  }

  @Test
  void aRequestFloodFromOnePeerIsCutOff() {
    SimOverlay o = overlay(12);
    Bytes key = Hashes.id(user(3), 20);
    for (int u = 4; o.owner(key) == 5; u++) {
      key = Hashes.id(user(u), 20); // node 5 would answer itself
    }
    List<CompletableFuture<Results.ObjectLookup>> flood = new java.util.ArrayList<>();
    // Each peer lets 30 requests from node 5 through at once, then 5 a second; the others get
    // 406, and the lookup fails (503 would have made node 5 drop the peer from its tables).
    for (int i = 0; i < 1000; i++) {
      flood.add(o.node(5).lookup(key, 0, 1));
    }
    o.run(15_000);
    long refused = flood.stream().filter(CompletableFuture::isCompletedExceptionally).count();
    assertThat(refused).as("lookups refused of 1000 sent at once").isGreaterThan(500);
    assertThat(counter(o, "security.refused.rate-limited")).isGreaterThan(500);
    assertThat(counter(o, "overlay.peer-not-in-overlay")).as("no peer taken for gone").isZero();
    // The others still get through, and the flooder does again once it slows down.
    CompletableFuture<Results.ObjectLookup> other = o.node(6).lookup(key, 0, 1);
    assertThat(done(o, other).objects()).isEmpty();
    o.run(10_000);
    assertThat(done(o, o.node(5).lookup(key, 0, 1)).objects()).isEmpty();
  }

  @Test
  void aRogueNodeCannotOverwriteReplayOrDelete() {
    SimOverlay o = overlay(12);
    Bytes alice = Hashes.id(user(3), 20);
    done(o, o.node(3).store(alice, 0, 1, DataEntry.single(20, true), text("v20"), 3600));
    // Node 5 writes at user 3's resource: its own user is not user 3.
    assertThat(refusedWith(o, o.node(5).publish(alice, 0, 1, text("hijacked"), 3600)))
        .isEqualTo(ResponseCode.FORBIDDEN);
    assertThat(counter(o, "security.refused.not-owner")).isEqualTo(1);
    // ... nor delete it: its tombstone is just as much not its own.
    assertThat(refusedWith(o, o.node(5).remove(alice, 0, 1))).isEqualTo(ResponseCode.FORBIDDEN);
    // The owner's own older value, sent again (a replay), is stale.
    assertThat(refusedWith(o, o.node(3).store(alice, 0, 1, DataEntry.single(10, true),
        text("v10"), 3600))).isEqualTo(ResponseCode.CONFLICT);
    assertThat(counter(o, "security.refused.stale")).isEqualTo(1);
    // Too large for its kind.
    assertThat(refusedWith(o, o.node(3).store(alice, 0, 1, DataEntry.single(30, true),
        Bytes.of(new byte[257]), 3600))).isEqualTo(ResponseCode.MESSAGE_TOO_LARGE);
    // A registration under another node's ID.
    Bytes mine = Hashes.id(user(5), 20);
    assertThat(refusedWith(o, o.node(5).store(mine, 0, 0, DataEntry.dictionary(1, true,
        o.id(6)), text("sip:5"), 3600))).isEqualTo(ResponseCode.FORBIDDEN);
    // Expires is not signed, so a copy of a signed value sent with Expires 0 must not delete
    // it: a secured overlay deletes by signed tombstones only.
    assertThat(refusedWith(o, o.node(3).store(alice, 0, 1, DataEntry.single(20, true),
        text("v20"), 0))).isEqualTo(ResponseCode.FORBIDDEN);
    // Nothing of it was stored: the value is still the owner's v20.
    List<?> values = done(o, o.node(7).lookup(alice, 0, 1)).objects();
    assertThat(values).hasSize(1);
    assertThat(done(o, o.node(7).lookup(alice, 0, 1)).objects().get(0).value())
        .isEqualTo(text("v20"));
    // The owner deletes it with a signed tombstone.
    done(o, o.node(3).remove(alice, 0, 1));
    assertThat(done(o, o.node(7).lookup(alice, 0, 1)).objects()).isEmpty();
  }
}
