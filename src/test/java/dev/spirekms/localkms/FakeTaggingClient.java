package dev.spirekms.localkms;

import java.util.Objects;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.resourcegroupstaggingapi.ResourceGroupsTaggingApiClient;
import software.amazon.awssdk.services.resourcegroupstaggingapi.ResourceGroupsTaggingApiServiceClientConfiguration;
import software.amazon.awssdk.services.resourcegroupstaggingapi.model.GetResourcesRequest;
import software.amazon.awssdk.services.resourcegroupstaggingapi.model.GetResourcesResponse;

/**
 * A {@link ResourceGroupsTaggingApiClient} for unit tests, served by the same {@link KmsModel} as a
 * {@link FakeKmsClient}: GetResources lists the model's keys by their tags, with the model's fault
 * injection and call log. The {@code Consumer<Builder>} overload and {@code getResourcesPaginator}
 * are the interface's own default methods, which call {@link #getResources(GetResourcesRequest)};
 * every other operation is the interface's default, which throws {@link
 * java.lang.UnsupportedOperationException}.
 */
public final class FakeTaggingClient implements ResourceGroupsTaggingApiClient {
  private final KmsModel model;
  private volatile boolean closed;

  public FakeTaggingClient(KmsModel model) {
    this.model = Objects.requireNonNull(model, "model");
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
  public ResourceGroupsTaggingApiServiceClientConfiguration serviceClientConfiguration() {
    return ResourceGroupsTaggingApiServiceClientConfiguration.builder()
        .region(Region.of(model.region()))
        .build();
  }

  @Override
  public void close() {
    closed = true;
  }

  @Override
  public GetResourcesResponse getResources(GetResourcesRequest request) {
    return model.getResources(request);
  }
}
