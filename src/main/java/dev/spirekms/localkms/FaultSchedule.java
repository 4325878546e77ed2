package dev.spirekms.localkms;

import java.util.function.BooleanSupplier;

/**
 * When a fault rule fires, the part {@link FaultRule} and {@link WireFaultRule} share: one
 * operation, before the model sees the call or after it has applied it, after an optional number of
 * calls let through, for a number of calls or until cleared; and how often it has fired so far.
 * Thread-safe.
 */
final class FaultSchedule {
  /** The {@link #remaining()} value of a schedule that never runs out. */
  static final int UNLIMITED = -1;

  private final String operation;
  private final boolean afterApply;
  private int skip;
  private int remaining;
  private int fired;

  private FaultSchedule(Builder builder) {
    this.operation = builder.operation;
    this.afterApply = builder.afterApply;
    this.skip = builder.skip;
    this.remaining = builder.times;
  }

  String operation() {
    return operation;
  }

  /** True if the rule applies after the model has applied the call. */
  boolean afterApply() {
    return afterApply;
  }

  /** Calls the rule will still fire for, or {@link #UNLIMITED}. */
  synchronized int remaining() {
    return remaining;
  }

  /** Calls the rule has fired for so far. */
  synchronized int fired() {
    return fired;
  }

  synchronized boolean usedUp() {
    return remaining == 0;
  }

  /**
   * Fires for this call if it is a call of the operation in the rule's phase, the rule is not used
   * up, {@code matches} holds (asked only then) and the calls to let through have passed; counts
   * the call it fires for, or the call it lets through.
   *
   * @param applied true after the model has applied the call, false before it sees it
   * @return true if the rule fires for this call
   */
  synchronized boolean tryFire(String op, boolean applied, BooleanSupplier matches) {
    if (!operation.equals(op) || applied != afterApply || remaining == 0) {
      return false;
    }
    if (!matches.getAsBoolean()) {
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

  /**
   * The rule's {@code toString()}: {@code name{operation[, detail][, after apply], remaining=...,
   * fired=...}}.
   *
   * @param detail what the rule does, or null to leave it out
   */
  synchronized String describe(String name, String detail) {
    return name
        + "{"
        + operation
        + (detail == null ? "" : ", " + detail)
        + (afterApply ? ", after apply" : "")
        + ", remaining="
        + (remaining == UNLIMITED ? "unlimited" : remaining)
        + ", fired="
        + fired
        + "}";
  }

  /** Builds a {@link FaultSchedule}. Defaults: the next call, before the model sees it. */
  static final class Builder {
    private final String operation;
    private boolean afterApply;
    private int skip;
    private int times = 1;

    /** Starts a schedule for one operation, e.g. {@code "Sign"}; see {@link KmsOperations}. */
    Builder(String operation) {
      this.operation = KmsOperations.requireKnown(operation);
    }

    /** Lets the next {@code n} calls through before the rule applies (n ≥ 0). */
    void after(int n) {
      if (n < 0) {
        throw new IllegalArgumentException("after must not be negative, got " + n);
      }
      this.skip = n;
    }

    /** Fires for {@code n} calls (n ≥ 1). */
    void times(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("times must be at least 1, got " + n);
      }
      this.times = n;
    }

    /** Fires for every call until the rule is cleared. */
    void always() {
      this.times = UNLIMITED;
    }

    /** Fires after the model has applied the call instead of before it sees it. */
    void afterApply() {
      this.afterApply = true;
    }

    FaultSchedule build() {
      return new FaultSchedule(this);
    }
  }
}
