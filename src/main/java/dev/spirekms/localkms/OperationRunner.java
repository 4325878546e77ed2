package dev.spirekms.localkms;

import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Function;
import software.amazon.awssdk.awscore.AwsRequest;
import software.amazon.awssdk.awscore.AwsResponse;

/**
 * Runs one operation of the model: its fault rules before and after the operation's body, then a
 * record in the call log of what it answered or threw.
 */
final class OperationRunner {
  private final Clock clock;
  private final FaultInjector faults;
  private final CallLog callLog;
  private final String region;

  OperationRunner(Clock clock, FaultInjector faults, CallLog callLog, String region) {
    this.clock = clock;
    this.faults = faults;
    this.callLog = callLog;
    this.region = region;
  }

  <Q extends AwsRequest, S extends AwsResponse> S run(
      String operation, Q request, Function<Q, S> body) {
    Objects.requireNonNull(request, "request");
    Instant at = clock.instant();
    try {
      faults.check(operation, request, false);
      S response = body.apply(request);
      faults.check(operation, request, true);
      callLog.record(new KmsCall(operation, request, response, null, at, region));
      return response;
    } catch (RuntimeException e) {
      callLog.record(new KmsCall(operation, request, null, e, at, region));
      throw e;
    }
  }
}
