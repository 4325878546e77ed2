package dev.spirekms.localkms;

import java.util.Objects;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.KmsServiceClientConfiguration;
import software.amazon.awssdk.services.kms.model.CancelKeyDeletionRequest;
import software.amazon.awssdk.services.kms.model.CancelKeyDeletionResponse;
import software.amazon.awssdk.services.kms.model.ConnectCustomKeyStoreRequest;
import software.amazon.awssdk.services.kms.model.ConnectCustomKeyStoreResponse;
import software.amazon.awssdk.services.kms.model.CreateAliasRequest;
import software.amazon.awssdk.services.kms.model.CreateAliasResponse;
import software.amazon.awssdk.services.kms.model.CreateCustomKeyStoreRequest;
import software.amazon.awssdk.services.kms.model.CreateCustomKeyStoreResponse;
import software.amazon.awssdk.services.kms.model.CreateGrantRequest;
import software.amazon.awssdk.services.kms.model.CreateGrantResponse;
import software.amazon.awssdk.services.kms.model.CreateKeyRequest;
import software.amazon.awssdk.services.kms.model.CreateKeyResponse;
import software.amazon.awssdk.services.kms.model.DecapsulateRequest;
import software.amazon.awssdk.services.kms.model.DecapsulateResponse;
import software.amazon.awssdk.services.kms.model.DecryptRequest;
import software.amazon.awssdk.services.kms.model.DecryptResponse;
import software.amazon.awssdk.services.kms.model.DeleteAliasRequest;
import software.amazon.awssdk.services.kms.model.DeleteAliasResponse;
import software.amazon.awssdk.services.kms.model.DeleteCustomKeyStoreRequest;
import software.amazon.awssdk.services.kms.model.DeleteCustomKeyStoreResponse;
import software.amazon.awssdk.services.kms.model.DeleteImportedKeyMaterialRequest;
import software.amazon.awssdk.services.kms.model.DeleteImportedKeyMaterialResponse;
import software.amazon.awssdk.services.kms.model.DeriveSharedSecretRequest;
import software.amazon.awssdk.services.kms.model.DeriveSharedSecretResponse;
import software.amazon.awssdk.services.kms.model.DescribeCustomKeyStoresRequest;
import software.amazon.awssdk.services.kms.model.DescribeCustomKeyStoresResponse;
import software.amazon.awssdk.services.kms.model.DescribeKeyRequest;
import software.amazon.awssdk.services.kms.model.DescribeKeyResponse;
import software.amazon.awssdk.services.kms.model.DisableKeyRequest;
import software.amazon.awssdk.services.kms.model.DisableKeyResponse;
import software.amazon.awssdk.services.kms.model.DisableKeyRotationRequest;
import software.amazon.awssdk.services.kms.model.DisableKeyRotationResponse;
import software.amazon.awssdk.services.kms.model.DisconnectCustomKeyStoreRequest;
import software.amazon.awssdk.services.kms.model.DisconnectCustomKeyStoreResponse;
import software.amazon.awssdk.services.kms.model.EnableKeyRequest;
import software.amazon.awssdk.services.kms.model.EnableKeyResponse;
import software.amazon.awssdk.services.kms.model.EnableKeyRotationRequest;
import software.amazon.awssdk.services.kms.model.EnableKeyRotationResponse;
import software.amazon.awssdk.services.kms.model.EncapsulateRequest;
import software.amazon.awssdk.services.kms.model.EncapsulateResponse;
import software.amazon.awssdk.services.kms.model.EncryptRequest;
import software.amazon.awssdk.services.kms.model.EncryptResponse;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyPairRequest;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyPairResponse;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyPairWithoutPlaintextRequest;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyPairWithoutPlaintextResponse;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyRequest;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyResponse;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyWithoutPlaintextRequest;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyWithoutPlaintextResponse;
import software.amazon.awssdk.services.kms.model.GenerateMacRequest;
import software.amazon.awssdk.services.kms.model.GenerateMacResponse;
import software.amazon.awssdk.services.kms.model.GenerateRandomRequest;
import software.amazon.awssdk.services.kms.model.GenerateRandomResponse;
import software.amazon.awssdk.services.kms.model.GetKeyLastUsageRequest;
import software.amazon.awssdk.services.kms.model.GetKeyLastUsageResponse;
import software.amazon.awssdk.services.kms.model.GetKeyPolicyRequest;
import software.amazon.awssdk.services.kms.model.GetKeyPolicyResponse;
import software.amazon.awssdk.services.kms.model.GetKeyRotationStatusRequest;
import software.amazon.awssdk.services.kms.model.GetKeyRotationStatusResponse;
import software.amazon.awssdk.services.kms.model.GetParametersForImportRequest;
import software.amazon.awssdk.services.kms.model.GetParametersForImportResponse;
import software.amazon.awssdk.services.kms.model.GetPublicKeyRequest;
import software.amazon.awssdk.services.kms.model.GetPublicKeyResponse;
import software.amazon.awssdk.services.kms.model.ImportKeyMaterialRequest;
import software.amazon.awssdk.services.kms.model.ImportKeyMaterialResponse;
import software.amazon.awssdk.services.kms.model.ListAliasesRequest;
import software.amazon.awssdk.services.kms.model.ListAliasesResponse;
import software.amazon.awssdk.services.kms.model.ListGrantsRequest;
import software.amazon.awssdk.services.kms.model.ListGrantsResponse;
import software.amazon.awssdk.services.kms.model.ListKeyPoliciesRequest;
import software.amazon.awssdk.services.kms.model.ListKeyPoliciesResponse;
import software.amazon.awssdk.services.kms.model.ListKeyRotationsRequest;
import software.amazon.awssdk.services.kms.model.ListKeyRotationsResponse;
import software.amazon.awssdk.services.kms.model.ListKeysRequest;
import software.amazon.awssdk.services.kms.model.ListKeysResponse;
import software.amazon.awssdk.services.kms.model.ListResourceTagsRequest;
import software.amazon.awssdk.services.kms.model.ListResourceTagsResponse;
import software.amazon.awssdk.services.kms.model.ListRetirableGrantsRequest;
import software.amazon.awssdk.services.kms.model.ListRetirableGrantsResponse;
import software.amazon.awssdk.services.kms.model.PutKeyPolicyRequest;
import software.amazon.awssdk.services.kms.model.PutKeyPolicyResponse;
import software.amazon.awssdk.services.kms.model.ReEncryptRequest;
import software.amazon.awssdk.services.kms.model.ReEncryptResponse;
import software.amazon.awssdk.services.kms.model.ReplicateKeyRequest;
import software.amazon.awssdk.services.kms.model.ReplicateKeyResponse;
import software.amazon.awssdk.services.kms.model.RetireGrantRequest;
import software.amazon.awssdk.services.kms.model.RetireGrantResponse;
import software.amazon.awssdk.services.kms.model.RevokeGrantRequest;
import software.amazon.awssdk.services.kms.model.RevokeGrantResponse;
import software.amazon.awssdk.services.kms.model.RotateKeyOnDemandRequest;
import software.amazon.awssdk.services.kms.model.RotateKeyOnDemandResponse;
import software.amazon.awssdk.services.kms.model.ScheduleKeyDeletionRequest;
import software.amazon.awssdk.services.kms.model.ScheduleKeyDeletionResponse;
import software.amazon.awssdk.services.kms.model.SignRequest;
import software.amazon.awssdk.services.kms.model.SignResponse;
import software.amazon.awssdk.services.kms.model.TagResourceRequest;
import software.amazon.awssdk.services.kms.model.TagResourceResponse;
import software.amazon.awssdk.services.kms.model.UntagResourceRequest;
import software.amazon.awssdk.services.kms.model.UntagResourceResponse;
import software.amazon.awssdk.services.kms.model.UpdateAliasRequest;
import software.amazon.awssdk.services.kms.model.UpdateAliasResponse;
import software.amazon.awssdk.services.kms.model.UpdateCustomKeyStoreRequest;
import software.amazon.awssdk.services.kms.model.UpdateCustomKeyStoreResponse;
import software.amazon.awssdk.services.kms.model.UpdateKeyDescriptionRequest;
import software.amazon.awssdk.services.kms.model.UpdateKeyDescriptionResponse;
import software.amazon.awssdk.services.kms.model.UpdatePrimaryRegionRequest;
import software.amazon.awssdk.services.kms.model.UpdatePrimaryRegionResponse;
import software.amazon.awssdk.services.kms.model.VerifyMacRequest;
import software.amazon.awssdk.services.kms.model.VerifyMacResponse;
import software.amazon.awssdk.services.kms.model.VerifyRequest;
import software.amazon.awssdk.services.kms.model.VerifyResponse;

