package org.openvoip.server.enroll;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.TrustManager;
import org.openvoip.net.FrameDecoder;
import org.openvoip.p2pp.security.Certificates;
import org.openvoip.p2pp.security.OverlayDocument;
import org.openvoip.p2pp.transaction.TransactionLayer;
import org.openvoip.p2pp.wire.Bytes;
import org.openvoip.p2pp.wire.Header;
import org.openvoip.p2pp.wire.IpAddress;
import org.openvoip.p2pp.wire.MalformedMessageException;
import org.openvoip.p2pp.wire.Message;
import org.openvoip.p2pp.wire.MessageKind;
import org.openvoip.p2pp.wire.Method;
import org.openvoip.p2pp.wire.ResponseCode;
import org.openvoip.p2pp.wire.WireDecoder;
import org.openvoip.p2pp.wire.WireEncoder;
import org.openvoip.p2pp.wire.WireObject;
import org.openvoip.p2pp.wire.WireObject.AddressInfo;
import org.openvoip.p2pp.wire.WireObject.Candidate;
import org.openvoip.p2pp.wire.WireObject.PeerInfo;

/**
 * The enrollment and authentication (E&A) server of draft section 4.5: P2PP Enroll and
 * Authenticate requests over TLS 1.3, answered by an {@link EnrollmentAuthority}.
 *
 * <p>The server shows the CA's certificate in its TLS handshake, so a node that knows the CA (its
 * certificate, or the SHA-256 fingerprint an operator published) knows it talks to the right
 * server before it sends a password. A client certificate is asked for but not required: an
 * enrolled node renews its certificate with Authenticate and the certificate alone.
 *
 * <p>An Enroll (the CSR's subject is the user, with its password) gets a certificate for a new
 * node-ID; an Authenticate (password, or the current certificate shown in TLS) a new certificate
 * for the user's node-ID. An Authenticate with an empty request and the current certificate
 * shown in TLS is a status check: the answer carries that certificate and the current document
 * (running nodes learn revocations this way). The 200 answer carries the server's Peer-Info, the node's certificate,
 * the CA's certificate and the signed {@link OverlayDocument}, which lists the revoked serials;
 * refusals carry an Error with the reason: 401 (wrong password or unknown user), 403 (a request
 * in another name), 400 (a malformed request). Password checks run on one worker thread, never
 * on the event loop (600,000 PBKDF2 iterations take a while, on purpose).
 */
public final class EnrollmentServer implements AutoCloseable {
  /** Certificates issued here are valid this long unless said otherwise: 30 days. */
  public static final long DEFAULT_VALIDITY_MILLIS = 30L * 86_400_000L;
  private static final int MAX_FRAME = 64 * 1024;

