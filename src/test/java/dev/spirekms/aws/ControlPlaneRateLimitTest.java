package dev.spirekms.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spirekms.localkms.KmsModel;
import dev.spirekms.localkms.LocalKmsServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.kms.model.MessageType;
import software.amazon.awssdk.services.kms.model.SigningAlgorithmSpec;

class ControlPlaneRateLimitTest {
  /** A clock that moves only when told to, or when a caller sleeps on it. */
  private static final class ManualTicker implements ControlPlaneRateLimit.Ticker {
    long now = 1_000_000_000L;
    final List<Long> sleeps = new ArrayList<>();

    @Override
    public long nanoTime() {
      return now;
    }

    @Override
    public void sleepNanos(long nanos) {
      sleeps.add(nanos);
      now += nanos;
    }
  }

  @Test
  void aFullBucketLetsOneSecondsWorthThroughThenPacesTheRest() throws Exception {
    ManualTicker ticker = new ManualTicker();
    ControlPlaneRateLimit limit = ControlPlaneRateLimit.of(10, ticker);
    for (int i = 0; i < 10; i++) {
      assertEquals(0, limit.acquire(), "call " + (i + 1) + " is within the burst");
    }
    assertEquals(100_000_000L, limit.acquire(), "the 11th waits a tenth of a second");
    assertEquals(100_000_000L, limit.acquire(), "and so does the next");
    assertEquals(List.of(100_000_000L, 100_000_000L), ticker.sleeps);
  }

  @Test
  void timeRefillsTheBucketButNeverPastOneSecondsWorth() throws Exception {
    ManualTicker ticker = new ManualTicker();
    ControlPlaneRateLimit limit = ControlPlaneRateLimit.of(4, ticker);
    for (int i = 0; i < 4; i++) {
      limit.acquire();
    }
    ticker.now += 500_000_000L; // half a second: two calls' worth
    assertEquals(0, limit.acquire());
    assertEquals(0, limit.acquire());
    assertTrue(limit.acquire() > 0, "the third call after half a second waits");
    ticker.now += 60_000_000_000L; // a minute idle still leaves only one second's worth
    int free = 0;
    while (limit.acquire() == 0) {
      free++;
    }
    assertEquals(4, free);
  }

  @Test
  void callersThatFindTheBucketEmptyQueueBehindEachOther() throws Exception {
    ManualTicker ticker = new ManualTicker();
    ControlPlaneRateLimit limit = ControlPlaneRateLimit.of(2, ticker);
    limit.acquire();
    limit.acquire();
    // no time passes between these two (as if two threads reserved at once): the second waits
    // for its own turn after the first's
    ControlPlaneRateLimit.Ticker frozen =
        new ControlPlaneRateLimit.Ticker() {
          @Override
          public long nanoTime() {
            return ticker.now;
          }

          @Override
          public void sleepNanos(long nanos) {
            ticker.sleeps.add(nanos);
          }
        };
    ControlPlaneRateLimit queued = ControlPlaneRateLimit.of(2, frozen);
    queued.acquire();
    queued.acquire();
    assertEquals(500_000_000L, queued.acquire());
    assertEquals(1_000_000_000L, queued.acquire());
  }

  @Test
  void onlySignIsOutsideTheLimit() {
    assertFalse(ControlPlaneRateLimit.limits("Sign"));
    for (String operation :
        List.of(
            "GetPublicKey",
            "ListAliases",
            "DescribeKey",
            "CreateKey",
            "CreateAlias",
            "UpdateAlias",
            "DeleteAlias",
            "ScheduleKeyDeletion",
            "TagResource",
            "ListResourceTags")) {
      assertTrue(ControlPlaneRateLimit.limits(operation), operation);
    }
    assertThrows(IllegalArgumentException.class, () -> ControlPlaneRateLimit.of(0));
  }

  @Test
  void theKmsClientWaitsForControlPlaneCallsButNotForSign() throws Exception {
    KmsModel model = KmsModel.create();
    ManualTicker ticker = new ManualTicker();
    try (LocalKmsServer kms = LocalKmsServer.start(model, 0, Duration.ZERO);
        KmsClient client =
            KmsClient.builder()
                .region(software.amazon.awssdk.regions.Region.US_EAST_2)
                .endpointOverride(kms.endpoint())
                .credentialsProvider(
                    software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                        software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(
                            "AKIDTEST", "test-secret")))
                .overrideConfiguration(
                    AwsClients.overrides("test").toBuilder()
                        .addExecutionInterceptor(ControlPlaneRateLimit.of(1, ticker))
                        .build())
                .build()) {
      String keyId =
          client
              .createKey(b -> b.keySpec(KeySpec.ECC_NIST_P256).keyUsage(KeyUsageType.SIGN_VERIFY))
              .keyMetadata()
              .keyId();
      assertEquals(List.of(), ticker.sleeps, "the first call is within the burst");
      client.listAliases();
      assertEquals(List.of(1_000_000_000L), ticker.sleeps, "the second waits a second");
      for (int i = 0; i < 3; i++) {
        client.sign(
            b ->
                b.keyId(keyId)
                    .message(software.amazon.awssdk.core.SdkBytes.fromByteArray(new byte[32]))
                    .messageType(MessageType.DIGEST)
                    .signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_256));
      }
      assertEquals(1, ticker.sleeps.size(), "Sign never waits");
      assertEquals(3, model.callCount("Sign"));
    }
  }

  @Test
  void anInterruptedWaitAbortsTheCallAndKeepsTheInterrupt() {
    ControlPlaneRateLimit.Ticker interrupting =
        new ControlPlaneRateLimit.Ticker() {
          @Override
          public long nanoTime() {
            return 0;
          }

          @Override
          public void sleepNanos(long nanos) throws InterruptedException {
            throw new InterruptedException();
          }
        };
    ControlPlaneRateLimit limit = ControlPlaneRateLimit.of(1, interrupting);
    software.amazon.awssdk.core.interceptor.ExecutionAttributes attributes =
        new software.amazon.awssdk.core.interceptor.ExecutionAttributes();
    attributes.putAttribute(
        software.amazon.awssdk.core.interceptor.SdkExecutionAttribute.OPERATION_NAME,
        "ListAliases");
    limit.beforeExecution(null, attributes);
    try {
      assertThrows(AbortedException.class, () -> limit.beforeExecution(null, attributes));
      assertTrue(Thread.interrupted(), "the interrupt is kept");
    } finally {
      Thread.interrupted();
    }
  }
}
