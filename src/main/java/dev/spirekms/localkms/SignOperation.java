package dev.spirekms.localkms;

import java.security.PrivateKey;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.kms.model.MessageType;
import software.amazon.awssdk.services.kms.model.SignRequest;
import software.amazon.awssdk.services.kms.model.SignResponse;
import software.amazon.awssdk.services.kms.model.SigningAlgorithmSpec;

/** Sign: a RAW message or a DIGEST, with one of the algorithms KMS allows for the key spec. */
final class SignOperation {

  private final KmsState state;

  SignOperation(KmsState state) {
    this.state = state;
  }

  SignResponse sign(SignRequest request) {
    byte[] message = request.message() == null ? null : request.message().asByteArray();
    // API Reference, Sign: Message is 1-4096 bytes; SigningAlgorithm is required.
    if (message == null) {
      throw KmsErrors.validation("message", null, "Member must not be null");
    }
    if (message.length < 1 || message.length > 4096) {
      throw KmsErrors.validation(
          "message",
          "java.nio.HeapByteBuffer[len=" + message.length + "]",
          "Member must have length "
              + (message.length < 1 ? "greater than or equal to 1" : "less than or equal to 4096"));
    }
    String algorithmName = request.signingAlgorithmAsString();
    if (algorithmName == null) {
      throw KmsErrors.validation("signingAlgorithm", null, "Member must not be null");
    }
    SigningAlgorithmSpec algorithm = SigningAlgorithmSpec.fromValue(algorithmName);
    if (algorithm == SigningAlgorithmSpec.UNKNOWN_TO_SDK_VERSION) {
      throw KmsErrors.validation(
          "signingAlgorithm",
          algorithmName,
          "Member must satisfy enum value set: " + SigningAlgorithmSpec.knownValues());
    }
    MessageType messageType = messageTypeOf(request);
    PrivateKey privateKey;
    String keyArn;
    synchronized (state.lock) {
      state.purgeExpired();
      KeyRecord key = state.resolve(request.keyId(), true);
      KmsState.requireUsable(key);
      if (key.usage != KeyUsageType.SIGN_VERIFY) {
        throw KmsErrors.invalidKeyUsage(
            "KeyUsage of " + key.arn + " is " + key.usage + ", not SIGN_VERIFY");
      }
      if (!key.spec.signingAlgorithms().contains(algorithm)) {
        // KMS: each key spec allows a fixed set of signing algorithms (API Reference, Sign).
        throw KmsErrors.invalidKeyUsage(
            "Signing algorithm "
                + algorithm
                + " is not compatible with key spec "
                + key.spec.keySpec()
                + "; supported: "
                + key.spec.signingAlgorithms());
      }
      privateKey = key.keyPair.getPrivate();
      keyArn = key.arn;
    }
    SigningScheme scheme = SigningScheme.of(algorithm);
    boolean isDigest = messageType == MessageType.DIGEST;
    if (isDigest && message.length != scheme.digestLength()) {
      // API Reference, Sign: a DIGEST must be as long as the algorithm's hash.
      throw KmsErrors.validation("Digest is invalid length for algorithm " + algorithm + ".");
    }
    if (Boolean.TRUE.equals(request.dryRun())) {
      throw KmsErrors.dryRun("The request would have succeeded, but the DryRun option is set.");
    }
    byte[] signature = KmsSigner.sign(privateKey, scheme, isDigest, message, state.random);
    return SignResponse.builder()
        .keyId(keyArn)
        .signature(SdkBytes.fromByteArray(signature))
        .signingAlgorithm(algorithm)
        .build();
  }

  private static MessageType messageTypeOf(SignRequest request) {
    String name = request.messageTypeAsString();
    // API Reference, Sign: MessageType defaults to RAW.
    if (name == null) {
      return MessageType.RAW;
    }
    MessageType type = MessageType.fromValue(name);
    if (type == MessageType.UNKNOWN_TO_SDK_VERSION) {
      throw KmsErrors.validation(
          "messageType", name, "Member must satisfy enum value set: " + MessageType.knownValues());
    }
    return type;
  }
}
