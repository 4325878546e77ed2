package dev.spirekms.lifecycle;

/** Shared by everything one {@link KeyLifecycle} runs: once thrown, no KMS call starts again. */
final class StopSwitch {
  private volatile boolean stopped;

  boolean stopped() {
    return stopped;
  }

  void stop() {
    stopped = true;
  }
}
