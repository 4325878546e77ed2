package dev.spirekms.bench;

import static dev.spirekms.bench.Cells.ms;
import static dev.spirekms.bench.Cells.verdict;

import java.util.Locale;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyUsageType;

/**
 * Head-of-line blocking, within the {@code signing} part: SignData on key B while key A is rotated
 * back to back through the plugin, against SignData with no rotation, and against SignData while
 * the same KMS does the rotation's heaviest work (CreateKey, GetPublicKey) for a direct client: on
 * a small machine the rotation competes for the CPU, and the control tells that apart from signing
 * waiting on the rotation.
 */
final class HeadOfLineBench {
  private final BenchRun run;

  HeadOfLineBench(BenchRun run) {
    this.run = run;
  }

  void run(BenchPlugin plugin, KmsClient direct, int perBlock, int blocks) throws Exception {
    Samples quiet = new Samples();
    Samples rotating = new Samples();
    Samples control = new Samples();
    int rotations = 0;
    SignLoad.Signer signB = () -> plugin.sign("bench-B");
    for (int b = 0; b < blocks; b++) {
      quiet.addAll(SignLoad.sequential(signB, perBlock));
      rotations += whileLooping(() -> plugin.generate("bench-rotated"), signB, perBlock, rotating);
      whileLooping(
          () -> {
            String keyId =
                direct
                    .createKey(
                        k -> k.keySpec(KeySpec.ECC_NIST_P256).keyUsage(KeyUsageType.SIGN_VERIFY))
                    .keyMetadata()
                    .keyId();
            direct.getPublicKey(k -> k.keyId(keyId));
          },
          signB,
          perBlock,
          control);
    }
    double ratio = rotating.percentileMillis(99) / quiet.percentileMillis(99);
    double controlRatio = control.percentileMillis(99) / quiet.percentileMillis(99);
    run.row(
        "head-of-line",
        "SignData p99 on key B, without / with key A rotated in a loop ("
            + rotations
            + " rotations)",
        ms(quiet.percentileMillis(99)) + " / " + ms(rotating.percentileMillis(99)),
        "ratio " + String.format(Locale.ROOT, "%.2f×", ratio),
        "≤ 1.1×: " + verdict(ratio <= 1.1));
    run.row(
        "head-of-line",
        "control: SignData p99 on key B while a direct client makes keys in the same KMS",
        ms(control.percentileMillis(99)),
        "ratio to without " + String.format(Locale.ROOT, "%.2f×", controlRatio),
        "CPU contention alone");
  }

  /** Signs {@code count} times into {@code into} while {@code loop} runs back to back. */
  private static int whileLooping(
      SignLoad.Signer loop, SignLoad.Signer signer, int count, Samples into) throws Exception {
    Rotator rotator = new Rotator(loop);
    rotator.start();
    try {
      into.addAll(SignLoad.sequential(signer, count));
    } finally {
      rotator.stop = true;
    }
    return rotator.finish();
  }

  /** Runs one action back to back until told to stop. */
  private static final class Rotator extends Thread {
    private final SignLoad.Signer action;
    volatile boolean stop;
    private volatile Exception failure;
    private int count;

    Rotator(SignLoad.Signer action) {
      super("bench-rotator");
      setDaemon(true);
      this.action = action;
    }

    @Override
    public void run() {
      try {
        while (!stop) {
          action.sign();
          count++;
        }
      } catch (Exception e) {
        failure = e;
      }
    }

    int finish() throws Exception {
      stop = true;
      join();
      if (failure != null) {
        throw failure;
      }
      return count;
    }
  }
}
