package org.openvoip.server.enroll;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import org.openvoip.p2pp.security.CertificateChecker;
import org.openvoip.p2pp.security.CertificateProblem;
import org.openvoip.p2pp.security.Certificates;
import org.openvoip.p2pp.security.Identity;
import org.openvoip.p2pp.security.OverlayDocument;
import org.openvoip.p2pp.wire.Bytes;
import org.openvoip.p2pp.wire.Header;
import org.openvoip.p2pp.wire.IpAddress;
import org.openvoip.p2pp.wire.MalformedMessageException;
import org.openvoip.p2pp.wire.Message;
import org.openvoip.p2pp.wire.Method;
import org.openvoip.p2pp.wire.ResponseCode;
import org.openvoip.p2pp.wire.WireDecoder;
import org.openvoip.p2pp.wire.WireEncoder;
import org.openvoip.p2pp.wire.WireObject;

/**
 * Enrolls a node with an {@link EnrollmentServer}: one P2PP Enroll or Authenticate over TLS 1.3,
 * answered with the node's certificate, the CA's and the signed overlay document.
 *
 * <p>The client knows whom it talks to before it sends the password: the server's TLS certificate
 * must be the CA named by {@link Pin} (the certificate itself, or its SHA-256 fingerprint). The
 * answer is checked too: the node certificate must be that CA's, for this key and user, and the
 * overlay document signed by it.
 */
public final class EnrollmentClient {
  private EnrollmentClient() {}

  /** The CA a client expects: its certificate, or the SHA-256 fingerprint of its DER. */
  public record Pin(X509Certificate certificate, String sha256) {
    public static Pin of(X509Certificate c) {
      return new Pin(c, null);
    }

    /** A fingerprint in hex, with or without colons. */
    public static Pin fingerprint(String hex) {
      String clean = hex.replace(":", "").strip().toLowerCase(java.util.Locale.ROOT);
      if (!clean.matches("[0-9a-f]{64}")) {
        throw new IllegalArgumentException("'" + hex + "' is not a SHA-256 fingerprint (64 hex"
            + " digits)");
      }
      return new Pin(null, clean);
    }

    boolean matches(X509Certificate c) {
      return certificate != null ? certificate.equals(c) : sha256.equals(EnrollmentClient.fingerprint(c));
    }
  }

  /** What enrollment gives a node. */
  public record Enrolled(Identity identity, X509Certificate ca, OverlayDocument document,
      Bytes signedDocument) {}

