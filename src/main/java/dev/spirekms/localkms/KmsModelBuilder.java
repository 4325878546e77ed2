package dev.spirekms.localkms;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/** Builds a {@link KmsModel}: its account, first region, clock and limits. */
public final class KmsModelBuilder {
  Clock clock = Clock.systemUTC();
  String region = KmsModel.DEFAULT_REGION;
  String accountId = KmsModel.DEFAULT_ACCOUNT_ID;
  boolean awsManagedAliases;
  int maxKeys = KmsModel.DEFAULT_MAX_KEYS;
  int callLogCapacity = 10_000;
  boolean rsaAhead;
  Duration keyGenerationTime = Duration.ZERO;

  KmsModelBuilder() {}

  /** The clock for every date the model reports; tests pass one they can advance. */
  public KmsModelBuilder clock(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    return this;
  }

  /**
   * The region of the model built, e.g. {@code eu-west-1}; others come with {@link
   * KmsModel#inRegion}.
   */
  public KmsModelBuilder region(String region) {
    this.region = requireRegionName(region);
    return this;
  }

  /** Twelve-digit account id in ARNs. */
  public KmsModelBuilder accountId(String accountId) {
    Objects.requireNonNull(accountId, "accountId");
    if (!accountId.matches("\\d{12}")) {
      throw new IllegalArgumentException("an account id has 12 digits: " + accountId);
    }
    this.accountId = accountId;
    return this;
  }

  /**
   * Lists {@link KmsModel#AWS_MANAGED_ALIASES} (no target key, no dates), as a real account does.
   */
  public KmsModelBuilder withAwsManagedAliases() {
    this.awsManagedAliases = true;
    return this;
  }

  /** The most keys CreateKey makes before LimitExceededException; default 100,000. */
  public KmsModelBuilder maxKeys(int maxKeys) {
    if (maxKeys < 0) {
      throw new IllegalArgumentException("maxKeys must not be negative: " + maxKeys);
    }
    this.maxKeys = maxKeys;
    return this;
  }

  /** How many calls the log keeps (oldest dropped first); default 10,000. */
  public KmsModelBuilder callLogCapacity(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("call log capacity must be at least 1: " + capacity);
    }
    this.callLogCapacity = capacity;
    return this;
  }

  /**
   * Generates one RSA key pair per RSA key spec ahead, on a daemon thread, so that CreateKey for
   * RSA (RSA-4096 in particular) answers within a client's attempt timeout.
   */
  public KmsModelBuilder withRsaKeysAhead() {
    this.rsaAhead = true;
    return this;
  }

  /**
   * CreateKey takes at least this long (a KMS under load, or a busy host), so that tests can see
   * what a client does when a CreateKey attempt outlasts its timeout; default none.
   */
  public KmsModelBuilder keyGenerationTime(Duration atLeast) {
    Objects.requireNonNull(atLeast, "atLeast");
    if (atLeast.isNegative()) {
      throw new IllegalArgumentException("keyGenerationTime must not be negative: " + atLeast);
    }
    this.keyGenerationTime = atLeast;
    return this;
  }

  public KmsModel build() {
    return KmsModel.build(this);
  }

  static String requireRegionName(String region) {
    Objects.requireNonNull(region, "region");
    if (!region.matches("[a-z0-9-]+")) {
      throw new IllegalArgumentException("not a region name: " + region);
    }
    return region;
  }
}