/**
 * A {@link KmsClient} for unit tests, served by a {@link KmsModel}: real key pairs, KMS's rules,
 * the model's clock, fault injection and call log. The {@code Consumer<Builder>} overloads, the
 * no-argument overloads and the paginators ({@code listAliasesPaginator}, {@code
 * listKeysPaginator}, {@code listResourceTagsPaginator}) are the interface's own default methods,
 * which call the request-object methods below.
 *
 * <p>One client serves one region of the model, the region of {@link
 * #serviceClientConfiguration()}; {@link #inRegion} gives a client for another region of the same
 * model.
 *
 * <p>Operations the model does not implement throw {@link java.lang.UnsupportedOperationException}
 * naming the operation.
 */
public final class FakeKmsClient implements KmsClient {
  private final KmsModel model;
  private volatile boolean closed;

  public FakeKmsClient(KmsModel model) {
    this.model = Objects.requireNonNull(model, "model");
  }

  /**
   * A client for another region of the same model, as a second client built for that region would
   * be ({@link KmsModel#inRegion}).
   */
  public FakeKmsClient inRegion(String region) {
    return new FakeKmsClient(model.inRegion(region));
  }

  /** A client over a fresh model with default settings. */
  public static FakeKmsClient create() {
    return new FakeKmsClient(KmsModel.create());
  }

