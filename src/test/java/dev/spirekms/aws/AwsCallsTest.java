package dev.spirekms.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spirekms.aws.KmsCallException.Kind;
import java.io.IOException;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kms.model.KmsException;

class AwsCallsTest {

  private static KmsException serviceError(String code, int status) {
    return (KmsException)
        KmsException.builder()
            .statusCode(status)
            .requestId("req-1")
            .awsErrorDetails(
                AwsErrorDetails.builder().errorCode(code).errorMessage("details of " + code).build())
            .build();
  }

  @ParameterizedTest
  @CsvSource({
    "ThrottlingException, 400, THROTTLED",
    "AccessDeniedException, 400, ACCESS_DENIED",
    "UnrecognizedClientException, 400, ACCESS_DENIED",
    "ExpiredTokenException, 400, ACCESS_DENIED",
    "KMSInternalException, 500, UNAVAILABLE",
    "DependencyTimeoutException, 503, UNAVAILABLE",
    "SomethingNew, 503, UNAVAILABLE",
    "NotFoundException, 400, NOT_FOUND",
    "AlreadyExistsException, 400, ALREADY_EXISTS",
    "InvalidArnException, 400, INVALID_ARN",
    "KMSInvalidStateException, 400, INVALID_STATE",
    "DisabledException, 400, DISABLED",
    "ValidationException, 400, INVALID_REQUEST",
    "MalformedPolicyDocumentException, 400, INVALID_REQUEST",
    "SomethingNew, 400, OTHER",
  })
  void serviceErrorsAreClassified(String code, int status, Kind kind) {
    KmsCallException e = AwsCalls.translate("kms:Sign", serviceError(code, status));
    assertEquals(kind, e.kind());
    assertEquals(Optional.of(code), e.errorCode());
    assertEquals(Optional.of("req-1"), e.requestId());
    assertEquals("kms:Sign", e.action());
    assertTrue(e.getMessage().contains("details of " + code), e.getMessage());
  }

  @Test
  void accessDeniedNamesTheAction() {
    KmsCallException e =
        AwsCalls.translate("kms:CreateKey", serviceError("AccessDeniedException", 400));
    assertEquals(
        "access denied to kms:CreateKey: AccessDeniedException: details of AccessDeniedException",
        e.getMessage());
  }

  @Test
  void badCredentialsAreSaidToBeCredentials() {
    KmsCallException e = AwsCalls.translate("kms:Sign", serviceError("ExpiredTokenException", 400));
    assertTrue(e.getMessage().startsWith("AWS rejected the credentials used for kms:Sign"), e.getMessage());
  }

  @Test
  void throttlingSaysSo() {
    KmsCallException e = AwsCalls.translate("kms:Sign", serviceError("ThrottlingException", 400));
    assertTrue(e.getMessage().startsWith("kms:Sign was throttled by AWS"), e.getMessage());
  }

  @Test
  void timeoutsAndConnectionFailuresAreUnavailable() {
    assertEquals(
        Kind.UNAVAILABLE,
        AwsCalls.translate("kms:Sign", ApiCallTimeoutException.create(1000)).kind());
    assertEquals(
        Kind.UNAVAILABLE,
        AwsCalls.translate("kms:Sign", ApiCallAttemptTimeoutException.create(1000)).kind());
    KmsCallException io =
        AwsCalls.translate(
            "kms:Sign",
            SdkClientException.builder().message("boom").cause(new IOException("refused")).build());
    assertEquals(Kind.UNAVAILABLE, io.kind());
    assertFalse(io.requestId().isPresent());
    assertFalse(io.errorCode().isPresent());
  }

  @Test
  void otherClientFailuresAreOther() {
    KmsCallException e =
        AwsCalls.translate(
            "kms:Sign", SdkClientException.builder().message("Unable to load credentials").build());
    assertEquals(Kind.OTHER, e.kind());
    assertEquals("kms:Sign failed: Unable to load credentials", e.getMessage());
  }

  @Test
  void callPassesResultsAndTranslatesFailures() {
    assertEquals("ok", AwsCalls.call("kms:Sign", () -> "ok"));
    KmsException cause = serviceError("NotFoundException", 400);
    KmsCallException e =
        assertThrows(
            KmsCallException.class,
            () ->
                AwsCalls.call(
                    "kms:DescribeKey",
                    () -> {
                      throw cause;
                    }));
    assertSame(cause, e.getCause());
    assertEquals(Kind.NOT_FOUND, e.kind());
  }

  @Test
  void serviceErrorWithoutDetailsFallsBackOnStatus() {
    KmsException bare = (KmsException) KmsException.builder().statusCode(502).message("bad gateway").build();
    assertEquals(Kind.UNAVAILABLE, AwsCalls.translate("kms:Sign", bare).kind());
    KmsException bare4xx = (KmsException) KmsException.builder().statusCode(418).message("teapot").build();
    assertEquals(Kind.OTHER, AwsCalls.translate("kms:Sign", bare4xx).kind());
  }
}
