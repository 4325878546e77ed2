package dev.spirekms.localkms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.model.CreateAliasRequest;
import software.amazon.awssdk.services.kms.model.CreateKeyRequest;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.kms.model.ListAliasesRequest;
import software.amazon.awssdk.services.kms.model.SignRequest;
import software.amazon.awssdk.services.kms.model.SigningAlgorithmSpec;
import software.amazon.awssdk.services.kms.model.UpdateAliasRequest;

class KmsModelConcurrencyTest {
  private static final int THREADS = 8;
  private static final int KEYS_PER_THREAD = 5;
  private static final int SIGNS_PER_KEY = 4;

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void concurrentCreateKeyAndSignStayConsistent() throws Exception {
    KmsModel model = KmsModel.create();
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<List<String>>> futures = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        Callable<List<String>> work =
            () -> {
              start.await();
              List<String> created = new ArrayList<>();
              for (int k = 0; k < KEYS_PER_THREAD; k++) {
                String keyId =
                    model
                        .createKey(
                            CreateKeyRequest.builder()
                                .keySpec(KeySpec.ECC_NIST_P256)
                                .keyUsage(KeyUsageType.SIGN_VERIFY)
                                .build())
                        .keyMetadata()
                        .keyId();
                String alias = "alias/t" + thread + "/k" + k;
                model.createAlias(
                    CreateAliasRequest.builder().aliasName(alias).targetKeyId(keyId).build());
                for (int s = 0; s < SIGNS_PER_KEY; s++) {
                  byte[] message = (alias + "/" + s).getBytes(StandardCharsets.UTF_8);
                  byte[] signature =
                      model
                          .sign(
                              SignRequest.builder()
                                  .keyId(alias)
                                  .message(SdkBytes.fromByteArray(message))
                                  .signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_256)
                                  .build())
                          .signature()
                          .asByteArray();
                  Signature verifier = Signature.getInstance("SHA256withECDSA");
                  verifier.initVerify(model.publicKey(keyId));
                  verifier.update(message);
                  if (!verifier.verify(signature)) {
                    throw new AssertionError("signature by " + alias + " does not verify");
                  }
                  model.updateAlias(
                      UpdateAliasRequest.builder().aliasName(alias).targetKeyId(keyId).build());
                }
                created.add(keyId);
              }
              return created;
            };
        futures.add(pool.submit(work));
      }
      start.countDown();

      Set<String> keyIds = new HashSet<>();
      for (Future<List<String>> future : futures) {
        keyIds.addAll(future.get(60, TimeUnit.SECONDS));
      }

      int keys = THREADS * KEYS_PER_THREAD;
      assertEquals(keys, keyIds.size(), "every key id is distinct");
      assertEquals(keys, model.keys().size());
      assertEquals(keys, model.aliases().size());
      assertEquals(keys, model.callCount("CreateKey"));
      assertEquals(keys * SIGNS_PER_KEY, model.callCount("Sign"));
      assertEquals(keys * SIGNS_PER_KEY, model.callCount("UpdateAlias"));
      assertTrue(model.calls().stream().allMatch(KmsCall::succeeded));
      assertEquals(
          keys,
          model.listAliases(ListAliasesRequest.builder().limit(100).build()).aliases().size());
    } finally {
      pool.shutdownNow();
    }
  }
}
