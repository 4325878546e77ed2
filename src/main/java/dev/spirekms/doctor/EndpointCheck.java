package dev.spirekms.doctor;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.endpoints.KmsEndpointProvider;
import software.amazon.awssdk.services.sts.endpoints.StsEndpointProvider;

/**
 * Whether the KMS and STS endpoints the plugin calls (the configured ones, else the SDK's regional
 * or FIPS endpoint) answer a TCP connection and, for https, a TLS handshake with the JVM's trust
 * store and host name check, as the SDK's HTTP client makes them.
 */
final class EndpointCheck implements Check {
  static final String NAME = "endpoint";
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
  // a certificate this close to its end is worth a warning
  static final Duration CERT_EXPIRY_WARNING = Duration.ofDays(14);

  static final String REACHABLE_TLS = "%s %s reachable, %s, certificate valid until %s";
  static final String REACHABLE_PLAIN = "%s %s reachable over plain http (no TLS)";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void run(DoctorContext context, List<Finding> findings) {
    var config = context.config();
    Region region = Region.of(config.region());
    URI kms =
        config
            .endpoint()
            .orElseGet(
                () ->
                    KmsEndpointProvider.defaultProvider()
                        .resolveEndpoint(p -> p.region(region).useFips(config.useFipsEndpoint()))
                        .join()
                        .url());
    URI sts =
        config
            .stsEndpoint()
            .orElseGet(
                () ->
                    StsEndpointProvider.defaultProvider()
                        .resolveEndpoint(p -> p.region(region).useFips(config.useFipsEndpoint()))
                        .join()
                        .url());
    findings.add(probe("KMS", "endpoint", kms, context.clock().instant()));
    findings.add(probe("STS", "sts_endpoint", sts, context.clock().instant()));
  }

  static Finding probe(String service, String setting, URI uri, Instant now) {
    boolean tls = "https".equalsIgnoreCase(uri.getScheme());
    String host = uri.getHost();
    int port = uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80;
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), (int) CONNECT_TIMEOUT.toMillis());
      if (!tls) {
        return Finding.ok(NAME, String.format(REACHABLE_PLAIN, service, uri));
      }
      socket.setSoTimeout((int) CONNECT_TIMEOUT.toMillis());
      SSLSocketFactory factory = (SSLSocketFactory) SSLSocketFactory.getDefault();
      try (SSLSocket ssl = (SSLSocket) factory.createSocket(socket, host, port, false)) {
        SSLParameters parameters = ssl.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        ssl.setSSLParameters(parameters);
        ssl.startHandshake();
        Certificate[] chain = ssl.getSession().getPeerCertificates();
        Instant notAfter = ((X509Certificate) chain[0]).getNotAfter().toInstant();
        if (notAfter.isBefore(now.plus(CERT_EXPIRY_WARNING))) {
          return Finding.warn(
              NAME,
              String.format(DoctorMessages.CERT_EXPIRES, service, uri, notAfter),
              DoctorMessages.FIX_CERT_EXPIRES);
        }
        return Finding.ok(
            NAME,
            String.format(REACHABLE_TLS, service, uri, ssl.getSession().getProtocol(), notAfter));
      }
    } catch (SSLException e) {
      return Finding.fail(
          NAME,
          String.format(DoctorMessages.TLS_FAILED, service, uri, e.getMessage()),
          String.format(DoctorMessages.FIX_TLS, setting));
    } catch (IOException e) {
      return Finding.fail(
          NAME,
          String.format(DoctorMessages.UNREACHABLE, service, uri, describe(e)),
          String.format(DoctorMessages.FIX_UNREACHABLE, setting, service));
    }
  }

  private static String describe(IOException e) {
    if (e instanceof UnknownHostException) {
      return DoctorMessages.HOST_NOT_RESOLVED;
    }
    if (e instanceof SocketTimeoutException) {
      return String.format(DoctorMessages.NO_ANSWER, CONNECT_TIMEOUT.toSeconds());
    }
    if (e instanceof ConnectException) {
      return DoctorMessages.CONNECTION_REFUSED;
    }
    return e.getClass().getSimpleName().toLowerCase(Locale.ROOT) + ": " + e.getMessage();
  }
}
