package org.openvoip.net;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import io.netty.channel.EventLoop;
import org.openvoip.p2pp.env.Counters;
import org.openvoip.p2pp.wire.Bytes;

/**
 * DTLS 1.2 sessions over one UDP socket, one per peer address, driven on the transport's event
 * loop. A datagram for a peer without a session starts a handshake (this side the client) and
 * waits for it; received records are decrypted and handed on with the node-IDs that the peer's
 * certificate binds.
 *
 * <p>Cases a socket shared by both directions brings:
 * <ul>
 *   <li>Both ends start at once: each gets the other's ClientHello while its own is unanswered.
 *       The end with the smaller address keeps the client role; the other becomes the server and
 *       sends what it queued once the handshake is done.
 *   <li>A peer that restarted sends a ClientHello on an address with an established session:
 *       the session is replaced by a new one (a retransmitted ClientHello of the same handshake,
 *       recognised by its random, is not).
 *   <li>A ServerHello or HelloVerifyRequest that answers a client session since replaced by a
 *       server session (both ends started at once) is dropped, not fed to the server engine,
 *       which would end the handshake in progress.
 *   <li>A peer that restarted without sending first would drop our records silently: a session
 *       that has heard nothing for {@link #STALE_MILLIS} while we send starts a new handshake.
 * </ul>
 * Handshake flights are retransmitted after 0.5, 1 and 2 s; a handshake that has not finished
 * 4 s after the last one fails, and what waited for it is dropped (the transaction layer
 * retries or gives up); a side that refuses the other's certificate says so with a fatal alert,
 * so the other gives up at once. At most {@link #MAX_SESSIONS} sessions are held; the least recently used goes first.
 */
final class DtlsLinks {
  /** Where decrypted datagrams go, with the IDs the sender's certificate binds. */
  interface Delivery {
    void deliver(byte[] plain, InetSocketAddress from, List<Bytes> peerIds);
  }

  /** Writes one datagram to the socket. */
  interface Wire {
    void write(InetSocketAddress to, ByteBuffer datagram);
  }

  static final int MAX_SESSIONS = 4096;
  static final long STALE_MILLIS = 20_000;
  /** {@link #STALE_MILLIS}, shorter in tests. */
  static volatile long staleMillis = STALE_MILLIS;
  static final int MAX_PACKET = 16_384 + 1_024;
  private static final int MAX_WAITING = 64;
  private static final long FIRST_RETRANSMIT_MILLIS = 500;
  private static final int RETRANSMITS = 3;
  private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

  private final LinkSecurity.Contexts contexts;
  private final EventLoop loop;
  private final Counters counters;
  private final InetSocketAddress self;
  private final Wire wire;
  private final Delivery delivery;
  /** In access order, so the eldest is the least recently used. */
  private final Map<InetSocketAddress, Session> sessions = new java.util.LinkedHashMap<>(
      16, 0.75f, true);

  DtlsLinks(LinkSecurity.Contexts contexts, EventLoop loop, Counters counters,
      InetSocketAddress self, Wire wire, Delivery delivery) {
    this.contexts = contexts;
    this.loop = loop;
    this.counters = counters;
    this.self = self;
    this.wire = wire;
    this.delivery = delivery;
  }

  /** Encrypts and sends {@code plain} to {@code to}, after a handshake if there is no session. */
  void send(InetSocketAddress to, byte[] plain) {
    Session s = sessions.get(to);
    long now = now();
    if (s != null && s.established && now - s.lastHeard > staleMillis
        && now - s.lastSent < staleMillis) {
      counters.increment("net.dtls-stale-rehandshake");
      s.close();
      s = null;
    }
    if (s == null || s.closed) {
      s = open(to, true);
    }
    s.lastSent = now;
    if (!s.established) {
      if (s.waiting.size() < MAX_WAITING) {
        s.waiting.add(plain);
      } else {
        counters.increment("drop.dtls.waiting-full");
      }
      return;
    }
    s.wrapApplication(plain);
  }

