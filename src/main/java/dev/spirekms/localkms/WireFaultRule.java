package dev.spirekms.localkms;

import java.util.Objects;

/**
 * Which calls a {@link WireFault} applies to: one operation, after an optional number of calls let
 * through, for a number of calls or until cleared, before the model sees the call or after it has
 * applied it. Build one with {@link #on(String)} and add it with {@link WireFaults#add}.
 */
public final class WireFaultRule {
  /** The {@link #remaining()} value of a rule that never runs out. */
  public static final int UNLIMITED = -1;

  private final String operation;
  private final WireFault fault;
  private final boolean afterApply;
  private int skip;
  private int remaining;
  private int fired;

  private WireFaultRule(Builder builder, WireFault fault) {
    this.operation = builder.operation;
    this.fault = fault;
    this.afterApply = builder.afterApply;
    this.skip = builder.skip;
    this.remaining = builder.times;
  }

  /** Starts a rule for one operation, e.g. {@code "Sign"}; see {@link KmsOperations}. */
  public static Builder on(String operation) {
    return new Builder(KmsOperations.requireKnown(operation));
  }

  public String operation() {
    return operation;
  }

  public WireFault fault() {
    return fault;
  }

  /** True if the fault comes after the model has applied the call (the change sticks). */
  public boolean afterApply() {
    return afterApply;
  }

  /** Calls this rule will still fault, or {@link #UNLIMITED}. */
  public synchronized int remaining() {
    return remaining;
  }

  /** Calls this rule has faulted so far: with a fault on every attempt, the attempts made. */
  public synchronized int fired() {
    return fired;
  }

  /** Fires the rule if it applies to this call; true if it did. */
  synchronized boolean tryFire(String op, boolean applied) {
    if (!operation.equals(op) || applied != afterApply || remaining == 0) {
      return false;
    }
    if (skip > 0) {
      skip--;
      return false;
    }
    if (remaining > 0) {
      remaining--;
    }
    fired++;
    return true;
  }

  synchronized boolean usedUp() {
    return remaining == 0;
  }

  @Override
  public synchronized String toString() {
    return "WireFaultRule{"
        + operation
        + ", "
        + fault
        + (afterApply ? ", after apply" : "")
        + ", remaining="
        + (remaining == UNLIMITED ? "unlimited" : remaining)
        + ", fired="
        + fired
        + "}";
  }

  /** Builds a {@link WireFaultRule}. Defaults: the next call, before the model sees it. */
  public static final class Builder {
    private final String operation;
    private boolean afterApply;
    private int skip;
    private int times = 1;

    private Builder(String operation) {
      this.operation = operation;
    }

    /** Lets the next {@code n} calls through before the rule applies (n ≥ 0). */
    public Builder after(int n) {
      if (n < 0) {
        throw new IllegalArgumentException("after must not be negative, got " + n);
      }
      this.skip = n;
      return this;
    }

    /** Faults {@code n} calls (n ≥ 1). */
    public Builder times(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("times must be at least 1, got " + n);
      }
      this.times = n;
      return this;
    }

    /** Faults every call until the rule is cleared. */
    public Builder always() {
      this.times = UNLIMITED;
      return this;
    }

    /**
     * Faults the answer after the model has applied the call, so the change sticks but the caller
     * never gets a good answer, as when the connection breaks on the way back.
     */
    public Builder afterApply() {
      this.afterApply = true;
      return this;
    }

    /** Finishes the rule with its fault. */
    public WireFaultRule with(WireFault fault) {
      return new WireFaultRule(this, Objects.requireNonNull(fault, "fault"));
    }
  }
}
