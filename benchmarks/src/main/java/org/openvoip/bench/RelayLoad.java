package org.openvoip.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.openvoip.p2pp.env.Endpoint;
import org.openvoip.p2pp.relay.TurnServer;
import org.openvoip.p2pp.stun.StunMessage;
import org.openvoip.p2pp.wire.Bytes;

/**
 * A load generator for TURN relays (ours, coturn, any RFC 8656 server over UDP): N calls, each two
 * clients that allocate on the relay, bind a channel to each other's relayed address and send
 * G.711-sized packets (172 bytes: 160 bytes of 20 ms audio and an RTP header) at 50 per second
 * each way, for a number of seconds. Every packet carries its send time; the receiver, in this
 * same process and clock, records the one-way latency. It reports the packets relayed per second,
 * the loss and the latency percentiles; with {@code --direct} the same calls go straight from
 * client to client, which is the baseline the relay's added latency is measured against.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar org.openvoip.bench.RelayLoad \
 *     --server 127.0.0.1:3478 --user alice:secret --calls 200 --seconds 10 [--direct]
 * </pre>
 *
 * Three seconds of the same load come first and are not counted (the relay and this tool both
 * start cold). One thread, non-blocking sockets: it sends what is due, then waits up to a
 * millisecond for what arrives. On a small machine it competes with the relay for the CPU, as it would with
 * either relay, so compare relays only within one run of this tool.
 */
public final class RelayLoad {
  private static final int PAYLOAD = 172;
  private static final int INTERVAL_MICROS = 20_000;
  private static final int CHANNEL = 0x4000;

  /** One side of a call: its socket, its relayed address, its partner. */
  private static final class Client {
    final DatagramChannel ch;
    final int call;
    Endpoint relayed;
    Client partner;
    byte[] realm;
    byte[] nonce;
    byte[] key;
    long nextSendNanos;
    int seq;

    Client(DatagramChannel ch, int call) {
      this.ch = ch;
      this.call = call;
    }
  }

