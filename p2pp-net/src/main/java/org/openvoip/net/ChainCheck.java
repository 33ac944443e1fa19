package org.openvoip.net;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * A trust manager that decides by one rule per side, whichever way JSSE asks (plain, on a socket,
 * on an engine). Endpoint identification by host name does not apply: P2PP peers are named by
 * node-IDs in their certificates, which the rules check.
 */
public abstract class ChainCheck extends X509ExtendedTrustManager {
  /** Accepts or refuses the certificates a client showed (the first is its own). */
  protected abstract void client(X509Certificate[] chain) throws CertificateException;

  /** Accepts or refuses the certificates a server showed (the first is its own). */
  protected abstract void server(X509Certificate[] chain) throws CertificateException;

  @Override
  public final void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    client(chain);
  }

  @Override
  public final void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    client(chain);
  }

  @Override
  public final void checkClientTrusted(X509Certificate[] chain, String authType,
      SSLEngine engine) throws CertificateException {
    client(chain);
  }

  @Override
  public final void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    server(chain);
  }

  @Override
  public final void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    server(chain);
  }

  @Override
  public final void checkServerTrusted(X509Certificate[] chain, String authType,
      SSLEngine engine) throws CertificateException {
    server(chain);
  }

  /** No issuers are named to the other side: it shows its certificate, the rules decide. */
  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return new X509Certificate[0];
  }
}
