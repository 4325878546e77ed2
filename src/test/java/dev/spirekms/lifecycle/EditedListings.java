package dev.spirekms.lifecycle;

import dev.spirekms.localkms.FakeKmsClient;
import java.util.List;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.AliasListEntry;
import software.amazon.awssdk.services.kms.model.CreateAliasRequest;
import software.amazon.awssdk.services.kms.model.CreateAliasResponse;
import software.amazon.awssdk.services.kms.model.CreateKeyRequest;
import software.amazon.awssdk.services.kms.model.CreateKeyResponse;
import software.amazon.awssdk.services.kms.model.DeleteAliasRequest;
import software.amazon.awssdk.services.kms.model.DeleteAliasResponse;
import software.amazon.awssdk.services.kms.model.DescribeKeyRequest;
import software.amazon.awssdk.services.kms.model.DescribeKeyResponse;
import software.amazon.awssdk.services.kms.model.GetPublicKeyRequest;
import software.amazon.awssdk.services.kms.model.GetPublicKeyResponse;
import software.amazon.awssdk.services.kms.model.KeyListEntry;
import software.amazon.awssdk.services.kms.model.ListAliasesRequest;
import software.amazon.awssdk.services.kms.model.ListAliasesResponse;
import software.amazon.awssdk.services.kms.model.ListKeysRequest;
import software.amazon.awssdk.services.kms.model.ListKeysResponse;
import software.amazon.awssdk.services.kms.model.ScheduleKeyDeletionRequest;
import software.amazon.awssdk.services.kms.model.ScheduleKeyDeletionResponse;
import software.amazon.awssdk.services.kms.model.UpdateAliasRequest;
import software.amazon.awssdk.services.kms.model.UpdateAliasResponse;

/**
 * The fake KMS client with whole ListAliases and ListKeys pages rewritten on the way out (entries
 * added, dropped or changed: names KMS would refuse, missing fields, huge pages), for the key store
 * and the lifecycle alike; or, through {@link #eachAlias}, every ListAliases entry rewritten alone
 * (alias entries KMS can send but the model never makes, such as a SPIRE alias without a target or
 * without a date). Every other call goes to the fake unchanged, so what is deleted is recorded in
 * the model's call log.
 */
final class EditedListings implements KmsClient {
  private final FakeKmsClient fake;
  private final UnaryOperator<List<AliasListEntry>> aliases;
  private final UnaryOperator<List<KeyListEntry>> keys;

  EditedListings(
      FakeKmsClient fake,
      UnaryOperator<List<AliasListEntry>> aliases,
      UnaryOperator<List<KeyListEntry>> keys) {
    this.fake = fake;
    this.aliases = aliases;
    this.keys = keys;
  }

  /** Every ListAliases entry through {@code edit}, one by one; ListKeys pages unchanged. */
  static EditedListings eachAlias(FakeKmsClient fake, UnaryOperator<AliasListEntry> edit) {
    return new EditedListings(
        fake, page -> page.stream().map(edit).toList(), UnaryOperator.identity());
  }

  @Override
  public ListAliasesResponse listAliases(ListAliasesRequest request) {
    ListAliasesResponse page = fake.listAliases(request);
    return page.toBuilder().aliases(aliases.apply(page.aliases())).build();
  }

  @Override
  public ListKeysResponse listKeys(ListKeysRequest request) {
    ListKeysResponse page = fake.listKeys(request);
    return page.toBuilder().keys(keys.apply(page.keys())).build();
  }

  @Override
  public DescribeKeyResponse describeKey(DescribeKeyRequest request) {
    return fake.describeKey(request);
  }

  @Override
  public GetPublicKeyResponse getPublicKey(GetPublicKeyRequest request) {
    return fake.getPublicKey(request);
  }

  @Override
  public CreateKeyResponse createKey(CreateKeyRequest request) {
    return fake.createKey(request);
  }

  @Override
  public CreateAliasResponse createAlias(CreateAliasRequest request) {
    return fake.createAlias(request);
  }

  @Override
  public UpdateAliasResponse updateAlias(UpdateAliasRequest request) {
    return fake.updateAlias(request);
  }

  @Override
  public DeleteAliasResponse deleteAlias(DeleteAliasRequest request) {
    return fake.deleteAlias(request);
  }

  @Override
  public ScheduleKeyDeletionResponse scheduleKeyDeletion(ScheduleKeyDeletionRequest request) {
    return fake.scheduleKeyDeletion(request);
  }

  @Override
  public String serviceName() {
    return fake.serviceName();
  }

  @Override
  public void close() {
    fake.close();
  }
}