  public KmsModel model() {
    return model;
  }

  /** True once {@link #close()} was called; the client keeps working after close. */
  public boolean isClosed() {
    return closed;
  }

  @Override
  public String serviceName() {
    return SERVICE_NAME;
  }

  @Override
  public KmsServiceClientConfiguration serviceClientConfiguration() {
    return KmsServiceClientConfiguration.builder().region(Region.of(model.region())).build();
  }

  @Override
  public void close() {
    closed = true;
  }

  @Override
  public CancelKeyDeletionResponse cancelKeyDeletion(CancelKeyDeletionRequest request) {
    return model.cancelKeyDeletion(request);
  }

  @Override
  public CreateAliasResponse createAlias(CreateAliasRequest request) {
    return model.createAlias(request);
  }

  @Override
  public CreateKeyResponse createKey(CreateKeyRequest request) {
    return model.createKey(request);
  }

  @Override
  public DeleteAliasResponse deleteAlias(DeleteAliasRequest request) {
    return model.deleteAlias(request);
  }

  @Override
  public DescribeKeyResponse describeKey(DescribeKeyRequest request) {
    return model.describeKey(request);
  }

  @Override
  public DisableKeyResponse disableKey(DisableKeyRequest request) {
    return model.disableKey(request);
  }

  @Override
  public EnableKeyResponse enableKey(EnableKeyRequest request) {
    return model.enableKey(request);
  }

  @Override
  public GetPublicKeyResponse getPublicKey(GetPublicKeyRequest request) {
    return model.getPublicKey(request);
  }

  @Override
  public ListAliasesResponse listAliases(ListAliasesRequest request) {
    return model.listAliases(request);
  }

