package org.openvoip.cli;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.openvoip.p2pp.env.Endpoint;
import org.openvoip.p2pp.node.OverlayConfig;
import org.openvoip.p2pp.node.P2ppException;
import org.openvoip.p2pp.overlay.Overlays;
import org.openvoip.p2pp.transaction.TransactionConfig;
import org.openvoip.p2pp.wire.Bytes;
import org.openvoip.p2pp.wire.IpAddress;
import picocli.CommandLine;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** What the network commands share: HOST:PORT parsing, overlay choice, threads, keys. */
final class NetSupport {
  private NetSupport() {}

  /** Parses HOST:PORT ([v6-address]:PORT for IPv6); the host must resolve now. */
  static final class HostPortConverter implements ITypeConverter<InetSocketAddress> {
    @Override
    public InetSocketAddress convert(String value) {
      return parseHostPort(value);
    }
  }

  /** Parses a signature algorithm's name (ed25519, ecdsa-p256). */
  static final class SchemeConverter
      implements ITypeConverter<org.openvoip.p2pp.security.SignatureScheme> {
    @Override
    public org.openvoip.p2pp.security.SignatureScheme convert(String value) {
      try {
        return org.openvoip.p2pp.security.SignatureScheme.ofName(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }

  static InetSocketAddress parseHostPort(String value) {
    int colon = value.lastIndexOf(':');
    if (colon <= 0 || colon == value.length() - 1) {
      throw new CommandLine.TypeConversionException(
          "'" + value + "' is not HOST:PORT (e.g. 127.0.0.1:7080)");
    }
    String host = value.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(value.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new CommandLine.TypeConversionException(
          "'" + value + "': the port '" + value.substring(colon + 1) + "' is not a number");
    }
    if (port < 0 || port > 0xFFFF) {
      throw new CommandLine.TypeConversionException(
          "'" + value + "': the port must be 0..65535");
    }
    try {
      return new InetSocketAddress(InetAddress.getByName(host), port);
    } catch (UnknownHostException e) {
      throw new CommandLine.TypeConversionException("'" + value + "': unknown host " + host);
    }
  }

  static Endpoint endpoint(InetSocketAddress a) {
    return new Endpoint(new IpAddress(Bytes.of(a.getAddress().getAddress())), a.getPort());
  }

  /** The overlay configuration for {@code algorithm}, or a usage error naming the known ones. */
  static OverlayConfig overlay(CommandSpec spec, String algorithm) {
    if (!Overlays.names().contains(algorithm)) {
      throw new ParameterException(spec.commandLine(), "unknown overlay '" + algorithm
          + "'; this build has: " + String.join(", ", Overlays.names()));
    }
    return OverlayConfig.DEFAULTS.toBuilder().algorithm(algorithm).build();
  }

  /**
   * Timers for an overlay on one machine (loopback): round trips take well under a millisecond,
   * so a hop silent for 1 s (T2) is gone, neighbours are checked every half second and replicas
   * every second. A crash is noticed in about two seconds instead of the draft defaults' half
   * minute.
   */
  static OverlayConfig loopback(OverlayConfig base) {
    return base.toBuilder()
        .transactions(new TransactionConfig(100, 1000, 5000, 1400, 10_000))
        .keepAliveMillis(500).neighborMaintenanceMillis(500).routingMaintenanceMillis(2000)
        .replicationMillis(1000).build();
  }

  /** SHA-1 of the UTF-8 text: the 20-byte resource ID of a user key. */
  static Bytes resourceId(String key) {
    try {
      return Bytes.of(MessageDigest.getInstance("SHA-1")
          .digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-1", e);
    }
  }

  static Bytes randomId(int length) {
    byte[] b = new byte[length];
    new SecureRandom().nextBytes(b);
    return Bytes.of(b);
  }

  /** Event loops for the nodes of this process. */
  static EventLoopGroup eventLoops(int threads) {
    return new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory());
  }

  /** Where futures complete: daemon threads, never an event loop. */
  static ExecutorService callbacks() {
    return Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "openvoip-callbacks");
      t.setDaemon(true);
      return t;
    });
  }

  static void shutdown(EventLoopGroup group, ExecutorService callbacks) {
    callbacks.shutdownNow();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** A failure's cause in words: a P2PP error without its code prefix, else the message. */
  static String describe(Throwable e) {
    Throwable t = e;
    while ((t instanceof java.util.concurrent.ExecutionException
        || t instanceof java.util.concurrent.CompletionException) && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof P2ppException p) {
      String m = p.getMessage();
      String prefix = p.code() + " ";
      return m.startsWith(prefix) ? m.substring(prefix.length()) : m;
    }
    return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
  }
}
