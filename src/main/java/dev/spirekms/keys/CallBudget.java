package dev.spirekms.keys;

import dev.spirekms.aws.AwsSettings;
import java.time.Duration;
import java.util.function.Consumer;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;

/**
 * The time left for the KMS calls of one RPC that makes several in a row, such as GenerateKey
 * (CreateKey, GetPublicKey, CreateAlias or UpdateAlias). Each call on its own is bounded by the
 * SDK's call timeout; a budget keeps their sum under SPIRE's 30 s RPC deadline too, so a slow
 * CreateKey followed by a KMS that stops answering still ends in an answer SPIRE receives. Each
 * call gets at least {@link #MIN_CALL}, so the budget never refuses a call outright. Measured on
 * the monotonic clock: it bounds real waiting, not the injected wall clock.
 */
final class CallBudget {
  /** The budget of GenerateKey's calls, lock wait included: SPIRE's 30 s less a margin. */
  static final Duration GENERATE_KEY = Duration.ofSeconds(25);

  /** The least time any one call is given, also when the budget is spent. */
  static final Duration MIN_CALL = Duration.ofMillis(500);

  private final long deadline;

  private CallBudget(long deadline) {
    this.deadline = deadline;
  }

  /** A budget of {@code total} from now. */
  static CallBudget start(Duration total) {
    return new CallBudget(System.nanoTime() + total.toNanos());
  }

  /**
   * The timeout of the next call: what is left of the budget, at least {@link #MIN_CALL}, at most
   * {@code callTimeout}.
   */
  Duration nextCall(Duration callTimeout) {
    Duration left = Duration.ofNanos(deadline - System.nanoTime());
    if (left.compareTo(MIN_CALL) < 0) {
      return MIN_CALL;
    }
    return left.compareTo(callTimeout) > 0 ? callTimeout : left;
  }

  /** A request override giving the next call {@link #nextCall()}. */
  Consumer<AwsRequestOverrideConfiguration.Builder> timeout() {
    Duration timeout = nextCall();
    return o -> o.apiCallTimeout(timeout);
  }

  /**
   * A budget ending {@code reserve} before this one: for calls that must leave time for one that
   * follows them.
   */
  CallBudget leaving(Duration reserve) {
    return new CallBudget(deadline - reserve.toNanos());
  }

  /** Whether no time is left. */
  boolean spent() {
    return deadline - System.nanoTime() <= 0;
  }

  /** {@link #nextCall(Duration)} with the SDK's whole-call timeout. */
  Duration nextCall() {
    return nextCall(AwsSettings.API_CALL_TIMEOUT);
  }
}