  /** The SHA-256 fingerprint of a certificate's DER, in lower-case hex. */
  public static String fingerprint(X509Certificate c) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(Certificates.der(c).toByteArray()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Sends one Enroll ({@code method} ENROLL: a new node-ID) or Authenticate (the user's node-ID
   * again) for {@code keys} and {@code user}.
   *
   * @param password the user's password (cleared here), or empty to authenticate with
   *     {@code current} alone
   * @param current the node's current identity, shown as TLS client certificate; or null
   * @throws EnrollmentException the server's refusal (its code and reason), or 502 when the
   *     answer does not hold up
   * @throws IOException when the server cannot be reached or is not the pinned CA
   */
  public static Enrolled enroll(InetSocketAddress server, Pin pin, Method method, String user,
      char[] password, KeyPair keys, Identity current, SecureRandom random, int timeoutMillis)
      throws EnrollmentException, IOException {
    return exchange(server, pin, method, user, password, keys, current, random, timeoutMillis,
        true);
  }

  /**
   * Asks for the current overlay document with {@code current}'s certificate alone (an
   * Authenticate with an empty request): nothing is issued, and the answer's certificate is
   * {@code current}'s.
   */
  public static Enrolled status(InetSocketAddress server, Pin pin, Identity current,
      SecureRandom random, int timeoutMillis) throws EnrollmentException, IOException {
    return exchange(server, pin, Method.AUTHENTICATE, current.user(), new char[0],
        current.keys(), current, random, timeoutMillis, false);
  }

  private static Enrolled exchange(InetSocketAddress server, Pin pin, Method method, String user,
      char[] password, KeyPair keys, Identity current, SecureRandom random, int timeoutMillis,
      boolean withRequest) throws EnrollmentException, IOException {
    SSLContext tls = context(pin, current, random);
    try (SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket()) {
      s.connect(server, timeoutMillis);
      s.setSoTimeout(timeoutMillis);
      SSLParameters p = s.getSSLParameters();
      p.setProtocols(new String[] {"TLSv1.3"});
      s.setSSLParameters(p);
      s.startHandshake();
      X509Certificate shown = (X509Certificate) s.getSession().getPeerCertificates()[0];

      byte[] sourceId = new byte[Method.PRE_JOIN_ID_LENGTH];
      random.nextBytes(sourceId);
      int tx = random.nextInt();
      WireObject.PeerInfo self = WireObject.PeerInfo.of(Bytes.of(sourceId),
          WireObject.AddressInfo.of(WireObject.Candidate.host(new IpAddress(
              Bytes.of(s.getLocalAddress().getAddress())), s.getLocalPort())));
      java.nio.ByteBuffer encoded = StandardCharsets.UTF_8.encode(
          java.nio.CharBuffer.wrap(password));
      byte[] pw = new byte[encoded.remaining()];
      encoded.get(pw);
      java.util.Arrays.fill(encoded.array(), (byte) 0);
      java.util.Arrays.fill(password, '\0');
      Message request = Message.of(Header.request(method, false, false, Header.DEFAULT_TTL, tx,
          Bytes.of(sourceId)), self,
          new WireObject.CertificateSigningRequest(withRequest
              ? Certificates.request(keys, user, random) : Bytes.EMPTY),
          new WireObject.Password(Bytes.of(pw)));
      java.util.Arrays.fill(pw, (byte) 0);
      OutputStream out = s.getOutputStream();
      out.write(WireEncoder.encode(request));
      out.flush();

      Message answer = read(new DataInputStream(s.getInputStream()));
      if (answer.header().transactionId() != tx || !answer.header().kind().isResponse()) {
        throw new EnrollmentException(ResponseCode.BAD_REQUEST,
            "the server answered something else");
      }
      int code = answer.header().responseCode();
      if (code != ResponseCode.OK) {
        WireObject.ErrorInfo e = answer.first(WireObject.ErrorInfo.class);
        throw new EnrollmentException(code, e != null ? e.reason() : "refused with " + code);
      }
      return check(answer, shown, keys, user);
    }
  }

  private static Enrolled check(Message answer, X509Certificate ca, KeyPair keys, String user)
      throws EnrollmentException {
    try {
      List<WireObject.Certificate> certs = answer.all(WireObject.Certificate.class);
      X509Certificate mine = Certificates.parse(certs.get(0).der());
      List<X509Certificate> chain = new ArrayList<>();
      for (int i = 1; i < certs.size(); i++) {
        chain.add(Certificates.parse(certs.get(i).der()));
      }
      if (!chain.contains(ca)) {
        throw new CertificateProblem("the answer's chain does not hold the server's CA");
      }
      WireObject.OverlayDocumentObject docObject =
          answer.first(WireObject.OverlayDocumentObject.class);
      if (docObject == null) {
        throw new CertificateProblem("the answer carries no overlay document");
      }
      OverlayDocument doc = OverlayDocument.verify(docObject.value(), List.of(ca));
      CertificateChecker.Verified v = new CertificateChecker(List.of(ca), false,
          doc.config().idLength()).check(mine, System.currentTimeMillis());
      if (!v.publicKey().equals(keys.getPublic()) || !v.user().equals(user)) {
        throw new CertificateProblem("the certificate is not for this key and user");
      }
      return new Enrolled(new Identity(keys, mine), ca, doc, docObject.value());
    } catch (CertificateProblem | IndexOutOfBoundsException e) {
      throw new EnrollmentException(502, "the server's answer does not hold up: "
          + e.getMessage());
    }
  }

  private static Message read(DataInputStream in) throws IOException, EnrollmentException {
    byte[] head = new byte[Header.FIXED_LENGTH];
    in.readFully(head);
    WireDecoder d = WireDecoder.forIdLength(Method.PRE_JOIN_ID_LENGTH);
    try {
      int length = d.frameLength(head, 0, head.length);
      byte[] all = java.util.Arrays.copyOf(head, length);
      in.readFully(all, head.length, length - head.length);
      return d.decode(all);
    } catch (MalformedMessageException e) {
      throw new EnrollmentException(ResponseCode.BAD_REQUEST, "the server's answer is not P2PP: "
          + e.getMessage());
    }
  }

  private static SSLContext context(Pin pin, Identity current, SecureRandom random)
      throws IOException {
    try {
      KeyManager[] kms = null;
      if (current != null) {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        char[] none = new char[0];
        ks.setKeyEntry("node", current.keys().getPrivate(), none,
            new X509Certificate[] {current.certificate()});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance("SunX509");
        kmf.init(ks, none);
        kms = kmf.getKeyManagers();
      }
      SSLContext ctx = SSLContext.getInstance("TLSv1.3");
      ctx.init(kms, new TrustManager[] {new Pinned(pin)}, random);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot set up TLS: " + e.getMessage(), e);
    }
  }

  /** Trusts exactly the pinned CA certificate as the server's. */
  private static final class Pinned extends org.openvoip.net.ChainCheck {
    private final Pin pin;

    Pinned(Pin pin) {
      this.pin = pin;
    }

    @Override
    protected void server(X509Certificate[] chain) throws CertificateException {
      if (chain == null || chain.length == 0 || !pin.matches(chain[0])) {
        throw new CertificateException("the server is not the expected CA"
            + (chain != null && chain.length > 0 ? " (it showed " + chain[0]
                .getSubjectX500Principal().getName() + ", SHA-256 " + fingerprint(chain[0])
                + ")" : ""));
      }
    }

    @Override
    protected void client(X509Certificate[] chain) throws CertificateException {
      throw new CertificateException("a client only");
    }
  }
}
