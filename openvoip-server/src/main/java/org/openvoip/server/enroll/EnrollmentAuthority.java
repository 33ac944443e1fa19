package org.openvoip.server.enroll;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.KeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.openvoip.p2pp.security.CertificateChecker;
import org.openvoip.p2pp.security.CertificateProblem;
import org.openvoip.p2pp.security.OverlayDocument;
import org.openvoip.p2pp.security.Certificates;
import org.openvoip.p2pp.security.SignatureScheme;
import org.openvoip.p2pp.wire.Bytes;
import org.openvoip.p2pp.wire.ResponseCode;

/**
 * The certificate authority of one overlay, with its user accounts, kept in a data directory:
 * {@code ca.key} (PKCS#8 PEM, readable by the owner only) and {@code ca.crt}, {@code users}
 * (one line per user: name, then PBKDF2-HMAC-SHA256 salt, iterations and hash in Base64; never
 * the password), {@code issued} (serial, user, node-ID, not-after per certificate) and
 * {@code revoked} (serials). A user enrolls with a PKCS#10 request for its own name; the
 * authority assigns the node-ID and returns a certificate binding user, node-ID and key.
 *
 * <p>Not thread-safe: the enrollment server calls it from one thread.
 */
public final class EnrollmentAuthority {
  /** PBKDF2 iterations for new passwords (OWASP's 2023 advice for PBKDF2-HMAC-SHA256). */
  public static final int DEFAULT_ITERATIONS = 600_000;
  private static final long HOUR = 3_600_000L;

  private final Path dir;
  private final String overlay;
  private final int idLength;
  private final SecureRandom random;
  private final KeyPair caKeys;
  private final X509Certificate ca;
  private final int iterations;
  private final Map<String, String> users = new LinkedHashMap<>();
  private final Set<BigInteger> revoked = new HashSet<>();
  private final Set<Bytes> assigned = new HashSet<>();

  private EnrollmentAuthority(Path dir, String overlay, int idLength, SecureRandom random,
      KeyPair caKeys, X509Certificate ca, int iterations) {
    this.dir = dir;
    this.overlay = overlay;
    this.idLength = idLength;
    this.random = random;
    this.caKeys = caKeys;
    this.ca = ca;
    this.iterations = iterations;
  }

  /**
   * Opens the authority kept in {@code dir}, or creates one there (a new CA key and a
   * certificate valid for {@code validityMillis} from {@code nowMillis}).
   */
  public static EnrollmentAuthority open(Path dir, String overlay, int idLength,
      SignatureScheme scheme, long nowMillis, long validityMillis, int iterations,
      SecureRandom random) throws IOException {
    Files.createDirectories(dir);
    Path keyFile = dir.resolve("ca.key");
    Path certFile = dir.resolve("ca.crt");
    KeyPair keys;
    X509Certificate cert;
    if (Files.exists(keyFile) && Files.exists(certFile)) {
      cert = readCertificate(certFile);
      keys = new KeyPair(cert.getPublicKey(), readKey(keyFile));
    } else {
      keys = scheme.generate(random);
      cert = Certificates.authority(keys, "OpenVoIP " + overlay + " CA", nowMillis - HOUR,
          nowMillis + validityMillis, random);
      writeSecret(keyFile, pemPkcs8(keys.getPrivate()));
      writeAtomically(certFile, pem(cert));
    }
    EnrollmentAuthority a = new EnrollmentAuthority(dir, overlay, idLength, random, keys, cert,
        iterations);
    a.load();
    return a;
  }

  /** The CA certificate: the overlay's trust anchor. */
  public X509Certificate certificate() {
    return ca;
  }

  public String overlay() {
    return overlay;
  }

  /** Bytes in the overlay's node-IDs. */
  public int idLength() {
    return idLength;
  }

  /** The CA's keys, for the enrollment server's TLS. */
  KeyPair caKeys() {
    return caKeys;
  }

  /**
   * Reads the users and revoked serials again, for changes made by another process (the
   * {@code enroll-server add-user} and {@code revoke} commands while a server runs).
   *
   * @return whether the revoked serials changed
   */
  public boolean reload() throws IOException {
    Set<BigInteger> before = Set.copyOf(revoked);
    users.clear();
    load();
    return !revoked.equals(before);
  }

