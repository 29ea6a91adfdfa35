package rpc.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Key material for TLS tests. Thread-safe: made once per JVM, immutable afterwards, and an
 * {@link SSLContext} may be shared by any number of servers and channels.
 *
 * <p>Everything is made with the JDK's {@code keytool} at test time into {@code target/tls} under
 * the working directory (the module's, when Maven runs the tests), so no private key is committed:
 * a self-signed server certificate for {@code localhost} and {@code 127.0.0.1}, a self-signed
 * client certificate, trust stores holding each other's certificate, and a certificate for another
 * name. Valid for two days; made again when the files are missing.
 *
 * <pre>{@code
 * Server.newBuilder().listen("127.0.0.1:0").sslContext(TestCertificates.get().server())...
 * Channel.newBuilder("https://localhost:" + port).sslContext(TestCertificates.get().client())...
 * }</pre>
 */
public final class TestCertificates {
  private static final char[] PASSWORD = "changeit".toCharArray();
  private static final Path DIR = Path.of("target", "tls");

  private final SSLContext server;
  private final SSLContext client;
  private final SSLContext clientWithCertificate;
  private final SSLContext serverRequiringClients;
  private final SSLContext serverWithWrongName;
  private final SSLContext clientTrustingWrongName;

  private TestCertificates() throws Exception {
    Path serverKeys = DIR.resolve("server.p12");
    Path clientKeys = DIR.resolve("client.p12");
    Path serverTrust = DIR.resolve("server-trust.p12");
    Path clientTrust = DIR.resolve("client-trust.p12");
    Path wrongKeys = DIR.resolve("wrong.p12");
    Path wrongTrust = DIR.resolve("wrong-trust.p12");
    if (!Files.exists(wrongTrust)) {
      Files.createDirectories(DIR);
      for (Path p : List.of(serverKeys, clientKeys, serverTrust, clientTrust, DIR.resolve("server.cer"),
          DIR.resolve("client.cer"), wrongKeys, wrongTrust, DIR.resolve("wrong.cer"))) {
        Files.deleteIfExists(p);
      }
      keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
          "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-keystore", serverKeys.toString());
      keytool("-genkeypair", "-alias", "client", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
          "-dname", "CN=test-client", "-keystore", clientKeys.toString());
      keytool("-exportcert", "-alias", "server", "-keystore", serverKeys.toString(), "-file",
          DIR.resolve("server.cer").toString());
      keytool("-exportcert", "-alias", "client", "-keystore", clientKeys.toString(), "-file",
          DIR.resolve("client.cer").toString());
      keytool("-importcert", "-noprompt", "-alias", "client", "-file", DIR.resolve("client.cer").toString(),
          "-keystore", serverTrust.toString());
      keytool("-importcert", "-noprompt", "-alias", "server", "-file", DIR.resolve("server.cer").toString(),
          "-keystore", clientTrust.toString());
      keytool("-genkeypair", "-alias", "wrong", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
          "-dname", "CN=other.example", "-ext", "SAN=dns:other.example", "-keystore", wrongKeys.toString());
      keytool("-exportcert", "-alias", "wrong", "-keystore", wrongKeys.toString(), "-file",
          DIR.resolve("wrong.cer").toString());
      keytool("-importcert", "-noprompt", "-alias", "wrong", "-file", DIR.resolve("wrong.cer").toString(),
          "-keystore", wrongTrust.toString());
    }
    server = context(serverKeys, null);
    serverRequiringClients = context(serverKeys, serverTrust);
    client = context(null, clientTrust);
    clientWithCertificate = context(clientKeys, clientTrust);
    serverWithWrongName = context(wrongKeys, null);
    clientTrustingWrongName = context(null, wrongTrust);
  }

  /** Made once per test JVM, on first use (class initialization is the lock). */
  private static final class Holder {
    static final TestCertificates INSTANCE = create();

    private static TestCertificates create() {
      try {
        return new TestCertificates();
      } catch (Exception e) {
        throw new IllegalStateException("could not make test certificates with keytool", e);
      }
    }
  }

  /**
   * The key material, made on first use.
   *
   * @return the shared key material
   * @throws IllegalStateException if keytool cannot make it
   */
  public static TestCertificates get() {
    return Holder.INSTANCE;
  }

  /**
   * The server's keys, trusting no client certificates.
   *
   * @return the TLS context, made once
   */
  public SSLContext server() {
    return server;
  }

  /**
   * The server's keys, trusting the test client's certificate (for mutual TLS).
   *
   * @return the TLS context, made once
   */
  public SSLContext serverRequiringClients() {
    return serverRequiringClients;
  }

  /**
   * Trusts the server; presents no certificate.
   *
   * @return the TLS context, made once
   */
  public SSLContext client() {
    return client;
  }

  /**
   * Trusts the server and presents the client certificate.
   *
   * @return the TLS context, made once
   */
  public SSLContext clientWithCertificate() {
    return clientWithCertificate;
  }

  /**
   * A server certificate for {@code other.example} only.
   *
   * @return the TLS context, made once
   */
  public SSLContext serverWithWrongName() {
    return serverWithWrongName;
  }

  /**
   * Trusts the {@code other.example} certificate (so only its name can fail verification).
   *
   * @return the TLS context, made once
   */
  public SSLContext clientTrustingWrongName() {
    return clientTrustingWrongName;
  }

  private static void keytool(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    cmd.addAll(List.of(args));
    cmd.addAll(List.of("-storetype", "PKCS12", "-storepass", new String(PASSWORD)));
    if (List.of(args).contains("-genkeypair")) {
      cmd.addAll(List.of("-keypass", new String(PASSWORD)));
    }
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("keytool failed: " + String.join(" ", cmd) + "\n" + out);
    }
  }

  private static SSLContext context(Path keys, Path trust) throws Exception {
    KeyManagerFactory kmf = null;
    if (keys != null) {
      kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(load(keys), PASSWORD);
    }
    TrustManagerFactory tmf = null;
    if (trust != null) {
      tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(load(trust));
    }
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
    return ctx;
  }

  private static KeyStore load(Path p) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(p)) {
      ks.load(in, PASSWORD);
    }
    return ks;
  }
}
