package dev.spirekms.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spirekms.config.ConfigLoader;
import dev.spirekms.config.PluginConfig;
import dev.spirekms.keys.SpireKeyType;
import dev.spirekms.localkms.KmsModel;
import dev.spirekms.localkms.LocalKmsServer;
import dev.spirekms.spire.Backend;
import dev.spirekms.status.StatusDocument;
import dev.spirekms.testing.MotoServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The status file the served plugin writes at Configure: contents, mode, and no secret. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class StatusFileTest {
  private static final String SECRET = "status-test-secret-access-key-0001";
  private static final String EXTERNAL_ID = "status-test-external-id-0001";
  @TempDir Path temp;

  @Test
  void configureWritesTheReportWithoutSecrets() throws Exception {
    Path status = temp.resolve("status.json");
    try (MotoServer moto = MotoServer.start(temp);
        LocalKmsServer kms = LocalKmsServer.start(KmsModel.create(), 0)) {
      String hcl =
          "region = \"us-east-2\"\n"
              + "key_identifier_file = \""
              + temp.resolve("server_id")
              + "\"\n"
              + "access_key_id = \"AKIASTATUSTEST000001\"\n"
              + "secret_access_key = \""
              + SECRET
              + "\"\n"
              + "assume_role_arn = \"arn:aws:iam::123456789012:role/spire\"\n"
              + "assume_role_external_id = \""
              + EXTERNAL_ID
              + "\"\n"
              + "endpoint = \""
              + kms.endpoint()
              + "\"\n"
              + "sts_endpoint = \""
              + moto.endpoint()
              + "\"\n"
              + "status_file = \""
              + status
              + "\"\n";
      PluginConfig config = ConfigLoader.load("example.org", hcl).configOrThrow();
      String text;
      try (Backend backend = new AwsKmsBackendFactory(Map.of(), "test/1").open(config)) {
        backend.keyStore().generate("x509-CA-A", SpireKeyType.EC_P256);
        // the report lists keys at its next write; Configure's write had none yet
        StatusDocument first = StatusDocument.parse(Files.readString(status));
        assertEquals(0, first.keys().size());
        text = Files.readString(status);
        StatusDocument doc = StatusDocument.parse(text);
        assertEquals("example.org", doc.trustDomain());
        assertEquals(Files.readString(temp.resolve("server_id")).strip(), doc.serverId());
        assertTrue(doc.credentials().source().endsWith(", then assume_role (1 hops)"));
        assertTrue(doc.credentials().expiresAt().isPresent());
      }
      assertEquals(
          "rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(status)));
      assertFalse(text.contains(SECRET), text);
      assertFalse(text.contains(EXTERNAL_ID), text);
      assertFalse(text.contains("AKIASTATUSTEST000001"), text);
    }
  }
}
