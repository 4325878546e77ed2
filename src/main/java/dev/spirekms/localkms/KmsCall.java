package dev.spirekms.localkms;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.awscore.AwsRequest;
import software.amazon.awssdk.awscore.AwsResponse;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/**
 * One call the model served: the operation, the SDK request, and its outcome (the response, or the
 * exception the caller got).
 *
 * @param operation the operation name, e.g. {@code "Sign"}
 * @param request the request as the model received it
 * @param response the response, or null if the call failed
 * @param error the exception thrown to the caller, or null if the call succeeded
 * @param at the model clock's time when the call was served
 * @param region the region the call was made in
 */
public record KmsCall(
    String operation,
    AwsRequest request,
    AwsResponse response,
    RuntimeException error,
    Instant at,
    String region) {

  public KmsCall {
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(region, "region");
    if ((response == null) == (error == null)) {
      throw new IllegalArgumentException("a call has either a response or an error");
    }
  }

  /** A call in the model's {@linkplain KmsModel#DEFAULT_REGION default region}. */
  public KmsCall(
      String operation,
      AwsRequest request,
      AwsResponse response,
      RuntimeException error,
      Instant at) {
    this(operation, request, response, error, at, KmsModel.DEFAULT_REGION);
  }

  public boolean succeeded() {
    return error == null;
  }

  /** The KMS error code of a failed call (e.g. {@code NotFoundException}), if it had one. */
  public Optional<String> errorCode() {
    if (error instanceof AwsServiceException e && e.awsErrorDetails() != null) {
      return Optional.ofNullable(e.awsErrorDetails().errorCode());
    }
    return Optional.empty();
  }

  /** The request as {@code type}; throws {@link ClassCastException} if it is another type. */
  public <R extends AwsRequest> R request(Class<R> type) {
    return type.cast(request);
  }
}