  @Override
  public ListKeysResponse listKeys(ListKeysRequest request) {
    return model.listKeys(request);
  }

  @Override
  public ListResourceTagsResponse listResourceTags(ListResourceTagsRequest request) {
    return model.listResourceTags(request);
  }

  @Override
  public ScheduleKeyDeletionResponse scheduleKeyDeletion(ScheduleKeyDeletionRequest request) {
    return model.scheduleKeyDeletion(request);
  }

  @Override
  public SignResponse sign(SignRequest request) {
    return model.sign(request);
  }

  @Override
  public TagResourceResponse tagResource(TagResourceRequest request) {
    return model.tagResource(request);
  }

  @Override
  public UpdateAliasResponse updateAlias(UpdateAliasRequest request) {
    return model.updateAlias(request);
  }

  // Operations the local KMS does not implement.

  @Override
  public ConnectCustomKeyStoreResponse connectCustomKeyStore(ConnectCustomKeyStoreRequest request) {
    throw unsupported("ConnectCustomKeyStore");
  }

  @Override
  public CreateCustomKeyStoreResponse createCustomKeyStore(CreateCustomKeyStoreRequest request) {
    throw unsupported("CreateCustomKeyStore");
  }

  @Override
  public CreateGrantResponse createGrant(CreateGrantRequest request) {
    throw unsupported("CreateGrant");
  }

  @Override
  public DecapsulateResponse decapsulate(DecapsulateRequest request) {
    throw unsupported("Decapsulate");
  }

  @Override
  public DecryptResponse decrypt(DecryptRequest request) {
    throw unsupported("Decrypt");
  }

  @Override
  public DeleteCustomKeyStoreResponse deleteCustomKeyStore(DeleteCustomKeyStoreRequest request) {
    throw unsupported("DeleteCustomKeyStore");
  }

  @Override
  public DeleteImportedKeyMaterialResponse deleteImportedKeyMaterial(
      DeleteImportedKeyMaterialRequest request) {
    throw unsupported("DeleteImportedKeyMaterial");
  }

  @Override
  public DeriveSharedSecretResponse deriveSharedSecret(DeriveSharedSecretRequest request) {
    throw unsupported("DeriveSharedSecret");
  }

  @Override
  public DescribeCustomKeyStoresResponse describeCustomKeyStores(
      DescribeCustomKeyStoresRequest request) {
    throw unsupported("DescribeCustomKeyStores");
  }

  @Override
  public DisableKeyRotationResponse disableKeyRotation(DisableKeyRotationRequest request) {
    throw unsupported("DisableKeyRotation");
  }

  @Override
  public DisconnectCustomKeyStoreResponse disconnectCustomKeyStore(
      DisconnectCustomKeyStoreRequest request) {
    throw unsupported("DisconnectCustomKeyStore");
  }

  @Override
  public EnableKeyRotationResponse enableKeyRotation(EnableKeyRotationRequest request) {
    throw unsupported("EnableKeyRotation");
  }

  @Override
  public EncapsulateResponse encapsulate(EncapsulateRequest request) {
    throw unsupported("Encapsulate");
  }

  @Override
  public EncryptResponse encrypt(EncryptRequest request) {
    throw unsupported("Encrypt");
  }

  @Override
  public GenerateDataKeyResponse generateDataKey(GenerateDataKeyRequest request) {
    throw unsupported("GenerateDataKey");
  }

  @Override
  public GenerateDataKeyPairResponse generateDataKeyPair(GenerateDataKeyPairRequest request) {
    throw unsupported("GenerateDataKeyPair");
  }

  @Override
  public GenerateDataKeyPairWithoutPlaintextResponse generateDataKeyPairWithoutPlaintext(
      GenerateDataKeyPairWithoutPlaintextRequest request) {
    throw unsupported("GenerateDataKeyPairWithoutPlaintext");
  }

  @Override
  public GenerateDataKeyWithoutPlaintextResponse generateDataKeyWithoutPlaintext(
      GenerateDataKeyWithoutPlaintextRequest request) {
    throw unsupported("GenerateDataKeyWithoutPlaintext");
  }