  /** Adds a user, or sets a new password; the password array is cleared. */
  public void setPassword(String user, char[] password) throws IOException {
    if (user == null || user.isBlank() || user.contains(" ") || user.contains("\n")) {
      throw new IllegalArgumentException("a user name has no spaces: '" + user + "'");
    }
    if (password.length < 8) {
      throw new IllegalArgumentException("a password needs at least 8 characters");
    }
    byte[] salt = new byte[16];
    random.nextBytes(salt);
    byte[] hash = pbkdf2(password, salt, iterations);
    java.util.Arrays.fill(password, '\0');
    Base64.Encoder b64 = Base64.getEncoder();
    users.put(user, b64.encodeToString(salt) + " " + iterations + " " + b64.encodeToString(hash));
    saveUsers();
  }

  /** Whether {@code password} is {@code user}'s; compares in constant time. */
  public boolean checkPassword(String user, char[] password) {
    String entry = users.get(user);
    if (entry == null) {
      return false;
    }
    String[] f = entry.split(" ");
    Base64.Decoder b64 = Base64.getDecoder();
    byte[] hash = pbkdf2(password, b64.decode(f[0]), Integer.parseInt(f[1]));
    return MessageDigest.isEqual(hash, b64.decode(f[2]));
  }

  /** A certificate issued: its DER, the node-ID assigned, its serial. */
  public record Issued(X509Certificate certificate, Bytes nodeId, BigInteger serial) {}

  /**
   * Enrolls {@code user}: checks the password and the request (its subject must be the user,
   * its signature good), assigns a fresh node-ID and issues a certificate valid for
   * {@code validityMillis}.
   *
   * @throws EnrollmentException 401 for an unknown user or a wrong password, 403 for a request
   *     in another name, 400 for a malformed request
   */
  public Issued enroll(String user, char[] password, Bytes csr, long nowMillis,
      long validityMillis) throws EnrollmentException, IOException {
    if (!checkPassword(user, password)) {
      throw new EnrollmentException(ResponseCode.UNAUTHORIZED,
          "unknown user or wrong password");
    }
    Certificates.Request req = requestOf(user, csr);
    Bytes nodeId;
    do {
      byte[] b = new byte[idLength];
      random.nextBytes(b);
      nodeId = Bytes.of(b);
    } while (!assigned.add(nodeId));
    return issue(user, req, nodeId, nowMillis, validityMillis);
  }

  /** The request in {@code csr}: 400 if it does not parse, 403 if it is not for {@code user}. */
  private static Certificates.Request requestOf(String user, Bytes csr)
      throws EnrollmentException {
    Certificates.Request req;
    try {
      req = Certificates.parseRequest(csr);
    } catch (CertificateProblem p) {
      throw new EnrollmentException(ResponseCode.BAD_REQUEST, p.getMessage());
    }
    if (!req.subject().equals(user)) {
      throw new EnrollmentException(ResponseCode.FORBIDDEN, "the request is for '"
          + req.subject() + "', not for " + user);
    }
    return req;
  }

  private Issued issue(String user, Certificates.Request req, Bytes nodeId, long nowMillis,
      long validityMillis) throws IOException {
    BigInteger serial = Certificates.serial(random);
    X509Certificate c = Certificates.node(req.publicKey(), user, List.of(nodeId), overlay, ca,
        caKeys.getPrivate(), serial, nowMillis - HOUR, nowMillis + validityMillis, random);
    append(dir.resolve("issued"), serial.toString(16) + " " + user + " " + nodeId.hex() + " "
        + (nowMillis + validityMillis) + "\n");
    return new Issued(c, nodeId, serial);
  }

