package dev.spirekms.localkms;

import java.util.Objects;
import java.util.function.Predicate;
import software.amazon.awssdk.awscore.AwsRequest;

/**
 * One fault-injection rule: which operation it applies to, which requests it matches, how many
 * calls it fails, whether it fails before or after the model applies the call, and what it throws.
 * Build one with {@link #on(String)} and add it with {@link FaultInjector#add(FaultRule)}.
 */
public final class FaultRule {
  /** The {@link #remaining()} value of a rule that never runs out. */
  public static final int UNLIMITED = FaultSchedule.UNLIMITED;

  private final FaultSchedule schedule;
  private final Predicate<AwsRequest> matcher;
  private final Fault fault;

  private FaultRule(Builder builder) {
    this.schedule = builder.schedule.build();
    this.matcher = builder.matcher;
    this.fault = Objects.requireNonNull(builder.fault, "fault");
  }

  /** Starts a rule for one operation, e.g. {@code "Sign"}; see {@link KmsOperations}. */
  public static Builder on(String operation) {
    return new Builder(operation);
  }

  public String operation() {
    return schedule.operation();
  }

  /** Calls this rule will still fail, or {@link #UNLIMITED}. */
  public int remaining() {
    return schedule.remaining();
  }

  /** Calls this rule has failed so far. */
  public int fired() {
    return schedule.fired();
  }

  /** True if the rule fails calls after the model has applied them (the change sticks). */
  public boolean afterApply() {
    return schedule.afterApply();
  }

  /** Fires the rule if it matches this call and is not used up; returns the exception, or null. */
  RuntimeException tryFire(String op, AwsRequest request, boolean applied) {
    if (!schedule.tryFire(op, applied, () -> matcher.test(request))) {
      return null;
    }
    return Objects.requireNonNull(fault.exception(op), "fault returned no exception");
  }

  boolean usedUp() {
    return schedule.usedUp();
  }

  @Override
  public String toString() {
    return schedule.describe("FaultRule", null);
  }

  /** Builds a {@link FaultRule}. Defaults: matches every request, fails once, before applying. */
  public static final class Builder {
    private final FaultSchedule.Builder schedule;
    private Predicate<AwsRequest> matcher = request -> true;
    private Fault fault;

    private Builder(String operation) {
      this.schedule = new FaultSchedule.Builder(operation);
    }

    /** Fails the next {@code n} matching calls (n ≥ 1). */
    public Builder times(int n) {
      schedule.times(n);
      return this;
    }

    /** Fails every matching call until the rule is cleared. */
    public Builder always() {
      schedule.always();
      return this;
    }

    /** Matches only requests of {@code type} that satisfy {@code predicate}. */
    public <R extends AwsRequest> Builder when(Class<R> type, Predicate<? super R> predicate) {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(predicate, "predicate");
      this.matcher = request -> type.isInstance(request) && predicate.test(type.cast(request));
      return this;
    }

    /**
     * Fails the call after the model has applied it, so the change sticks but the caller sees the
     * failure, as when a response is lost on the way back.
     */
    public Builder afterApply() {
      schedule.afterApply();
      return this;
    }

    /** Finishes the rule with what it throws. */
    public FaultRule failWith(Fault fault) {
      this.fault = Objects.requireNonNull(fault, "fault");
      return new FaultRule(this);
    }
  }
}
