package dev.spirekms.localkms;

import java.util.Objects;

/**
 * Which calls a {@link WireFault} applies to: one operation, after an optional number of calls let
 * through, for a number of calls or until cleared, before the model sees the call or after it has
 * applied it. Build one with {@link #on(String)} and add it with {@link WireFaults#add}.
 */
public final class WireFaultRule {
  /** The {@link #remaining()} value of a rule that never runs out. */
  public static final int UNLIMITED = FaultSchedule.UNLIMITED;

  private final FaultSchedule schedule;
  private final WireFault fault;

  private WireFaultRule(Builder builder, WireFault fault) {
    this.schedule = builder.schedule.build();
    this.fault = fault;
  }

  /** Starts a rule for one operation, e.g. {@code "Sign"}; see {@link KmsOperations}. */
  public static Builder on(String operation) {
    return new Builder(operation);
  }

  public String operation() {
    return schedule.operation();
  }

  public WireFault fault() {
    return fault;
  }

  /** True if the fault comes after the model has applied the call (the change sticks). */
  public boolean afterApply() {
    return schedule.afterApply();
  }

  /** Calls this rule will still fault, or {@link #UNLIMITED}. */
  public int remaining() {
    return schedule.remaining();
  }

  /** Calls this rule has faulted so far: with a fault on every attempt, the attempts made. */
  public int fired() {
    return schedule.fired();
  }

  /** Fires the rule if it applies to this call; true if it did. */
  boolean tryFire(String op, boolean applied) {
    return schedule.tryFire(op, applied, () -> true);
  }

  boolean usedUp() {
    return schedule.usedUp();
  }

  @Override
  public String toString() {
    return schedule.describe("WireFaultRule", String.valueOf(fault));
  }

  /** Builds a {@link WireFaultRule}. Defaults: the next call, before the model sees it. */
  public static final class Builder {
    private final FaultSchedule.Builder schedule;

    private Builder(String operation) {
      this.schedule = new FaultSchedule.Builder(operation);
    }

    /** Lets the next {@code n} calls through before the rule applies (n ≥ 0). */
    public Builder after(int n) {
      schedule.after(n);
      return this;
    }

    /** Faults {@code n} calls (n ≥ 1). */
    public Builder times(int n) {
      schedule.times(n);
      return this;
    }

    /** Faults every call until the rule is cleared. */
    public Builder always() {
      schedule.always();
      return this;
    }

    /**
     * Faults the answer after the model has applied the call, so the change sticks but the caller
     * never gets a good answer, as when the connection breaks on the way back.
     */
    public Builder afterApply() {
      schedule.afterApply();
      return this;
    }

    /** Finishes the rule with its fault. */
    public WireFaultRule with(WireFault fault) {
      return new WireFaultRule(this, Objects.requireNonNull(fault, "fault"));
    }
  }
}
