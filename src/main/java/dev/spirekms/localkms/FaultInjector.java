package dev.spirekms.localkms;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import software.amazon.awssdk.awscore.AwsRequest;

/**
 * The fault rules of one {@link KmsModel}. Rules are tried in the order they were added; the first
 * one that matches a call fails it. Rules that are used up are dropped. Thread-safe.
 */
public final class FaultInjector {
  private final List<FaultRule> rules = new ArrayList<>();

  FaultInjector() {}

  /** Adds a rule and returns it, so a test can ask how often it fired. */
  public synchronized FaultRule add(FaultRule rule) {
    rules.add(rule);
    return rule;
  }

  /** Fails the next {@code times} calls of {@code operation} with {@code fault}. */
  public FaultRule failNext(String operation, int times, Fault fault) {
    return add(FaultRule.on(operation).times(times).failWith(fault));
  }

  /** Fails every call of {@code operation} with {@code fault} until cleared. */
  public FaultRule failAlways(String operation, Fault fault) {
    return add(FaultRule.on(operation).always().failWith(fault));
  }

  /** Fails the next {@code times} calls of {@code operation} whose request matches. */
  public <R extends AwsRequest> FaultRule failNextWhen(
      String operation, int times, Class<R> type, Predicate<? super R> when, Fault fault) {
    return add(FaultRule.on(operation).times(times).when(type, when).failWith(fault));
  }

  /** Fails every call of {@code operation} whose request matches, until cleared. */
  public <R extends AwsRequest> FaultRule failAlwaysWhen(
      String operation, Class<R> type, Predicate<? super R> when, Fault fault) {
    return add(FaultRule.on(operation).always().when(type, when).failWith(fault));
  }

  /** Removes every rule. */
  public synchronized void clear() {
    rules.clear();
  }

  /** Removes the rules of one operation. */
  public synchronized void clear(String operation) {
    KmsOperations.requireKnown(operation);
    rules.removeIf(rule -> rule.operation().equals(operation));
  }

  /** The rules still active, in the order they are tried. */
  public synchronized List<FaultRule> rules() {
    return List.copyOf(rules);
  }

  /** Throws the exception of the first rule that fires for this call, if any. */
  void check(String operation, AwsRequest request, boolean applied) {
    RuntimeException failure = null;
    synchronized (this) {
      for (FaultRule rule : rules) {
        failure = rule.tryFire(operation, request, applied);
        if (failure != null) {
          break;
        }
      }
      rules.removeIf(FaultRule::usedUp);
    }
    if (failure != null) {
      throw failure;
    }
  }
}
