package dev.spirekms.bench;

import dev.spirekms.localkms.Fault;
import dev.spirekms.localkms.KmsOperations;
import dev.spirekms.localkms.LocalKmsServer;
import dev.spirekms.localkms.WireFault;
import dev.spirekms.localkms.WireFaultRule;
import java.io.IOException;
import java.time.Duration;

/**
 * The soak's fault cycle on the local KMS: nine wire and KMS faults in a fixed order, each on until
 * the next step of the schedule ends it.
 */
final class SoakFaults {
  private SoakFaults() {}

  /** Ends every fault: rules cleared, held calls released, KMS listening again. */
  static void end(LocalKmsServer kms) {
    kms.wireFaults().clear();
    kms.model().faults().clear();
    try {
      kms.comeBack();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The n-th fault of a fixed cycle; it lasts until the next step of the schedule ends it. */
  static String inject(LocalKmsServer kms, int n) {
    String sign = KmsOperations.SIGN;
    return switch (n % 9) {
      case 0 -> {
        kms.wireFaults().add(WireFaultRule.on(sign).times(3).with(WireFault.reset()));
        yield "reset x3";
      }
      case 1 -> {
        kms.goAway(); // comes back when the next fault starts
        yield "gone 3s";
      }
      case 2 -> {
        kms.wireFaults().add(WireFaultRule.on(sign).times(2).with(WireFault.htmlError(503)));
        yield "html 503 x2";
      }
      case 3 -> {
        // a frozen KMS for one Sign: held until the next fault clears it (3 s)
        kms.wireFaults().add(WireFaultRule.on(sign).with(WireFault.hold()));
        yield "hold x1";
      }
      case 4 -> {
        kms.wireFaults().add(WireFaultRule.on(sign).times(2).with(WireFault.malformedJson()));
        yield "malformed x2";
      }
      case 5 -> {
        kms.model().faults().failNext(sign, 4, Fault.throttling());
        yield "throttling x4";
      }
      case 6 -> {
        kms.wireFaults().add(WireFaultRule.on(sign).times(2).with(WireFault.truncatedBody()));
        yield "truncated x2";
      }
      case 7 -> {
        kms.wireFaults()
            .add(WireFaultRule.on(sign).times(2).with(WireFault.delay(Duration.ofSeconds(2))));
        yield "delay 2s x2";
      }
      default -> {
        kms.model().faults().failNext(sign, 2, Fault.internalError());
        yield "KMS 500 x2";
      }
    };
  }
}
