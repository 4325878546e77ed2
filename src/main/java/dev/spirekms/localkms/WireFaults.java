package dev.spirekms.localkms;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The wire fault rules of one {@link LocalKmsServer}, and a count of the requests it received per
 * operation (every attempt the client made, also those a fault stopped before the model). Rules are
 * tried in the order they were added; the first that applies to a call faults it; used-up rules are
 * dropped. Thread-safe.
 */
public final class WireFaults {
  private final List<WireFaultRule> rules = new ArrayList<>();
  private final List<WireFault> holds = new ArrayList<>();
  private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
  private final boolean connectionFaults;

  WireFaults(boolean connectionFaults) {
    this.connectionFaults = connectionFaults;
  }

  /**
   * Adds a rule and returns it.
   *
   * @throws IllegalStateException for a {@link WireFault#reset()} on a server started without
   *     connection faults
   */
  public synchronized WireFaultRule add(WireFaultRule rule) {
    if (rule.fault().kind() == WireFault.Kind.RESET && !connectionFaults) {
      throw new IllegalStateException(
          "connection resets need LocalKmsServer.startWithConnectionFaults");
    }
    rules.add(rule);
    if (rule.fault().kind() == WireFault.Kind.HOLD) {
      holds.add(rule.fault());
    }
    return rule;
  }

  /** Faults the next call of {@code operation}. */
  public WireFaultRule next(String operation, WireFault fault) {
    return add(WireFaultRule.on(operation).with(fault));
  }

  /** Faults every call of {@code operation} until cleared. */
  public WireFaultRule always(String operation, WireFault fault) {
    return add(WireFaultRule.on(operation).always().with(fault));
  }

  /** Removes every rule and releases every call held by one. */
  public synchronized void clear() {
    rules.clear();
    releaseHolds();
  }

  /** The rules still active, in the order they are tried. */
  public synchronized List<WireFaultRule> rules() {
    return List.copyOf(rules);
  }

  /** Requests received for {@code operation} since the server started or {@link #resetCounts()}. */
  public int requests(String operation) {
    AtomicInteger count = requests.get(KmsOperations.requireKnown(operation));
    return count == null ? 0 : count.get();
  }

  /** Sets every request count back to zero. */
  public void resetCounts() {
    requests.clear();
  }

  void received(String operation) {
    requests.computeIfAbsent(operation, op -> new AtomicInteger()).incrementAndGet();
  }

  /** The fault of the first rule that applies to this call, or null. */
  synchronized WireFault fire(String operation, boolean applied) {
    WireFault fault = null;
    for (WireFaultRule rule : rules) {
      if (rule.tryFire(operation, applied)) {
        fault = rule.fault();
        break;
      }
    }
    rules.removeIf(WireFaultRule::usedUp);
    return fault;
  }

  synchronized void releaseHolds() {
    holds.forEach(WireFault::release);
    holds.clear();
  }
}
