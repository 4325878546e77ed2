package dev.spirekms.lifecycle;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A UTC clock that only moves when a test moves it. */
final class MutableClock extends Clock {
  private volatile Instant now;

  MutableClock(Instant start) {
    this.now = start;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("the test clock is UTC only");
  }

  @Override
  public Instant instant() {
    return now;
  }

  void set(Instant instant) {
    if (instant.isBefore(now)) {
      throw new IllegalArgumentException("the test clock never goes back");
    }
    now = instant;
  }

  void advance(Duration d) {
    set(now.plus(d));
  }
}
