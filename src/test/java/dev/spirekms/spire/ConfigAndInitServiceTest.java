package dev.spirekms.spire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spirekms.localkms.Fault;
import dev.spirekms.proto.config.v1.ConfigureRequest;
import dev.spirekms.proto.config.v1.ValidateRequest;
import dev.spirekms.proto.config.v1.ValidateResponse;
import dev.spirekms.proto.init.v1.DeinitRequest;
import dev.spirekms.proto.init.v1.InitRequest;
import dev.spirekms.proto.keymanager.v1.GenerateKeyRequest;
import dev.spirekms.proto.keymanager.v1.GetPublicKeysRequest;
import dev.spirekms.proto.keymanager.v1.KeyType;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ConfigAndInitServiceTest {
  private static final String VALID =
      "region = \"us-east-1\"\n\nkey_identifier_value = \"server-a\"";

  private final PluginHarness harness = new PluginHarness();

  @AfterEach
  void close() throws Exception {
    harness.close();
  }

  private static ValidateRequest validateRequest(String td, String hcl) {
    ConfigureRequest c = PluginHarness.configureRequest(td, hcl);
    return ValidateRequest.newBuilder()
        .setCoreConfiguration(c.getCoreConfiguration())
        .setHclConfiguration(hcl)
        .build();
  }

  @Test
  void initNamesExactlyThePluginServices() {
    List<String> names =
        harness
            .init()
            .init(
                InitRequest.newBuilder()
                    .addHostServiceNames("spire.hostservice.common.metrics.v1.Metrics")
                    .build())
            .getPluginServiceNamesList();
    assertEquals(
        List.of(
            "spire.plugin.server.keymanager.v1.KeyManager",
            "spire.service.common.config.v1.Config"),
        names);
  }

  @Test
  void keyManagerAnswersFailedPreconditionUntilConfigured() {
    StatusRuntimeException e =
        assertThrows(
            StatusRuntimeException.class,
            () -> harness.keyManager().getPublicKeys(GetPublicKeysRequest.getDefaultInstance()));
    assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
    assertEquals("not configured", e.getStatus().getDescription());
  }

  @Test
  void validateReportsEveryProblemAsANote() {
    ValidateResponse response =
        harness
            .config()
            .validate(validateRequest("example.org", "key_identifier_value = \"a@b\"\nbogus = 1"));
    assertFalse(response.getValid());
    List<String> notes = response.getNotesList();
    assertTrue(notes.contains("configuration is missing a region"), notes.toString());
    assertTrue(
        notes.stream().anyMatch(n -> n.startsWith("key identifier must contain only")),
        notes.toString());
    assertTrue(notes.stream().anyMatch(n -> n.contains("\"bogus\"")), notes.toString());
    assertEquals(0, harness.backendsOpened.get(), "Validate never touches KMS");
  }

  @Test
  void validateAcceptsAValidConfigurationAndSummarisesIt() {
    ValidateResponse response = harness.config().validate(validateRequest("example.org", VALID));
    assertTrue(response.getValid(), response.getNotesList().toString());
    String summary = response.getNotes(response.getNotesCount() - 1);
    assertTrue(
        summary.startsWith("configuration valid: trust_domain=example.org, region="), summary);
    assertTrue(summary.contains("disposal_mode=delete"), summary);
  }

  @Test
  void missingCoreConfigurationIsReported() {
    ValidateResponse response =
        harness.config().validate(ValidateRequest.newBuilder().setHclConfiguration(VALID).build());
    assertFalse(response.getValid());
    assertEquals(List.of("server core configuration is required"), response.getNotesList());
  }

  @Test
  void configureFailsWithTheFirstProblem() {
    StatusRuntimeException e =
        assertThrows(
            StatusRuntimeException.class,
            () -> harness.config().configure(PluginHarness.configureRequest("example.org", "")));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertEquals("configuration is missing a region", e.getStatus().getDescription());
  }

  @Test
  void configureDecodeErrorsUseUpstreamPrefix() {
    StatusRuntimeException e =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                harness
                    .config()
                    .configure(PluginHarness.configureRequest("example.org", "region = ")));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertTrue(
        e.getStatus().getDescription().startsWith("unable to decode configuration: "),
        e.getStatus().getDescription());
  }

  @Test
  void failedReconfigureLeavesRunningConfigurationAndKeys() {
    harness.configured();
    harness
        .keyManager()
        .generateKey(
            GenerateKeyRequest.newBuilder().setKeyId("k").setKeyType(KeyType.EC_P256).build());

    assertThrows(
        StatusRuntimeException.class,
        () ->
            harness
                .config()
                .configure(PluginHarness.configureRequest("example.org", "region = \"\"")));
    harness.model.faults().failNext("ListAliases", 1, Fault.accessDenied());
    StatusRuntimeException kmsFailure =
        assertThrows(
            StatusRuntimeException.class,
            () -> harness.config().configure(PluginHarness.configureRequest("example.org", VALID)));
    assertEquals(Status.Code.PERMISSION_DENIED, kmsFailure.getStatus().getCode());

    assertEquals(
        1,
        harness
            .keyManager()
            .getPublicKeys(GetPublicKeysRequest.getDefaultInstance())
            .getPublicKeysCount());
    assertEquals(0, harness.backendsClosed.get());
  }

  @Test
  void reconfigureSwapsAndStopsThePreviousBackend() {
    harness.configured();
    harness
        .keyManager()
        .generateKey(
            GenerateKeyRequest.newBuilder().setKeyId("k").setKeyType(KeyType.EC_P256).build());
    harness
        .config()
        .configure(
            PluginHarness.configureRequest(
                "example.org", "region = \"us-east-1\"\nkey_identifier_value = \"server-b\""));
    assertEquals(2, harness.backendsOpened.get());
    assertEquals(1, harness.backendsClosed.get());
    assertEquals(
        0,
        harness
            .keyManager()
            .getPublicKeys(GetPublicKeysRequest.getDefaultInstance())
            .getPublicKeysCount(),
        "server-b has no keys yet");
  }

  @Test
  void deinitStopsTheBackendAndRefusesLaterConfiguration() {
    harness.configured();
    harness.init().deinit(DeinitRequest.getDefaultInstance());
    assertEquals(1, harness.backendsClosed.get());
    StatusRuntimeException e =
        assertThrows(
            StatusRuntimeException.class,
            () -> harness.config().configure(PluginHarness.configureRequest("example.org", VALID)));
    assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
    harness.plugin.close();
    assertEquals(1, harness.backendsClosed.get(), "close is idempotent");
  }

  @Test
  void unexpectedFailuresAreInternal() {
    PluginState state =
        new PluginState(
            config -> {
              throw new IllegalStateException("boom");
            });
    KeyManagerPlugin plugin =
        KeyManagerPlugin.create(
            config -> {
              throw new IllegalStateException("boom");
            });
    assertEquals(3, plugin.services().size());
    StatusRuntimeException e =
        StatusMapper.toStatus("Configure", null, new IllegalStateException("boom"));
    assertEquals(Status.Code.INTERNAL, e.getStatus().getCode());
    assertThrows(IllegalStateException.class, () -> state.configure(null));
  }
}