  @Override
  public GenerateMacResponse generateMac(GenerateMacRequest request) {
    throw unsupported("GenerateMac");
  }

  @Override
  public GenerateRandomResponse generateRandom(GenerateRandomRequest request) {
    throw unsupported("GenerateRandom");
  }

  @Override
  public GetKeyLastUsageResponse getKeyLastUsage(GetKeyLastUsageRequest request) {
    throw unsupported("GetKeyLastUsage");
  }

  @Override
  public GetKeyPolicyResponse getKeyPolicy(GetKeyPolicyRequest request) {
    throw unsupported("GetKeyPolicy");
  }

  @Override
  public GetKeyRotationStatusResponse getKeyRotationStatus(GetKeyRotationStatusRequest request) {
    throw unsupported("GetKeyRotationStatus");
  }

  @Override
  public GetParametersForImportResponse getParametersForImport(
      GetParametersForImportRequest request) {
    throw unsupported("GetParametersForImport");
  }

  @Override
  public ImportKeyMaterialResponse importKeyMaterial(ImportKeyMaterialRequest request) {
    throw unsupported("ImportKeyMaterial");
  }

  @Override
  public ListGrantsResponse listGrants(ListGrantsRequest request) {
    throw unsupported("ListGrants");
  }

  @Override
  public ListKeyPoliciesResponse listKeyPolicies(ListKeyPoliciesRequest request) {
    throw unsupported("ListKeyPolicies");
  }

  @Override
  public ListKeyRotationsResponse listKeyRotations(ListKeyRotationsRequest request) {
    throw unsupported("ListKeyRotations");
  }

  @Override
  public ListRetirableGrantsResponse listRetirableGrants(ListRetirableGrantsRequest request) {
    throw unsupported("ListRetirableGrants");
  }

  @Override
  public PutKeyPolicyResponse putKeyPolicy(PutKeyPolicyRequest request) {
    throw unsupported("PutKeyPolicy");
  }

  @Override
  public ReEncryptResponse reEncrypt(ReEncryptRequest request) {
    throw unsupported("ReEncrypt");
  }

  @Override
  public ReplicateKeyResponse replicateKey(ReplicateKeyRequest request) {
    return model.replicateKey(request);
  }

  @Override
  public RetireGrantResponse retireGrant(RetireGrantRequest request) {
    throw unsupported("RetireGrant");
  }

  @Override
  public RevokeGrantResponse revokeGrant(RevokeGrantRequest request) {
    throw unsupported("RevokeGrant");
  }

  @Override
  public RotateKeyOnDemandResponse rotateKeyOnDemand(RotateKeyOnDemandRequest request) {
    throw unsupported("RotateKeyOnDemand");
  }

  @Override
  public UntagResourceResponse untagResource(UntagResourceRequest request) {
    throw unsupported("UntagResource");
  }

  @Override
  public UpdateCustomKeyStoreResponse updateCustomKeyStore(UpdateCustomKeyStoreRequest request) {
    throw unsupported("UpdateCustomKeyStore");
  }

  @Override
  public UpdateKeyDescriptionResponse updateKeyDescription(UpdateKeyDescriptionRequest request) {
    throw unsupported("UpdateKeyDescription");
  }

  @Override
  public UpdatePrimaryRegionResponse updatePrimaryRegion(UpdatePrimaryRegionRequest request) {
    throw unsupported("UpdatePrimaryRegion");
  }

  @Override
  public VerifyResponse verify(VerifyRequest request) {
    throw unsupported("Verify");
  }

  @Override
  public VerifyMacResponse verifyMac(VerifyMacRequest request) {
    throw unsupported("VerifyMac");
  }

  private static java.lang.UnsupportedOperationException unsupported(String operation) {
    return new java.lang.UnsupportedOperationException(
        "FakeKmsClient does not implement KMS operation " + operation);
  }
}
