package dev.spirekms.lifecycle;

import dev.spirekms.localkms.FakeKmsClient;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.AliasListEntry;
import software.amazon.awssdk.services.kms.model.DeleteAliasRequest;
import software.amazon.awssdk.services.kms.model.DeleteAliasResponse;
import software.amazon.awssdk.services.kms.model.DescribeKeyRequest;
import software.amazon.awssdk.services.kms.model.DescribeKeyResponse;
import software.amazon.awssdk.services.kms.model.ListAliasesRequest;
import software.amazon.awssdk.services.kms.model.ListAliasesResponse;
import software.amazon.awssdk.services.kms.model.ListKeysRequest;
import software.amazon.awssdk.services.kms.model.ListKeysResponse;
import software.amazon.awssdk.services.kms.model.ScheduleKeyDeletionRequest;
import software.amazon.awssdk.services.kms.model.ScheduleKeyDeletionResponse;

/**
 * The fake KMS client with ListAliases entries rewritten on the way out: for alias entries KMS can
 * send but the model never makes, such as a SPIRE alias without a target or without a date. Every
 * other call goes to the fake unchanged.
 */
final class ListingEditor implements KmsClient {
  private final FakeKmsClient fake;
  private final UnaryOperator<AliasListEntry> edit;

  ListingEditor(FakeKmsClient fake, UnaryOperator<AliasListEntry> edit) {
    this.fake = fake;
    this.edit = edit;
  }

  @Override
  public ListAliasesResponse listAliases(ListAliasesRequest request) {
    ListAliasesResponse response = fake.listAliases(request);
    return response.toBuilder().aliases(response.aliases().stream().map(edit).toList()).build();
  }

  @Override
  public DescribeKeyResponse describeKey(DescribeKeyRequest request) {
    return fake.describeKey(request);
  }

  @Override
  public ListKeysResponse listKeys(ListKeysRequest request) {
    return fake.listKeys(request);
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
