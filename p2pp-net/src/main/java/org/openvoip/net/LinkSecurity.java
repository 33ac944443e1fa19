package org.openvoip.net;

import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManager;
import org.openvoip.p2pp.security.CertificateChecker;
import org.openvoip.p2pp.security.CertificateProblem;
import org.openvoip.p2pp.security.Certificates;
import org.openvoip.p2pp.security.Identity;
import org.openvoip.p2pp.wire.Bytes;

/**
 * What a node needs for authenticated links: its identity (key and certificate, with the chain
 * up to the overlay's CA), and the overlay's {@link CertificateChecker}, which decides whose
 * certificates are good. Both ends of every link show a certificate (mutual authentication):
 * TLS 1.3 over TCP, DTLS 1.2 over UDP, from the JDK's provider.
 *
 * <p>A peer's certificate is checked as stored data's are: issued by the overlay's CA (or
 * self-signed with a node-ID that hashes its key, where the overlay allows that), valid now,
 * not revoked. The handshake proves the peer holds the certificate's key. What a refused
 * certificate was is counted under the refusal's counter ({@code
 * security.refused.bad-certificate}, {@code security.refused.revoked-certificate}).
 */
public final class LinkSecurity {
  /** The TLS version of streams. */
  public static final String TLS = "TLSv1.3";
  /** The DTLS version of datagrams (JDK 17 has no DTLS 1.3). */
  public static final String DTLS = "DTLSv1.2";

  private final Identity identity;
  private final List<X509Certificate> chain;
  private final CertificateChecker checker;
  private final SecureRandom random;

  /**
   * @param identity this node's key and certificate
   * @param chain the certificates above it, nearest first (the issuing CA's; none when
   *     self-signed)
   * @param checker the overlay's rules for peers' certificates
   * @param random the runtime's randomness for handshakes
   */
  public LinkSecurity(Identity identity, List<X509Certificate> chain, CertificateChecker checker,
      SecureRandom random) {
    this.identity = identity;
    this.chain = List.copyOf(chain);
    this.checker = checker;
    this.random = random;
  }

  /**
   * The TLS and DTLS contexts of one transport.
   *
   * @param refused told each refused certificate's problem, on the thread of the handshake
   */
  public Contexts contexts(Consumer<CertificateProblem> refused) {
    return new Contexts(context(TLS, refused), context(DTLS, refused));
  }

  /** Makes the engines of one transport's links. */
  public static final class Contexts {
    private final SSLContext tls;
    private final SSLContext dtls;

    private Contexts(SSLContext tls, SSLContext dtls) {
      this.tls = tls;
      this.dtls = dtls;
    }

    /** A TLS 1.3 engine for one connection, asking the peer for its certificate. */
    public SSLEngine tlsEngine(boolean client, InetSocketAddress peer) {
      SSLEngine e = tls.createSSLEngine(peer.getHostString(), peer.getPort());
      e.setUseClientMode(client);
      SSLParameters p = e.getSSLParameters();
      p.setProtocols(new String[] {TLS});
      p.setNeedClientAuth(true);
      e.setSSLParameters(p);
      return e;
    }

    /**
     * A DTLS 1.2 engine for one peer address, asking the peer for its certificate; the server
     * side answers a first ClientHello with a cookie (HelloVerifyRequest), so a forged source
     * address costs no handshake.
     */
    public SSLEngine dtlsEngine(boolean client, InetSocketAddress peer, int maxPacket) {
      SSLEngine e = dtls.createSSLEngine(peer.getHostString(), peer.getPort());
      e.setUseClientMode(client);
      SSLParameters p = e.getSSLParameters();
      p.setProtocols(new String[] {DTLS});
      p.setNeedClientAuth(true);
      p.setMaximumPacketSize(maxPacket);
      p.setEnableRetransmissions(true);
      e.setSSLParameters(p);
      return e;
    }
  }

  /** The node-IDs the peer's certificate binds, once its handshake is done. */
  public static List<Bytes> peerIds(SSLSession session) {
    try {
      Certificate[] c = session.getPeerCertificates();
      return c.length == 0 ? List.of() : Certificates.nodeIds((X509Certificate) c[0]);
    } catch (SSLPeerUnverifiedException e) {
      return List.of();
    }
  }

  private SSLContext context(String protocol, Consumer<CertificateProblem> refused) {
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      List<X509Certificate> all = new ArrayList<>();
      all.add(identity.certificate());
      all.addAll(chain);
      char[] none = new char[0];
      ks.setKeyEntry("node", identity.keys().getPrivate(), none,
          all.toArray(new X509Certificate[0]));
      KeyManagerFactory kmf = KeyManagerFactory.getInstance("SunX509");
      kmf.init(ks, none);
      SSLContext ctx = SSLContext.getInstance(protocol);
      ctx.init(kmf.getKeyManagers(), new TrustManager[] {new OverlayTrust(refused)}, random);
      return ctx;
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalStateException("cannot set up " + protocol + " with this identity: "
          + e.getMessage(), e);
    }
  }

  /** Trusts exactly the certificates the overlay's checker accepts now, for either side. */
  private final class OverlayTrust extends ChainCheck {
    private final Consumer<CertificateProblem> refused;

    OverlayTrust(Consumer<CertificateProblem> refused) {
      this.refused = refused;
    }

    @Override
    protected void client(X509Certificate[] chain) throws CertificateException {
      check(chain);
    }

    @Override
    protected void server(X509Certificate[] chain) throws CertificateException {
      check(chain);
    }

    private void check(X509Certificate[] chain) throws CertificateException {
      if (chain == null || chain.length == 0) {
        throw new CertificateException("the peer showed no certificate");
      }
      try {
        checker.check(chain[0], System.currentTimeMillis());
      } catch (CertificateProblem p) {
        refused.accept(p);
        throw new CertificateException(p.getMessage(), p);
      }
    }
  }
}
