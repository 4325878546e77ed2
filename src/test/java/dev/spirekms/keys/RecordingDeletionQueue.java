package dev.spirekms.keys;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A deletion queue that only remembers what it was given. */
public final class RecordingDeletionQueue implements DeletionQueue {
  /** One hand-over. */
  public record Item(String keyArn, String reason) {}

  private final List<Item> items = new CopyOnWriteArrayList<>();

  @Override
  public void enqueue(String keyArn, String reason) {
    items.add(new Item(keyArn, reason));
  }

  public List<Item> items() {
    return List.copyOf(items);
  }

  public List<String> keyArns() {
    return items.stream().map(Item::keyArn).toList();
  }
}
