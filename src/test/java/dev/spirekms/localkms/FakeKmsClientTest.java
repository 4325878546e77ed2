package dev.spirekms.localkms;

import static dev.spirekms.localkms.Fixtures.assertKmsError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.security.Signature;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.AliasListEntry;
import software.amazon.awssdk.services.kms.model.KeyListEntry;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.kms.model.KmsException;
import software.amazon.awssdk.services.kms.model.KmsRequest;
import software.amazon.awssdk.services.kms.model.MessageType;
import software.amazon.awssdk.services.kms.model.NotFoundException;
import software.amazon.awssdk.services.kms.model.SigningAlgorithmSpec;
import software.amazon.awssdk.services.kms.model.Tag;

class FakeKmsClientTest {
  private final KmsModel model = Fixtures.model(Fixtures.clock());
  private final KmsClient kms = new FakeKmsClient(model);

  @Test
  void consumerOverloadsReachTheModel() throws Exception {
    String arn =
        kms.createKey(
                b ->
                    b.keySpec(KeySpec.ECC_NIST_P256)
                        .keyUsage(KeyUsageType.SIGN_VERIFY)
                        .description("SPIRE_SERVER_KEY/td/x509-CA-A")
                        .tags(Tag.builder().tagKey("spire-active").tagValue("true").build()))
            .keyMetadata()
            .arn();
    kms.createAlias(b -> b.aliasName("alias/SPIRE_SERVER/td/server/x509-CA-A").targetKeyId(arn));
    kms.updateAlias(b -> b.aliasName("alias/SPIRE_SERVER/td/server/x509-CA-A").targetKeyId(arn));
    kms.tagResource(b -> b.keyId(arn).tags(Tag.builder().tagKey("k").tagValue("v").build()));
    assertEquals(2, kms.listResourceTags(b -> b.keyId(arn)).tags().size());
    assertEquals(
        arn,
        kms.describeKey(b -> b.keyId("alias/SPIRE_SERVER/td/server/x509-CA-A"))
            .keyMetadata()
            .arn());

    byte[] publicKey = kms.getPublicKey(b -> b.keyId(arn)).publicKey().asByteArray();
    byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest("data".getBytes());
    byte[] signature =
        kms.sign(
                b ->
                    b.keyId(arn)
                        .message(SdkBytes.fromByteArray(digest))
                        .messageType(MessageType.DIGEST)
                        .signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_256))
            .signature()
            .asByteArray();
    Signature verifier = Signature.getInstance("SHA256withECDSA");
    verifier.initVerify(
        java.security.KeyFactory.getInstance("EC")
            .generatePublic(new java.security.spec.X509EncodedKeySpec(publicKey)));
    verifier.update("data".getBytes());
    assertTrue(verifier.verify(signature));

    kms.disableKey(b -> b.keyId(arn));
    assertEquals(KeyState.DISABLED, model.keyState(arn));
    kms.enableKey(b -> b.keyId(arn));
    kms.scheduleKeyDeletion(b -> b.keyId(arn).pendingWindowInDays(7));
    assertEquals(KeyState.PENDING_DELETION, model.keyState(arn));
    kms.cancelKeyDeletion(b -> b.keyId(arn));
    kms.deleteAlias(b -> b.aliasName("alias/SPIRE_SERVER/td/server/x509-CA-A"));
    assertTrue(model.aliases().isEmpty());