  /**
   * Authenticates an enrolled user again (the draft's Authenticate) and issues a new certificate
   * for the key in {@code csr}, keeping the user's node-ID. The user proves who it is either with
   * its password or with a certificate this authority issued to it, valid and not revoked, for the
   * same key (a renewal over a TLS connection where it showed that certificate).
   *
   * @param password the user's password, or null when {@code presented} proves the user
   * @param presented the certificate the client showed in its TLS handshake, or null
   * @throws EnrollmentException 401 when neither proof holds, 403 for a request in another name
   *     or a key that is not the certificate's, 400 for a malformed request
   */
  public Issued authenticate(String user, char[] password, X509Certificate presented, Bytes csr,
      long nowMillis, long validityMillis) throws EnrollmentException, IOException {
    Certificates.Request req = requestOf(user, csr);
    Bytes nodeId;
    if (password != null && password.length > 0) {
      if (!checkPassword(user, password)) {
        throw new EnrollmentException(ResponseCode.UNAUTHORIZED,
            "unknown user or wrong password");
      }
      nodeId = lastNodeId(user);
    } else if (presented != null) {
      nodeId = renewable(presented, user, req, nowMillis);
    } else {
      throw new EnrollmentException(ResponseCode.UNAUTHORIZED,
          "no password and no certificate to authenticate with");
    }
    if (nodeId == null) {
      return enroll(user, password, csr, nowMillis, validityMillis);
    }
    return issue(user, req, nodeId, nowMillis, validityMillis);
  }

  /**
   * Checks a certificate shown by a node that only wants the current overlay document (an
   * Authenticate with an empty request): issued here, valid now, not revoked.
   *
   * @throws EnrollmentException 401 when it is not
   */
  public Issued current(X509Certificate presented, long nowMillis) throws EnrollmentException {
    if (presented == null) {
      throw new EnrollmentException(ResponseCode.UNAUTHORIZED,
          "an Authenticate without a request needs the node's certificate in TLS");
    }
    CertificateChecker.Verified v = issuedHere(presented, nowMillis);
    return new Issued(presented, v.nodeIds().get(0), v.serial());
  }

  /** What {@code c} vouches for, if this CA issued it and it is valid and not revoked; else 401. */
  private CertificateChecker.Verified issuedHere(X509Certificate c, long nowMillis)
      throws EnrollmentException {
    CertificateChecker checker = new CertificateChecker(List.of(ca), false, idLength);
    revoked.forEach(checker::revoke);
    try {
      return checker.check(c, nowMillis);
    } catch (CertificateProblem p) {
      throw new EnrollmentException(ResponseCode.UNAUTHORIZED, p.getMessage());
    }
  }

  /** The node-ID of a certificate that proves {@code user} for renewal, else a refusal. */
  private Bytes renewable(X509Certificate c, String user, Certificates.Request req,
      long nowMillis) throws EnrollmentException {
    CertificateChecker.Verified v = issuedHere(c, nowMillis);
    if (!v.user().equals(user)) {
      throw new EnrollmentException(ResponseCode.FORBIDDEN, "the certificate is " + v.user()
          + "'s, not " + user + "'s");
    }
    if (!v.publicKey().equals(req.publicKey())) {
      throw new EnrollmentException(ResponseCode.FORBIDDEN,
          "a renewal by certificate keeps the certificate's key");
    }
    return v.nodeIds().get(0);
  }