  /** A datagram from the socket. */
  void onDatagram(InetSocketAddress from, byte[] datagram) {
    Session s = sessions.get(from);
    byte[] helloRandom = clientHelloRandom(datagram);
    if (helloRandom != null) {
      if (s == null || s.closed) {
        s = open(from, false);
      } else if (s.client && !s.established) {
        if (compare(self, from) < 0) {
          counters.increment("net.dtls-simultaneous-open");
          return; // we stay the client; the peer will answer our ClientHello as a server
        }
        s = replace(s, from);
      } else if (s.client) {
        counters.increment("net.dtls-peer-restarted"); // it starts over: so do we
        s = replace(s, from);
      } else if (s.peerHelloRandom != null && !Arrays.equals(helloRandom, s.peerHelloRandom)) {
        // A new handshake, not a resent or cookie-bearing copy of the one this session serves.
        counters.increment(s.established ? "net.dtls-peer-restarted"
            : "net.dtls-new-client-hello");
        s = replace(s, from);
      }
      if (s.peerHelloRandom == null) {
        s.peerHelloRandom = helloRandom;
      }
    } else if (s == null || s.closed) {
      counters.increment("drop.dtls.no-session");
      return;
    } else if (!s.client && !s.established && isServerFlight(datagram)) {
      // A HelloVerifyRequest or ServerHello for a client session this one replaced (both ends
      // started at once): fed to a server engine it would end the handshake in progress.
      counters.increment("drop.dtls.stray-server-flight");
      return;
    }
    s.lastHeard = now();
    s.unwrap(datagram);
  }

  /** Closes every session (without close_notify: the socket is going). */
  void closeAll() {
    for (Session s : List.copyOf(sessions.values())) {
      s.close();
    }
  }

  private Session open(InetSocketAddress to, boolean client) {
    if (sessions.size() >= MAX_SESSIONS) {
      Iterator<Session> eldest = sessions.values().iterator();
      Session old = eldest.next();
      counters.increment("net.dtls-sessions-evicted");
      old.close();
    }
    Session s = new Session(to, client, contexts.dtlsEngine(client, to, MAX_PACKET));
    sessions.put(to, s);
    if (client) {
      s.begin();
    }
    return s;
  }

  /** A server session in place of {@code old}, which hands over what waits to be sent. */
  private Session replace(Session old, InetSocketAddress from) {
    ArrayDeque<byte[]> waiting = new ArrayDeque<>(old.waiting);
    old.waiting.clear();
    old.close();
    Session s = open(from, false);
    s.waiting.addAll(waiting);
    return s;
  }

  private static int compare(InetSocketAddress a, InetSocketAddress b) {
    int c = Arrays.compareUnsigned(a.getAddress().getAddress(), b.getAddress().getAddress());
    return c != 0 ? c : Integer.compare(a.getPort(), b.getPort());
  }

  /**
   * The client random of a datagram that starts with a whole DTLS ClientHello (record type 22,
   * epoch 0, handshake type 1, fragment offset 0), else null.
   */
  static byte[] clientHelloRandom(byte[] d) {
    // record: type 1, version 2, epoch 2, sequence 6, length 2; handshake: type 1, length 3,
    // message_seq 2, fragment_offset 3, fragment_length 3; body: client_version 2, random 32
    if (d.length < 13 + 12 + 2 + 32 || d[0] != 22 || d[3] != 0 || d[4] != 0 || d[13] != 1
        || d[19] != 0 || d[20] != 0 || d[21] != 0) {
      return null;
    }
    return Arrays.copyOfRange(d, 27, 59);
  }

  /** Whether a datagram starts with an epoch-0 ServerHello or HelloVerifyRequest. */
  static boolean isServerFlight(byte[] d) {
    return d.length > 13 && d[0] == 22 && d[3] == 0 && d[4] == 0 && (d[13] == 2 || d[13] == 3);
  }

  private static long now() {
    return System.nanoTime() / 1_000_000;
  }

  /** One peer's DTLS session. */
  private final class Session {
    final InetSocketAddress peer;
    final boolean client;
    final SSLEngine engine;
    final ArrayDeque<byte[]> waiting = new ArrayDeque<>();
    boolean established;
    boolean closed;
    List<Bytes> peerIds = List.of();
    byte[] peerHelloRandom;
    long lastHeard = now();
    long lastSent;
    ScheduledFuture<?> retransmit;
    int retransmits;

    Session(InetSocketAddress peer, boolean client, SSLEngine engine) {
      this.peer = peer;
      this.client = client;
      this.engine = engine;
    }

    void begin() {
      try {
        engine.beginHandshake();
        drive(engine.getHandshakeStatus());
      } catch (SSLException e) {
        fail(e);
      }
    }

    void unwrap(byte[] datagram) {
      ByteBuffer in = ByteBuffer.wrap(datagram);
      try {
        while (in.hasRemaining() && !closed) {
          ByteBuffer out = ByteBuffer.allocate(MAX_PACKET);
          SSLEngineResult r = engine.unwrap(in, out);
          switch (r.getStatus()) {
            case CLOSED -> {
              counters.increment("net.dtls-closed-by-peer");
              close();
              return;
            }
            case BUFFER_UNDERFLOW, BUFFER_OVERFLOW -> {
              counters.increment("drop.dtls.bad-record");
              return;
            }
            default -> { }
          }
          if (r.bytesProduced() > 0) {
            out.flip();
            byte[] plain = new byte[out.remaining()];
            out.get(plain);
            if (established) {
              delivery.deliver(plain, peer, peerIds);
            } else {
              counters.increment("drop.dtls.data-before-handshake");
            }
          }
          drive(r.getHandshakeStatus());
          if (r.bytesConsumed() == 0 && r.bytesProduced() == 0) {
            return;
          }
        }
      } catch (SSLException e) {
        if (established) {
          counters.increment("drop.dtls.bad-record"); // a forged or damaged record: not fatal
        } else {
          fail(e);
        }
      }
    }

