package rpc.interop.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * TLS set-up for the interop programs: a self-signed server certificate made at start-up, key
 * material from PEM files, and client trust in a CA file or (for tests only) in any certificate.
 *
 * <p>Thread-safe (stateless).
 */
public final class Tls {
  private Tls() {}

  /** A server's TLS context and the PEM file of its certificate (which a client may trust). */
  public record ServerTls(SSLContext context, Path certificatePem) {}

  /**
   * Makes a self-signed EC certificate for {@code localhost}, {@code 127.0.0.1} and {@code ::1}
   * (and {@code host} if it is another name) with the JDK's {@code keytool}, and writes its PEM to a
   * temporary file deleted at exit.
   *
   * @throws IOException if keytool cannot be run or fails
   */
  public static ServerTls selfSigned(String host) throws IOException, GeneralSecurityException {
    Path dir = Files.createTempDirectory("rpc-interop-tls");
    dir.toFile().deleteOnExit();
    Path store = dir.resolve("server.p12");
    char[] password = HexFormat.of().formatHex(new SecureRandom().generateSeed(16)).toCharArray();
    String san = "SAN=dns:localhost,ip:127.0.0.1,ip:0:0:0:0:0:0:0:1";
    if (!List.of("localhost", "127.0.0.1", "::1").contains(host)) {
      san += (Character.isDigit(host.charAt(0)) || host.contains(":") ? ",ip:" : ",dns:") + host;
    }
    String exe = System.getProperty("os.name").toLowerCase(Locale.ROOT).startsWith("windows") ? "keytool.exe" : "keytool";
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", exe).toString(),
        "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA",
        "-dname", "CN=localhost", "-ext", san, "-validity", "30", "-storetype", "PKCS12",
        "-keystore", store.toString(), "-storepass:env", "RPC_INTEROP_STOREPASS")
        .redirectErrorStream(true);
    // through the environment, so the password does not show in the process list
    pb.environment().put("RPC_INTEROP_STOREPASS", new String(password));
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IOException("keytool failed to make a certificate: " + output.strip());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IOException("interrupted while making a certificate", e);
    }
    store.toFile().deleteOnExit();
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      ks.load(in, password);
    }
    Path pem = dir.resolve("server-cert.pem");
    Files.writeString(pem, toPem(ks.getCertificate("server")), StandardCharsets.US_ASCII);
    pem.toFile().deleteOnExit();
    return new ServerTls(serverContext(ks, password), pem);
  }

  /**
   * A server context from a PEM certificate chain and a PEM PKCS#8 private key
   * ({@code -----BEGIN PRIVATE KEY-----}, RSA or EC).
   */
  public static SSLContext serverFromPem(Path certChain, Path privateKey) throws IOException, GeneralSecurityException {
    List<X509Certificate> chain = readCertificates(certChain);
    if (chain.isEmpty()) {
      throw new CertificateException("no certificate in " + certChain);
    }
    PrivateKey key = readPrivateKey(privateKey);
    char[] password = new char[0];
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("server", key, password, chain.toArray(Certificate[]::new));
    return serverContext(ks, password);
  }

  /**
   * A client context trusting the certificates in {@code caPem}, checking the server's name against
   * {@code expectedHost} (the {@code --server_host_override}, or the host connected to).
   */
  public static SSLContext clientTrusting(Path caPem, String expectedHost) throws IOException, GeneralSecurityException {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    int i = 0;
    for (X509Certificate c : readCertificates(caPem)) {
      ks.setCertificateEntry("ca" + i++, c);
    }
    if (i == 0) {
      throw new CertificateException("no certificate in " + caPem);
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    X509TrustManager delegate = null;
    for (TrustManager tm : tmf.getTrustManagers()) {
      if (tm instanceof X509TrustManager x) {
        delegate = x;
      }
    }
    return clientContext(new NamedHostTrust(delegate, expectedHost));
  }

  /** A client context that trusts any server certificate: for self-signed test servers only. */
  public static SSLContext clientTrustingAll() throws GeneralSecurityException {
    return clientContext(new NamedHostTrust(null, null));
  }

  private static SSLContext serverContext(KeyStore ks, char[] password) throws GeneralSecurityException {
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, password);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    return ctx;
  }

  private static SSLContext clientContext(TrustManager tm) throws GeneralSecurityException {
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, new TrustManager[] {tm}, null);
    return ctx;
  }

  private static String toPem(Certificate c) throws GeneralSecurityException {
    return "-----BEGIN CERTIFICATE-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(c.getEncoded())
        + "\n-----END CERTIFICATE-----\n";
  }

  private static List<X509Certificate> readCertificates(Path pem) throws IOException, CertificateException {
    CertificateFactory cf = CertificateFactory.getInstance("X.509");
    List<X509Certificate> out = new ArrayList<>();
    try (InputStream in = new ByteArrayInputStream(Files.readAllBytes(pem))) {
      for (Certificate c : cf.generateCertificates(in)) {
        out.add((X509Certificate) c);
      }
    }
    return out;
  }

  private static PrivateKey readPrivateKey(Path pem) throws IOException, GeneralSecurityException {
    String text = Files.readString(pem, StandardCharsets.US_ASCII);
    String begin = "-----BEGIN PRIVATE KEY-----";
    int from = text.indexOf(begin);
    int to = text.indexOf("-----END PRIVATE KEY-----");
    if (from < 0 || to < from) {
      throw new InvalidKeySpecException(pem + " holds no PKCS#8 key (-----BEGIN PRIVATE KEY-----); convert it with"
          + " openssl pkcs8 -topk8 -nocrypt");
    }
    byte[] der = Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to));
    for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (InvalidKeySpecException e) {
        // try the next algorithm
      }
    }
    throw new InvalidKeySpecException("unsupported private key in " + pem + " (RSA, EC or Ed25519 expected)");
  }

  /**
   * Trusts what {@code delegate} trusts (any certificate when it is null) and checks the server's
   * certificate names {@code host} (no check when it is null). Naming the host here rather than in
   * the engine is what lets {@code --server_host_override} differ from the address connected to.
   */
  private static final class NamedHostTrust extends X509ExtendedTrustManager {
    private final X509TrustManager delegate;
    private final String host;

    NamedHostTrust(X509TrustManager delegate, String host) {
      this.delegate = delegate;
      this.host = host;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      if (delegate != null) {
        delegate.checkServerTrusted(chain, authType);
      }
      if (host != null && !HostNames.matches(chain[0], host)) {
        throw new CertificateException("the server's certificate is not for " + host);
      }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
      checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      checkServerTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      throw new CertificateException("a client context does not check clients");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
      checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      checkClientTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return delegate == null ? new X509Certificate[0] : delegate.getAcceptedIssuers();
    }
  }
}
