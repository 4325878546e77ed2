package dev.spirekms.e2e;

import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Run on the self-contained distribution's runtime by {@link SelfContainedEndToEndTest}: one HTTPS
 * GET through {@link HttpsURLConnection} (the stack the AWS SDK's URL-connection client uses),
 * trusting only the given PKCS#12 trust store, and a look at the runtime's default trust anchors.
 * Prints {@code key value} lines on stdout.
 *
 * <p>Arguments: the URL, the trust store, its password.
 */
public final class RuntimeTlsProbe {
  private RuntimeTlsProbe() {}

  public static void main(String[] args) throws Exception {
    KeyStore trusted = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(Path.of(args[1]))) {
      trusted.load(in, args[2].toCharArray());
    }
    TrustManagerFactory custom =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    custom.init(trusted);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, custom.getTrustManagers(), null);

    HttpsURLConnection connection = (HttpsURLConnection) new URL(args[0]).openConnection();
    connection.setSSLSocketFactory(context.getSocketFactory());
    try (InputStream body = connection.getInputStream()) {
      System.out.println("status " + connection.getResponseCode());
      System.out.println("cipher " + connection.getCipherSuite());
      System.out.println("body " + new String(body.readAllBytes(), StandardCharsets.UTF_8));
    }

    TrustManagerFactory defaults =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    defaults.init((KeyStore) null);
    for (TrustManager manager : defaults.getTrustManagers()) {
      if (manager instanceof X509TrustManager x509) {
        X509Certificate[] anchors = x509.getAcceptedIssuers();
        System.out.println("anchors " + anchors.length);
        Arrays.stream(anchors)
            .map(anchor -> anchor.getSubjectX500Principal().getName())
            .filter(name -> name.contains("Amazon Root CA"))
            .sorted()
            .forEach(name -> System.out.println("anchor " + name));
      }
    }
  }
}