  public static void main(String[] args) throws Exception {
    String server = "127.0.0.1:3478";
    String user = null;
    int calls = 100;
    int seconds = 10;
    boolean direct = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--server" -> server = args[++i];
        case "--user" -> user = args[++i];
        case "--calls" -> calls = Integer.parseInt(args[++i]);
        case "--seconds" -> seconds = Integer.parseInt(args[++i]);
        case "--direct" -> direct = true;
        default -> {
          System.err.println("unknown argument " + args[i] + "; use --server HOST:PORT --user"
              + " NAME:PASSWORD --calls N --seconds S [--direct]");
          System.exit(2);
        }
      }
    }
    int colon = server.lastIndexOf(':');
    InetSocketAddress relay = new InetSocketAddress(server.substring(0, colon),
        Integer.parseInt(server.substring(colon + 1)));
    Result r = run(relay, user, calls, seconds, direct);
    System.out.println(r.line());
  }

  /** What one run measured. */
  public record Result(String mode, int calls, int seconds, long sent, long received,
      double packetsPerSecond, double lossPercent, double p50Millis, double p99Millis,
      double maxMillis) {
    String line() {
      return String.format(Locale.ROOT, "{\"mode\":\"%s\",\"calls\":%d,\"seconds\":%d,"
              + "\"sent\":%d,\"received\":%d,\"pps\":%.0f,\"lossPercent\":%.4f,\"p50Ms\":%.3f,"
              + "\"p99Ms\":%.3f,\"maxMs\":%.3f}", mode, calls, seconds, sent, received,
          packetsPerSecond, lossPercent, p50Millis, p99Millis, maxMillis);
    }
  }

  static Result run(InetSocketAddress relay, String user, int calls, int seconds,
      boolean direct) throws Exception {
    List<Client> clients = new ArrayList<>();
    try (Selector selector = Selector.open()) {
      for (int i = 0; i < calls; i++) {
        Client a = open(i, selector);
        Client b = open(i, selector);
        a.partner = b;
        b.partner = a;
        clients.add(a);
        clients.add(b);
      }
      if (!direct) {
        String name = user.substring(0, user.indexOf(':'));
        String password = user.substring(user.indexOf(':') + 1);
        for (int i = 0; i < clients.size(); i++) {
          allocate(clients.get(i), relay, name, password);
          if (i % 200 == 199) {
            System.err.printf("allocated %d of %d%n", i + 1, clients.size());
          }
        }
        for (Client c : clients) {
          bind(c, relay, name);
        }
        System.err.printf("%d calls set up on %s%n", calls, relay);
      }
      for (Client c : clients) {
        c.ch.configureBlocking(false);
        c.ch.register(selector, SelectionKey.OP_READ, c);
      }
      // A warm-up the results leave out: both the relay and this tool start cold.
      stream(clients, selector, relay, 3, direct);
      Result r = stream(clients, selector, relay, seconds, direct);
      if (!direct) {
        // Give the allocations back, so that the next run starts from an empty relay.
        String name = user.substring(0, user.indexOf(':'));
        for (Client c : clients) {
          c.ch.keyFor(selector).cancel();
        }
        selector.selectNow();
        for (Client c : clients) {
          try {
            ask(c, relay, signed(c, new StunMessage(0x0004, tx(), List.of())
                .with(TurnServer.LIFETIME, Bytes.of(new byte[4])), name));
          } catch (IOException e) {
            System.err.println("warning: " + e.getMessage());
          }
        }
      }
      return r;
    } finally {
      for (Client c : clients) {
        c.ch.close();
      }
    }
  }

  private static Client open(int call, Selector selector) throws IOException {
    DatagramChannel ch = DatagramChannel.open();
    ch.bind(new InetSocketAddress("127.0.0.1", 0));
    ch.socket().setReceiveBufferSize(1 << 20);
    ch.socket().setSoTimeout(2000);
    return new Client(ch, call);
  }

  private static final SplittableRandom TX = new SplittableRandom(7);

  private static Bytes tx() {
    byte[] t = new byte[12];
    TX.nextBytes(t);
    return Bytes.of(t);
  }

  /** A blocking request/answer with up to 5 tries. */
  private static StunMessage ask(Client c, InetSocketAddress relay, StunMessage m)
      throws IOException {
    byte[] out = m.withFingerprint().encode();
    ByteBuffer in = ByteBuffer.allocate(2048);
    for (int attempt = 0; attempt < 5; attempt++) {
      c.ch.send(ByteBuffer.wrap(out), relay);
      long until = System.nanoTime() + 500_000_000L;
      c.ch.configureBlocking(false);
      while (System.nanoTime() < until) {
        in.clear();
        SocketAddress from = c.ch.receive(in);
        if (from == null) {
          Thread.onSpinWait();
          continue;
        }
        byte[] b = Arrays.copyOf(in.array(), in.position());
        try {
          StunMessage answer = StunMessage.decode(b);
          if (answer.transactionId().equals(m.transactionId())) {
            return answer;
          }
        } catch (StunMessage.MalformedStunException e) {
          // not an answer
        }
      }
    }
    throw new IOException("the relay did not answer " + Integer.toHexString(m.type()));
  }

  private static StunMessage signed(Client c, StunMessage m, String name) {
    return m.with(StunMessage.USERNAME, StunMessage.text(name))
        .with(TurnServer.REALM, Bytes.of(c.realm)).with(TurnServer.NONCE, Bytes.of(c.nonce))
        .withIntegrity(c.key);
  }

  private static void allocate(Client c, InetSocketAddress relay, String name, String password)
      throws IOException {
    Bytes udp = Bytes.of((byte) 17, (byte) 0, (byte) 0, (byte) 0);
    StunMessage first = ask(c, relay, new StunMessage(0x0003, tx(), List.of())
        .with(TurnServer.REQUESTED_TRANSPORT, udp));
    if (first.attribute(TurnServer.REALM) == null || first.attribute(TurnServer.NONCE) == null) {
      StunMessage.Attribute e = first.attribute(StunMessage.ERROR_CODE);
      throw new IOException("the relay answered Allocate without a challenge"
          + (e == null ? "" : ": " + StunMessage.errorCodeOf(e.value()) + " "
              + StunMessage.errorReasonOf(e.value())));
    }
    c.realm = first.attribute(TurnServer.REALM).value().toByteArray();
    c.nonce = first.attribute(TurnServer.NONCE).value().toByteArray();
    c.key = TurnServer.longTermKey(name, new String(c.realm, StandardCharsets.UTF_8), password);
    StunMessage ok = ask(c, relay, signed(c, new StunMessage(0x0003, tx(), List.of())
        .with(TurnServer.REQUESTED_TRANSPORT, udp), name));
    if (ok.isError()) {
      throw new IOException("Allocate refused: " + StunMessage.errorCodeOf(
          ok.attribute(StunMessage.ERROR_CODE).value()) + " " + StunMessage.errorReasonOf(
              ok.attribute(StunMessage.ERROR_CODE).value()));
    }
    try {
      c.relayed = StunMessage.fromXorAddress(ok.attribute(TurnServer.XOR_RELAYED_ADDRESS)
          .value(), ok.transactionId());
    } catch (StunMessage.MalformedStunException e) {
      throw new IOException(e);
    }
  }

  private static void bind(Client c, InetSocketAddress relay, String name) throws IOException {
    Bytes t = tx();
    StunMessage ok = ask(c, relay, signed(c, new StunMessage(0x0009, t, List.of())
        .with(TurnServer.CHANNEL_NUMBER, Bytes.of((byte) (CHANNEL >>> 8), (byte) CHANNEL,
            (byte) 0, (byte) 0))
        .with(TurnServer.XOR_PEER_ADDRESS, StunMessage.xorAddress(c.partner.relayed, t)), name));
    if (ok.isError()) {
      throw new IOException("ChannelBind refused: " + StunMessage.errorCodeOf(
          ok.attribute(StunMessage.ERROR_CODE).value()));
    }
  }

  private static Result stream(List<Client> clients, Selector selector,
      InetSocketAddress relay, int seconds, boolean direct) throws IOException {
    int n = clients.size();
    long start = System.nanoTime() + 100_000_000L;
    for (int i = 0; i < n; i++) {
      clients.get(i).nextSendNanos = start + (long) i * INTERVAL_MICROS * 1000L / n;
    }
    long end = start + seconds * 1_000_000_000L;
    int[] latencyMicros = new int[(int) Math.min(Integer.MAX_VALUE - 8,
        (long) n * seconds * 55)];
    int samples = 0;
    long sent = 0;
    byte[] frame = new byte[4 + PAYLOAD];
    ByteBuffer out = ByteBuffer.wrap(frame);
    ByteBuffer in = ByteBuffer.allocate(2048);
    int off = direct ? 0 : 4;
    frame[0] = (byte) (CHANNEL >>> 8);
    frame[1] = (byte) CHANNEL;
    frame[2] = (byte) (PAYLOAD >>> 8);
    frame[3] = (byte) PAYLOAD;
    long drainUntil = end + 2_000_000_000L;
    long other = 0;
    while (true) {
      long now = System.nanoTime();
      if (now >= drainUntil) {
        break;
      }
      if (now < end) {
        for (Client c : clients) {
          while (c.nextSendNanos <= now && c.nextSendNanos < end) {
            // The payload follows ChannelData's 4-byte header; direct, only the payload goes.
            ByteBuffer.wrap(frame, 4, 16).putInt(c.call).putInt(c.seq++)
                .putLong(System.nanoTime());
            out.limit(frame.length).position(direct ? 4 : 0);
            InetSocketAddress to = direct ? (InetSocketAddress) c.partner.ch.getLocalAddress()
                : relay;
            if (c.ch.send(out, to) > 0) {
              sent++;
            }
            c.nextSendNanos += INTERVAL_MICROS * 1000L;
          }
        }
      }
      // Wait for packets at most a millisecond: sending stays on time within a millisecond, and
      // the tool leaves the CPU to the relay in between instead of spinning.
      selector.select(1);
      for (SelectionKey k : selector.selectedKeys()) {
        Client c = (Client) k.attachment();
        while (true) {
          in.clear();
          if (c.ch.receive(in) == null) {
            break;
          }
          other++;
          if (in.position() == off + PAYLOAD && samples < latencyMicros.length) {
            other--;
            long t = in.getLong(off + 8);
            latencyMicros[samples++] = (int) Math.min(Integer.MAX_VALUE,
                (System.nanoTime() - t) / 1000);
          }
        }
      }
      selector.selectedKeys().clear();
      if (now >= end && samples >= sent) {
        break;
      }
    }
    if (other > 0) {
      System.err.printf("%d datagrams of another size were ignored%n", other);
    }
    int[] lat = Arrays.copyOf(latencyMicros, samples);
    Arrays.sort(lat);
    double loss = sent == 0 ? 0 : 100.0 * (sent - samples) / sent;
    return new Result(direct ? "direct" : "relayed", n / 2, seconds, sent, samples,
        samples / (double) seconds, loss, pct(lat, 0.50), pct(lat, 0.99),
        lat.length == 0 ? 0 : lat[lat.length - 1] / 1000.0);
  }

  private static double pct(int[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    return sorted[Math.min(sorted.length - 1, (int) Math.floor(p * sorted.length))] / 1000.0;
  }
}
