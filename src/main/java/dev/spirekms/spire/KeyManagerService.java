package dev.spirekms.spire;

import com.google.protobuf.ByteString;
import dev.spirekms.keys.KeyEntry;
import dev.spirekms.keys.KmsKeyStore;
import dev.spirekms.keys.SignerOptions;
import dev.spirekms.keys.SpireKeyType;
import dev.spirekms.proto.keymanager.v1.GenerateKeyRequest;
import dev.spirekms.proto.keymanager.v1.GenerateKeyResponse;
import dev.spirekms.proto.keymanager.v1.GetPublicKeyRequest;
import dev.spirekms.proto.keymanager.v1.GetPublicKeyResponse;
import dev.spirekms.proto.keymanager.v1.GetPublicKeysRequest;
import dev.spirekms.proto.keymanager.v1.GetPublicKeysResponse;
import dev.spirekms.proto.keymanager.v1.KeyManagerGrpc;
import dev.spirekms.proto.keymanager.v1.KeyType;
import dev.spirekms.proto.keymanager.v1.PublicKey;
import dev.spirekms.proto.keymanager.v1.SignDataRequest;
import dev.spirekms.proto.keymanager.v1.SignDataResponse;
import io.grpc.stub.StreamObserver;

/** SPIRE's KeyManager service over the configured {@link KmsKeyStore}. */
final class KeyManagerService extends KeyManagerGrpc.KeyManagerImplBase {
  private final PluginState state;

  /**
   * @param state the running configuration; before the first Configure, RPCs fail "not configured"
   */
  KeyManagerService(PluginState state) {
    this.state = state;
  }

  @Override
  public void generateKey(
      GenerateKeyRequest request, StreamObserver<GenerateKeyResponse> response) {
    String keyId = request.getKeyId();
    try {
      requireKeyId(keyId);
      SpireKeyType type = keyType(request.getKeyTypeValue());
      KeyEntry entry = state.rotate(store -> store.generate(keyId, type));
      response.onNext(GenerateKeyResponse.newBuilder().setPublicKey(toProto(entry)).build());
      response.onCompleted();
    } catch (RuntimeException e) {
      response.onError(StatusMapper.toStatus("GenerateKey", keyId, e));
    }
  }

  @Override
  public void getPublicKey(
      GetPublicKeyRequest request, StreamObserver<GetPublicKeyResponse> response) {
    String keyId = request.getKeyId();
    try {
      requireKeyId(keyId);
      KeyEntry entry = state.keyStore().require(keyId);
      response.onNext(GetPublicKeyResponse.newBuilder().setPublicKey(toProto(entry)).build());
      response.onCompleted();
    } catch (RuntimeException e) {
      response.onError(StatusMapper.toStatus("GetPublicKey", keyId, e));
    }
  }

  @Override
  public void getPublicKeys(
      GetPublicKeysRequest request, StreamObserver<GetPublicKeysResponse> response) {
    try {
      GetPublicKeysResponse.Builder keys = GetPublicKeysResponse.newBuilder();
      for (KeyEntry entry : state.keyStore().all()) {
        keys.addPublicKeys(toProto(entry));
      }
      response.onNext(keys.build());
      response.onCompleted();
    } catch (RuntimeException e) {
      response.onError(StatusMapper.toStatus("GetPublicKeys", null, e));
    }
  }

  @Override
  public void signData(SignDataRequest request, StreamObserver<SignDataResponse> response) {
    String keyId = request.getKeyId();
    try {
      requireKeyId(keyId);
      SignerOptions options =
          switch (request.getSignerOptsCase()) {
            case HASH_ALGORITHM -> SignerOptions.pkcs1(request.getHashAlgorithmValue());
            case PSS_OPTIONS ->
                SignerOptions.pss(
                    request.getPssOptions().getHashAlgorithmValue(),
                    request.getPssOptions().getSaltLength());
            case SIGNEROPTS_NOT_SET ->
                throw StatusMapper.invalidArgument(SpireMessages.SIGNER_OPTS_REQUIRED);
          };
      KmsKeyStore.Signature signature =
          state.keyStore().sign(keyId, request.getData().toByteArray(), options);
      response.onNext(
          SignDataResponse.newBuilder()
              .setSignature(ByteString.copyFrom(signature.bytes()))
              .setKeyFingerprint(signature.keyFingerprint())
              .build());
      response.onCompleted();
    } catch (RuntimeException e) {
      response.onError(StatusMapper.toStatus("SignData", keyId, e));
    }
  }

  private static void requireKeyId(String keyId) {
    if (keyId.isEmpty()) {
      throw StatusMapper.invalidArgument(SpireMessages.KEY_ID_REQUIRED);
    }
  }

  private static SpireKeyType keyType(int value) {
    return switch (value) {
      case KeyType.UNSPECIFIED_KEY_TYPE_VALUE ->
          throw StatusMapper.invalidArgument(SpireMessages.KEY_TYPE_REQUIRED);
      case KeyType.EC_P256_VALUE -> SpireKeyType.EC_P256;
      case KeyType.EC_P384_VALUE -> SpireKeyType.EC_P384;
      case KeyType.RSA_2048_VALUE -> SpireKeyType.RSA_2048;
      case KeyType.RSA_4096_VALUE -> SpireKeyType.RSA_4096;
      default ->
          throw StatusMapper.invalidArgument(
              String.format(SpireMessages.UNSUPPORTED_KEY_TYPE, value));
    };
  }

  private static PublicKey toProto(KeyEntry entry) {
    return PublicKey.newBuilder()
        .setId(entry.spireKeyId())
        .setType(KeyType.valueOf(entry.type().name()))
        .setPkixData(ByteString.copyFrom(entry.pkixDer()))
        .setFingerprint(entry.fingerprint())
        .build();
  }
}
