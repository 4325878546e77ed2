package dev.spirekms.bench;

import dev.spirekms.localkms.KmsModel;
import dev.spirekms.localkms.LocalKmsServer;
import dev.spirekms.proto.config.v1.ConfigGrpc;
import dev.spirekms.proto.config.v1.ConfigureRequest;
import dev.spirekms.proto.config.v1.CoreConfiguration;
import dev.spirekms.proto.init.v1.InitGrpc;
import dev.spirekms.proto.init.v1.InitRequest;
import dev.spirekms.proto.keymanager.v1.KeyManagerGrpc;
import dev.spirekms.testing.GoPluginHost;
import io.grpc.Status;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The soak run behind {@code src/bench/soak.sh} and {@code SoakEndToEndTest}: the packaged plugin,
 * started as SPIRE starts it (go-plugin handshake), signs at a steady rate for a set time against a
 * local KMS, rotates its keys now and then, and meets a wire or KMS fault every few seconds. It
 * reports requests, errors by gRPC code, latency, the plugin's RSS, threads and file descriptors
 * over time (from /proc), and the key inventory at the end.
 *
 * <p>This class starts the local KMS and the plugin and hands them to {@link SoakLoad}; the fault
 * cycle is {@link SoakFaults}, the /proc sampling {@link ProcessSampler}, the final inventory
 * {@link SoakInventory} and the report {@link SoakReport}.
 *
 * <p>Usage: {@code Soak <dist-dir> <seconds> [signs-per-second]}. Not a unit test: it runs only
 * when the script or the end-to-end test starts it.
 */
public final class Soak {
  /** The codes a SignData or GenerateKey may end with while a fault is on. */
  public static final Set<Status.Code> ALLOWED = Set.of(Status.Code.OK, Status.Code.UNAVAILABLE);

  /** The key ids the soak signs with and rotates, in turn. */
  static final List<String> KEY_IDS = List.of("x509-CA-A", "jwt-key-A");

  /** One /proc sample of the plugin process. */
  public record Sample(long atSeconds, long rssKib, int threads, int fds) {}

  /** What a run measured. */
  public record Result(
      long requests,
      Map<String, Long> codes,
      double p50Millis,
      double p99Millis,
      double maxMillis,
      int rotations,
      Map<String, Long> rotationCodes,
      List<String> faultsInjected,
      List<Sample> samples,
      int fdsAtEnd,
      Map<String, Long> keysByState,
      int aliases,
      List<String> leaked,
      List<String> lostAliases) {

    /** Codes seen that are not in {@link #ALLOWED}. */
    public Map<String, Long> unexpectedCodes() {
      Map<String, Long> out = new TreeMap<>();
      codes.forEach((c, n) -> addIfUnexpected(out, c, n));
      rotationCodes.forEach((c, n) -> addIfUnexpected(out, c, n));
      return out;
    }

    private static void addIfUnexpected(Map<String, Long> out, String code, long n) {
      if (!ALLOWED.contains(Status.Code.valueOf(code))) {
        out.merge(code, n, Long::sum);
      }
    }
  }

  private Soak() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2 || args.length > 3) {
      System.err.println("usage: Soak <dist-dir> <seconds> [signs-per-second]");
      System.exit(2);
    }
    int rate = args.length == 3 ? Integer.parseInt(args[2]) : 20;
    Result result =
        run(Path.of(args[0]), Duration.ofSeconds(Long.parseLong(args[1])), rate, System.out);
    print(result, System.out);
    boolean clean =
        result.unexpectedCodes().isEmpty()
            && result.leaked().isEmpty()
            && result.lostAliases().isEmpty();
    System.exit(clean ? 0 : 1);
  }

  /** Runs the soak; progress lines go to {@code progress}. */
  public static Result run(Path dist, Duration length, int signsPerSecond, PrintStream progress)
      throws Exception {
    Path temp = Files.createTempDirectory("soak");
    KmsModel model = KmsModel.create();
    try (LocalKmsServer kms = LocalKmsServer.startWithConnectionFaults(model, 0)) {
      Path policy = temp.resolve("key-policy.json");
      Files.writeString(policy, "{\"Version\":\"2012-10-17\",\"Statement\":[]}");
      Path sockets = Files.createDirectories(temp.resolve("s"));
      String pluginData =
          "region = \"us-east-2\"\n\nkey_identifier_file = \""
              + temp.resolve("server_id")
              + "\"\n\nendpoint = \""
              + kms.endpoint()
              + "\"\n\nkey_policy_file = \""
              + policy
              + "\"\n";
      try (GoPluginHost host =
          GoPluginHost.builder(
                  List.of(dist.resolve("bin").resolve("spire-aws-kms-keymanager").toString()))
              .env("JAVA_HOME", System.getProperty("java.home"))
              .env("SPIRE_AWS_KMS_KEYMANAGER_CACHE_DIR", "off")
              .env("PLUGIN_UNIX_SOCKET_DIR", sockets.toString())
              .env("AWS_ACCESS_KEY_ID", "AKIDSOAK")
              .env("AWS_SECRET_ACCESS_KEY", "soak-secret")
              .env("AWS_EC2_METADATA_DISABLED", "true")
              .handshakeTimeout(Duration.ofSeconds(60))
              .start()) {
        InitGrpc.newBlockingStub(host.channel()).init(InitRequest.getDefaultInstance());
        ConfigGrpc.newBlockingStub(host.channel())
            .configure(
                ConfigureRequest.newBuilder()
                    .setCoreConfiguration(
                        CoreConfiguration.newBuilder().setTrustDomain("example.org"))
                    .setHclConfiguration(pluginData)
                    .build());
        KeyManagerGrpc.KeyManagerBlockingStub keys = KeyManagerGrpc.newBlockingStub(host.channel());
        for (String id : KEY_IDS) {
          SoakLoad.generate(keys, id);
        }
        return new SoakLoad(host.process().pid(), kms, keys).run(length, signsPerSecond, progress);
      }
    } finally {
      try (var paths = Files.walk(temp)) {
        paths.sorted(Collections.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** The report of {@code src/bench/soak.sh}. */
  public static void print(Result r, PrintStream out) {
    SoakReport.print(r, out);
  }
}