  private final EnrollmentAuthority authority;
  private final long validityMillis;
  private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "enrollment-authority");
    t.setDaemon(true);
    return t;
  });

  private final java.util.concurrent.ScheduledExecutorService watcher =
      Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "enrollment-watch");
        t.setDaemon(true);
        return t;
      });
  private final WireDecoder decoder;
  private final SSLContext tls;
  private final Map<String, Long> counters = new TreeMap<>();
  private OverlayDocument template;
  private Bytes document;
  private Channel server;

  private EnrollmentServer(EnrollmentAuthority authority, OverlayDocument template,
      long validityMillis, KeyPair caKeys, SecureRandom random) {
    this.authority = authority;
    this.validityMillis = validityMillis;
    this.template = template;
    this.decoder = new WireDecoder(authority.idLength(), MAX_FRAME);
    this.tls = context(caKeys, authority.certificate(), random);
    this.template = withSequence(template, Math.max(template.sequence(),
        System.currentTimeMillis()));
    this.document = authority.signDocument(this.template);
  }

  /**
   * Starts the server on {@code at} (port 0: any free port).
   *
   * @param template the overlay document to hand out; its roots and revoked serials are the
   *     authority's, and its sequence is the signing time (at least), raised at each revocation
   */
  public static EnrollmentServer start(EventLoopGroup group, InetSocketAddress at,
      EnrollmentAuthority authority, OverlayDocument template, long validityMillis,
      SecureRandom random) throws InterruptedException {
    EnrollmentServer s = new EnrollmentServer(authority, template, validityMillis,
        authority.caKeys(), random);
    s.server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            SSLEngine e = s.tls.createSSLEngine();
            e.setUseClientMode(false);
            SSLParameters p = e.getSSLParameters();
            p.setProtocols(new String[] {"TLSv1.3"});
            p.setWantClientAuth(true);
            e.setSSLParameters(p);
            ch.pipeline().addLast(new ReadTimeoutHandler(30), new SslHandler(e),
                new FrameDecoder(s.decoder, bad -> s.count("malformed")), s.new Handler());
          }
        }).bind(at).sync().channel();
    s.watcher.scheduleWithFixedDelay(s::reload, 5, 5, java.util.concurrent.TimeUnit.SECONDS);
    return s;
  }

  /** Takes in users and revocations that another process wrote to the data directory. */
  private void reload() {
    try {
      worker.submit(() -> {
        if (authority.reload()) {
          resign();
        }
        return null;
      }).get();
    } catch (Exception e) {
      count("reload-failed");
    }
  }

  /** Signs the document again, with a higher sequence: call on the worker. */
  private synchronized void resign() {
    template = withSequence(template, Math.max(template.sequence() + 1,
        System.currentTimeMillis()));
    document = authority.signDocument(template);
    count("document-signed");
  }

  public InetSocketAddress address() {
    return (InetSocketAddress) server.localAddress();
  }

  /** The signed overlay document handed out now. */
  public synchronized Bytes document() {
    return document;
  }

  /**
   * Revokes a certificate: the authority records it, and the overlay document is signed again
   * with a higher sequence number and the serial in its revoked list.
   */
  public void revoke(BigInteger serial) throws IOException, InterruptedException {
    try {
      worker.submit(() -> {
        authority.revoke(serial);
        resign();
        return null;
      }).get();
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
    }
  }

  /** Work on the authority, run on the server's worker (the authority is single-threaded). */
  @FunctionalInterface
  public interface AuthorityTask<T> {
    T run(EnrollmentAuthority authority) throws Exception;
  }

  /**
   * Runs {@code task} on the authority between requests: adding users or issuing certificates
   * from the process that runs the server.
   */
  public <T> T withAuthority(AuthorityTask<T> task) throws Exception {
    try {
      return worker.submit(() -> task.run(authority)).get();
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof Exception ex ? ex : new IllegalStateException(e.getCause());
    }
  }

  /** Names {@code hostPort} as the enrollment server in the document, signed again. */
  public void advertise(String hostPort) throws InterruptedException {
    try {
      worker.submit(() -> {
        synchronized (this) {
          OverlayDocument d = template;
          template = new OverlayDocument(d.overlay(), d.sequence(), d.config(),
              d.selfSignedAllowed(), d.kinds(), d.rootCertificates(), d.bootstrap(), hostPort,
              d.revoked());
        }
        resign();
        return null;
      }).get();
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
  }

  /** Requests answered so far, by outcome (enrolled, authenticated, refused-401, ...). */
  public synchronized Map<String, Long> counters() {
    return new TreeMap<>(counters);
  }

  private synchronized void count(String name) {
    counters.merge(name, 1L, Long::sum);
  }

  private static OverlayDocument withSequence(OverlayDocument d, long sequence) {
    return new OverlayDocument(d.overlay(), sequence, d.config(), d.selfSignedAllowed(),
        d.kinds(), d.rootCertificates(), d.bootstrap(), d.enrollmentServer(), d.revoked());
  }

  @Override
  public void close() {
    watcher.shutdownNow();
    server.close().syncUninterruptibly();
    worker.shutdownNow();
  }

  private Message answer(Message request, X509Certificate presented) {
    Header h = request.header();
    if (h.kind() != MessageKind.REQUEST
        || (h.method() != Method.ENROLL && h.method() != Method.AUTHENTICATE)) {
      return refusal(h, ResponseCode.REQUEST_REJECTED,
          "this is an enrollment server: it answers Enroll and Authenticate only");
    }
    Bytes csr = request.first(WireObject.CertificateSigningRequest.class).der();
    char[] password = new String(request.first(WireObject.Password.class).value().toByteArray(),
        java.nio.charset.StandardCharsets.UTF_8).toCharArray();
    try {
      if (h.method() == Method.AUTHENTICATE && csr.length() == 0) {
        // A status check: the node shows its certificate and wants the current document.
        EnrollmentAuthority.Issued current = authority.current(presented,
            System.currentTimeMillis());
        count("checked");
        return granted(h, current);
      }
      String user;
      try {
        user = Certificates.parseRequest(csr).subject();
      } catch (org.openvoip.p2pp.security.CertificateProblem p) {
        throw new EnrollmentException(ResponseCode.BAD_REQUEST, p.getMessage());
      }
      long now = System.currentTimeMillis();
      EnrollmentAuthority.Issued issued = h.method() == Method.ENROLL
          ? authority.enroll(user, password, csr, now, validityMillis)
          : authority.authenticate(user, password, presented, csr, now, validityMillis);
      count(h.method() == Method.ENROLL ? "enrolled" : "authenticated");
      return granted(h, issued);
    } catch (EnrollmentException e) {
      count("refused-" + e.code());
      return refusal(h, e.code(), e.getMessage());
    } catch (IOException e) {
      count("failed");
      return refusal(h, ResponseCode.OVERLOADED, "the server cannot record the certificate: "
          + e.getMessage());
    } finally {
      java.util.Arrays.fill(password, '\0');
    }
  }

  private Message granted(Header h, EnrollmentAuthority.Issued issued) {
    return new Message(Header.responseTo(h, false, ResponseCode.OK, true,
        TransactionLayer.PRE_JOIN_RESPONDER), List.of(self(),
            new WireObject.Certificate(WireObject.Certificate.SERVER_SIGNED,
                Certificates.der(issued.certificate())),
            new WireObject.Certificate(WireObject.Certificate.SELF_SIGNED,
                Certificates.der(authority.certificate())),
            new WireObject.OverlayDocumentObject(document())));
  }

  private Message refusal(Header h, int code, String reason) {
    return new Message(Header.responseTo(h, false, code, true,
        h.method().usesPreJoinIds() ? TransactionLayer.PRE_JOIN_RESPONDER
            : Bytes.of(new byte[h.sourceId().length()])),
        List.of(self(), new WireObject.ErrorInfo(code, 0, WireObject.ErrorInfo.NO_OBJECT,
            reason)));
  }

  private PeerInfo self() {
    InetSocketAddress a = address();
    return PeerInfo.of(TransactionLayer.PRE_JOIN_RESPONDER, AddressInfo.of(Candidate.host(
        new IpAddress(Bytes.of(a.getAddress().getAddress())), a.getPort())));
  }

  private final class Handler extends SimpleChannelInboundHandler<byte[]> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, byte[] frame) {
      Message m;
      try {
        m = decoder.decode(frame);
      } catch (MalformedMessageException e) {
        count("malformed");
        Header h = e.header();
        if (h != null && h.kind() == MessageKind.REQUEST && !h.ack()) {
          write(ctx, refusal(h, e.responseCode() == 0 ? ResponseCode.BAD_REQUEST
              : e.responseCode(), e.getMessage()));
        }
        return;
      }
      X509Certificate presented = null;
      try {
        Certificate[] c = ctx.pipeline().get(SslHandler.class).engine().getSession()
            .getPeerCertificates();
        presented = c.length > 0 ? (X509Certificate) c[0] : null;
      } catch (SSLPeerUnverifiedException e) {
        // no client certificate: the password must do
      }
      X509Certificate shown = presented;
      worker.execute(() -> write(ctx, answer(m, shown)));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      count("connection-errors");
      ctx.close();
    }

    private void write(ChannelHandlerContext ctx, Message answer) {
      ctx.writeAndFlush(Unpooled.wrappedBuffer(WireEncoder.encode(answer)));
    }
  }

  /** TLS with the CA's key and certificate; clients' certificates are checked by the authority. */
  private static SSLContext context(KeyPair caKeys, X509Certificate ca, SecureRandom random) {
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      char[] none = new char[0];
      ks.setKeyEntry("ca", caKeys.getPrivate(), none, new X509Certificate[] {ca});
      KeyManagerFactory kmf = KeyManagerFactory.getInstance("SunX509");
      kmf.init(ks, none);
      SSLContext ctx = SSLContext.getInstance("TLSv1.3");
      ctx.init(kmf.getKeyManagers(), new TrustManager[] {new AnyClient()}, random);
      return ctx;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot set up TLS with the CA's key: " + e.getMessage(),
          e);
    }
  }

  /**
   * Takes any client certificate into the session: the handshake proves the client holds its
   * key, and {@link EnrollmentAuthority#authenticate} decides whether it proves anything.
   */
  private static final class AnyClient extends org.openvoip.net.ChainCheck {
    @Override
    protected void client(X509Certificate[] chain) {
      // the authority decides what a client certificate proves
    }

    @Override
    protected void server(X509Certificate[] chain) throws CertificateException {
      throw new CertificateException("a server only");
    }
  }
}