    assertEquals(
        List.of(
            "CreateKey",
            "CreateAlias",
            "UpdateAlias",
            "TagResource",
            "ListResourceTags",
            "DescribeKey",
            "GetPublicKey",
            "Sign",
            "DisableKey",
            "EnableKey",
            "ScheduleKeyDeletion",
            "CancelKeyDeletion",
            "DeleteAlias"),
        model.calls().stream().map(KmsCall::operation).toList());
  }

  @Test
  void paginatorsWalkEveryPage() {
    List<String> keyIds = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      String keyId = Fixtures.createKey(model).keyId();
      keyIds.add(keyId);
      kms.createAlias(b -> b.aliasName("alias/p" + keyIds.size()).targetKeyId(keyId));
    }
    model.clearCalls();

    List<String> aliases =
        kms.listAliasesPaginator(b -> b.limit(2)).aliases().stream()
            .map(AliasListEntry::aliasName)
            .toList();
    List<String> keys =
        kms.listKeysPaginator(b -> b.limit(3)).keys().stream().map(KeyListEntry::keyId).toList();

    assertEquals(
        List.of("alias/p1", "alias/p2", "alias/p3", "alias/p4", "alias/p5", "alias/p6", "alias/p7"),
        aliases);
    assertEquals(keyIds, keys);
    assertEquals(4, model.callCount("ListAliases"));
    assertEquals(3, model.callCount("ListKeys"));
    assertEquals(7, kms.listAliasesPaginator().aliases().stream().count());
    assertEquals(7, kms.listKeysPaginator().keys().stream().count());
    assertEquals(7, kms.listAliases().aliases().size());
    assertEquals(7, kms.listKeys().keys().size());
  }

  @Test
  void errorsAndFaultsReachTheCaller() {
    assertKmsError(
        NotFoundException.class,
        "NotFoundException",
        () -> kms.describeKey(b -> b.keyId("alias/none")));
    model.faults().failNext("ListAliases", 1, Fault.throttling());
    KmsException e = assertThrows(KmsException.class, () -> kms.listAliases());
    assertTrue(e.isThrottlingException());
    kms.listAliases();
  }

  @Test
  void unsupportedOperationsSayWhichOperation() throws Exception {
    Set<String> unsupported = new TreeSet<>();
    for (Method method : KmsClient.class.getMethods()) {
      if (method.getParameterCount() != 1
          || !KmsRequest.class.isAssignableFrom(method.getParameterTypes()[0])
          || Modifier.isStatic(method.getModifiers())
          || method.getName().endsWith("Paginator")) {
        continue;
      }
      String operation =
          Character.toUpperCase(method.getName().charAt(0)) + method.getName().substring(1);
      Object request =
          method
              .getParameterTypes()[0]
              .getMethod("builder")
              .getReturnType()
              .getMethod("build")
              .invoke(method.getParameterTypes()[0].getMethod("builder").invoke(null));
      try {
        method.invoke(kms, request);
        assertTrue(KmsOperations.ALL.contains(operation), operation + " answered");
      } catch (InvocationTargetException e) {
        Throwable cause = e.getCause();
        if (cause instanceof java.lang.UnsupportedOperationException) {
          assertFalse(KmsOperations.ALL.contains(operation), operation + " is implemented");
          assertEquals(
              "FakeKmsClient does not implement KMS operation " + operation, cause.getMessage());
          unsupported.add(operation);
        } else if (cause instanceof KmsException) {
          // An implemented operation rejecting an empty request, as KMS does.
          assertTrue(KmsOperations.ALL.contains(operation), operation);
        } else {
          fail(operation + " threw " + cause);
        }
      }
    }
    assertTrue(unsupported.containsAll(Set.of("Encrypt", "Decrypt", "Verify")));
    assertFalse(unsupported.contains("Sign"));
    assertFalse(unsupported.contains("ReplicateKey"));
    assertTrue(unsupported.size() > 35, unsupported.toString());
  }

  @Test
  void describesItselfAsKms() {
    FakeKmsClient fake = new FakeKmsClient(KmsModel.builder().region("eu-central-1").build());
    assertEquals("kms", fake.serviceName());
    assertEquals(Region.EU_CENTRAL_1, fake.serviceClientConfiguration().region());
    assertNotNull(fake.model());
    assertFalse(fake.isClosed());
    fake.close();
    assertTrue(fake.isClosed());
    assertSame(FakeKmsClient.class, FakeKmsClient.create().getClass());
    assertThrows(NullPointerException.class, () -> new FakeKmsClient(null));
  }

  @Test
  void bothOverloadsBuildTheSameRequest() {
    String keyId = Fixtures.createKey(model).keyId();
    kms.describeKey(b -> b.keyId(keyId));
    kms.describeKey(
        software.amazon.awssdk.services.kms.model.DescribeKeyRequest.builder()
            .keyId(keyId)
            .build());
    var requests =
        model.requests(
            "DescribeKey", software.amazon.awssdk.services.kms.model.DescribeKeyRequest.class);
    assertEquals(requests.get(0), requests.get(1));
    assertEquals(Map.of(), model.tags(keyId));
  }

  @Test
  void aClientPerRegionServesThatRegionOfOneModel() {
    FakeKmsClient east = FakeKmsClient.create();
    FakeKmsClient west = east.inRegion("us-west-2");
    assertEquals(Region.US_WEST_2, west.serviceClientConfiguration().region());
    assertSame(east.model().inRegion("us-west-2"), west.model());
    String keyId =
        east.createKey(
                r ->
                    r.keySpec(KeySpec.ECC_NIST_P256)
                        .keyUsage(KeyUsageType.SIGN_VERIFY)
                        .multiRegion(true))
            .keyMetadata()
            .keyId();
    assertThrows(NotFoundException.class, () -> west.describeKey(r -> r.keyId(keyId)));
    east.replicateKey(r -> r.keyId(keyId).replicaRegion("us-west-2"));
    assertEquals(
        "us-west-2", west.describeKey(r -> r.keyId(keyId)).keyMetadata().arn().split(":")[3]);
    assertEquals(
        west.getPublicKey(r -> r.keyId(keyId)).publicKey(),
        east.getPublicKey(r -> r.keyId(keyId)).publicKey());
  }
}