    void wrapApplication(byte[] plain) {
      // The engine asks for room for a whole packet, whatever the record's size.
      ByteBuffer out = ByteBuffer.allocate(Math.max(engine.getSession().getPacketBufferSize(),
          plain.length + 256));
      try {
        SSLEngineResult r = engine.wrap(ByteBuffer.wrap(plain), out);
        if (r.getStatus() != SSLEngineResult.Status.OK) {
          counters.increment("drop.dtls.wrap-" + r.getStatus().name().toLowerCase());
          return;
        }
        out.flip();
        wire.write(peer, out);
      } catch (SSLException e) {
        counters.increment("drop.dtls.wrap-failed");
      }
    }

    /** Runs the handshake as far as it can go without the peer. */
    private void drive(HandshakeStatus hs) throws SSLException {
      while (!closed) {
        switch (hs) {
          case NEED_TASK -> {
            Runnable task;
            while ((task = engine.getDelegatedTask()) != null) {
              task.run();
            }
            hs = engine.getHandshakeStatus();
          }
          case NEED_WRAP -> {
            ByteBuffer out = ByteBuffer.allocate(MAX_PACKET);
            SSLEngineResult r = engine.wrap(EMPTY, out);
            out.flip();
            if (out.hasRemaining()) {
              wire.write(peer, out);
            }
            if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
              close();
              return;
            }
            hs = r.getHandshakeStatus();
          }
          case NEED_UNWRAP_AGAIN -> {
            ByteBuffer out = ByteBuffer.allocate(MAX_PACKET);
            SSLEngineResult r = engine.unwrap(EMPTY, out);
            hs = r.getHandshakeStatus();
          }
          case NEED_UNWRAP -> {
            armRetransmit();
            return;
          }
          case FINISHED, NOT_HANDSHAKING -> {
            if (!established) {
              established();
            }
            return;
          }
          default -> throw new IllegalStateException("handshake status " + hs);
        }
      }
    }

    private void established() {
      established = true;
      cancelRetransmit();
      peerIds = LinkSecurity.peerIds(engine.getSession());
      counters.increment("net.dtls-handshakes");
      while (!waiting.isEmpty() && !closed) {
        wrapApplication(waiting.poll());
      }
    }

    private void armRetransmit() {
      if (established || retransmit != null) {
        return;
      }
      long delay = FIRST_RETRANSMIT_MILLIS << retransmits;
      retransmit = loop.schedule(this::onRetransmitTimer, delay, TimeUnit.MILLISECONDS);
    }

    private void onRetransmitTimer() {
      retransmit = null;
      if (established || closed) {
        return;
      }
      if (retransmits++ >= RETRANSMITS) {
        counters.increment("net.dtls-handshake-timeout");
        close();
        return;
      }
      try {
        // The JDK's DTLS engine sends its last flight again when asked to wrap while waiting.
        ByteBuffer out = ByteBuffer.allocate(MAX_PACKET);
        SSLEngineResult r = engine.wrap(EMPTY, out);
        out.flip();
        if (out.hasRemaining()) {
          wire.write(peer, out);
          counters.increment("net.dtls-retransmits");
        }
        drive(r.getHandshakeStatus());
        armRetransmit();
      } catch (SSLException e) {
        fail(e);
      }
    }

    private void cancelRetransmit() {
      if (retransmit != null) {
        retransmit.cancel(false);
        retransmit = null;
      }
    }

    private void fail(SSLException e) {
      counters.increment("net.dtls-handshake-failed");
      try {
        // Tell the peer why (a fatal alert), so that it stops at once instead of timing out.
        ByteBuffer out = ByteBuffer.allocate(MAX_PACKET);
        engine.wrap(EMPTY, out);
        out.flip();
        if (out.hasRemaining()) {
          wire.write(peer, out);
        }
      } catch (SSLException | RuntimeException ignored) {
        // nothing more to say
      }
      close();
    }

    void close() {
      if (closed) {
        return;
      }
      closed = true;
      cancelRetransmit();
      if (!waiting.isEmpty()) {
        counters.counter("drop.dtls.handshake-failed").add(waiting.size());
        waiting.clear();
      }
      sessions.remove(peer, this);
      engine.closeOutbound();
    }
  }
}