  /** The node-ID last issued to {@code user}, or null. */
  private Bytes lastNodeId(String user) throws IOException {
    Bytes last = null;
    Path f = dir.resolve("issued");
    if (Files.exists(f)) {
      for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
        String[] p = line.split(" ");
        if (p.length >= 3 && p[1].equals(user)) {
          last = Bytes.fromHex(p[2]);
        }
      }
    }
    return last;
  }

  /**
   * Signs {@code document} with the CA's key, after setting its roots to this CA and its revoked
   * serials to this authority's.
   */
  public Bytes signDocument(OverlayDocument document) {
    List<String> serials = new ArrayList<>();
    revoked.stream().sorted().forEach(r -> serials.add(r.toString(16)));
    OverlayDocument d = new OverlayDocument(document.overlay(), document.sequence(),
        document.config(), document.selfSignedAllowed(), document.kinds(),
        List.of(OverlayDocument.root(ca)), document.bootstrap(), document.enrollmentServer(),
        serials);
    return d.sign(caKeys, ca);
  }

  /** Revokes a certificate by serial number: peers that learn the list refuse it. */
  public void revoke(BigInteger serial) throws IOException {
    if (revoked.add(serial)) {
      append(dir.resolve("revoked"), serial.toString(16) + "\n");
    }
  }

  /** The serials revoked so far. */
  public Set<BigInteger> revoked() {
    return Set.copyOf(revoked);
  }

  /** The serials issued to {@code user}, oldest first. */
  public List<BigInteger> issuedTo(String user) throws IOException {
    List<BigInteger> out = new ArrayList<>();
    Path f = dir.resolve("issued");
    if (Files.exists(f)) {
      for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
        String[] p = line.split(" ");
        if (p.length >= 2 && p[1].equals(user)) {
          out.add(new BigInteger(p[0], 16));
        }
      }
    }
    return out;
  }

  // ------------------------------------------------------------------------------ storage

  private void load() throws IOException {
    Path u = dir.resolve("users");
    if (Files.exists(u)) {
      for (String line : Files.readAllLines(u, StandardCharsets.UTF_8)) {
        int sp = line.indexOf(' ');
        if (sp > 0) {
          users.put(line.substring(0, sp), line.substring(sp + 1));
        }
      }
    }
    Path r = dir.resolve("revoked");
    if (Files.exists(r)) {
      for (String line : Files.readAllLines(r, StandardCharsets.UTF_8)) {
        if (!line.isBlank()) {
          revoked.add(new BigInteger(line.strip(), 16));
        }
      }
    }
    Path i = dir.resolve("issued");
    if (Files.exists(i)) {
      for (String line : Files.readAllLines(i, StandardCharsets.UTF_8)) {
        String[] p = line.split(" ");
        if (p.length >= 3) {
          assigned.add(Bytes.fromHex(p[2]));
        }
      }
    }
  }

  private void saveUsers() throws IOException {
    StringBuilder sb = new StringBuilder();
    users.forEach((k, v) -> sb.append(k).append(' ').append(v).append('\n'));
    writeSecret(dir.resolve("users"), sb.toString());
  }

  private static byte[] pbkdf2(char[] password, byte[] salt, int iterations) {
    try {
      KeySpec spec = new PBEKeySpec(password, salt, iterations, 256);
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec)
          .getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM lacks PBKDF2WithHmacSHA256", e);
    }
  }

  private static void append(Path f, String line) throws IOException {
    Files.writeString(f, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }

  /** Writes a file readable by its owner only, replacing it in one step. */
  public static void writeSecret(Path f, String text) throws IOException {
    Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    try {
      Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions
          .fromString("rw-------"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: its own access rules apply
    }
    Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  public static void writeAtomically(Path f, String text) throws IOException {
    Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** PEM text of a key or certificate. */
  public static String pem(Object o) {
    StringWriter w = new StringWriter();
    try (JcaPEMWriter p = new JcaPEMWriter(w)) {
      p.writeObject(o);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return w.toString();
  }

  /** PKCS#8 PEM text of a private key ("PRIVATE KEY", whatever its algorithm). */
  public static String pemPkcs8(PrivateKey key) {
    StringWriter w = new StringWriter();
    try (JcaPEMWriter p = new JcaPEMWriter(w)) {
      p.writeObject(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(key, null));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return w.toString();
  }

  /** A certificate from a PEM file. */
  public static X509Certificate readCertificate(Path f) throws IOException {
    try (Reader r = Files.newBufferedReader(f, StandardCharsets.UTF_8);
        PEMParser p = new PEMParser(r)) {
      Object o = p.readObject();
      if (!(o instanceof org.bouncycastle.cert.X509CertificateHolder h)) {
        throw new IOException(f + " holds no certificate");
      }
      return Certificates.parse(Bytes.of(h.getEncoded()));
    } catch (CertificateProblem e) {
      throw new IOException(f + ": " + e.getMessage(), e);
    }
  }

  /** A private key from a PKCS#8 PEM file. */
  public static PrivateKey readKey(Path f) throws IOException {
    try (Reader r = Files.newBufferedReader(f, StandardCharsets.UTF_8);
        PEMParser p = new PEMParser(r)) {
      Object o = p.readObject();
      if (!(o instanceof PrivateKeyInfo info)) {
        throw new IOException(f + " holds no PKCS#8 private key");
      }
      return new JcaPEMKeyConverter().getPrivateKey(info);
    }
  }
}
