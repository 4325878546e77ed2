package dev.spirekms.localkms;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A bounded, thread-safe record of calls; counts per operation survive eviction. */
final class CallLog {
  private final int capacity;
  private final ArrayDeque<KmsCall> calls = new ArrayDeque<>();
  private final Map<String, Integer> counts = new HashMap<>();

  CallLog(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("call log capacity must be at least 1, got " + capacity);
    }
    this.capacity = capacity;
  }

  synchronized void record(KmsCall call) {
    if (calls.size() == capacity) {
      calls.removeFirst();
    }
    calls.addLast(call);
    counts.merge(call.operation(), 1, Integer::sum);
  }

  synchronized List<KmsCall> all() {
    return List.copyOf(calls);
  }

  synchronized List<KmsCall> of(String operation) {
    return calls.stream().filter(call -> call.operation().equals(operation)).toList();
  }

  synchronized int count(String operation) {
    return counts.getOrDefault(operation, 0);
  }

  synchronized void clear() {
    calls.clear();
    counts.clear();
  }
}
