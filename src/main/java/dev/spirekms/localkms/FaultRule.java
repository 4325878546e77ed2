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
  public static final int UNLIMITED = -1;

  private final String operation;
  private final Predicate<AwsRequest> matcher;
  private final Fault fault;
  private final boolean afterApply;
  private int remaining;
  private int fired;

  private FaultRule(Builder builder) {
    this.operation = builder.operation;
    this.matcher = builder.matcher;
    this.fault = Objects.requireNonNull(builder.fault, "fault");
    this.afterApply = builder.afterApply;
    this.remaining = builder.times;
  }

  /** Starts a rule for one operation, e.g. {@code "Sign"}; see {@link KmsOperations}. */
  public static Builder on(String operation) {
    return new Builder(KmsOperations.requireKnown(operation));
  }

  public String operation() {
    return operation;
  }

  /** Calls this rule will still fail, or {@link #UNLIMITED}. */
  public synchronized int remaining() {
    return remaining;
  }

  /** Calls this rule has failed so far. */
  public synchronized int fired() {
    return fired;
  }

  /** True if the rule fails calls after the model has applied them (the change sticks). */
  public boolean afterApply() {
    return afterApply;
  }

  /** Fires the rule if it matches this call and is not used up; returns the exception, or null. */
  synchronized RuntimeException tryFire(String op, AwsRequest request, boolean applied) {
    if (!operation.equals(op) || applied != afterApply || remaining == 0) {
      return null;
    }
    if (!matcher.test(request)) {
      return null;
    }
    if (remaining > 0) {
      remaining--;
    }
    fired++;
    return Objects.requireNonNull(fault.exception(op), "fault returned no exception");
  }

  synchronized boolean usedUp() {
    return remaining == 0;
  }

  @Override
  public synchronized String toString() {
    return "FaultRule{"
        + operation
        + (afterApply ? ", after apply" : "")
        + ", remaining="
        + (remaining == UNLIMITED ? "unlimited" : remaining)
        + ", fired="
        + fired
        + "}";
  }

  /** Builds a {@link FaultRule}. Defaults: matches every request, fails once, before applying. */
  public static final class Builder {
    private final String operation;
    private Predicate<AwsRequest> matcher = request -> true;
    private Fault fault;
    private boolean afterApply;
    private int times = 1;

    private Builder(String operation) {
      this.operation = operation;
    }

    /** Fails the next {@code n} matching calls (n ≥ 1). */
    public Builder times(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("times must be at least 1, got " + n);
      }
      this.times = n;
      return this;
    }

    /** Fails every matching call until the rule is cleared. */
    public Builder always() {
      this.times = UNLIMITED;
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
      this.afterApply = true;
      return this;
    }

    /** Finishes the rule with what it throws. */
    public FaultRule failWith(Fault fault) {
      this.fault = Objects.requireNonNull(fault, "fault");
      return new FaultRule(this);
    }
  }
}
