package dev.spirekms.aws;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * The credentials KMS calls are signed with: the source credentials, then each role of the chain
 * assumed in order, each hop's STS calls signed with the previous hop's credentials.
 */
public final class RoleChainCredentials implements AutoCloseable {
  private final AwsCredentialsProvider source;
  private final List<AssumedRoleHop> hops;
  private final List<StsClient> stsClients;

  private RoleChainCredentials(
      AwsCredentialsProvider source, List<AssumedRoleHop> hops, List<StsClient> stsClients) {
    this.source = source;
    this.hops = List.copyOf(hops);
    this.stsClients = List.copyOf(stsClients);
  }

  /**
   * Builds the chain without calling STS.
   *
   * @param stsFor an STS client signed with the given credentials
   */
  static RoleChainCredentials build(
      AwsCredentialsProvider source,
      List<AssumedRole> roles,
      String sessionName,
      Function<AwsCredentialsProvider, StsClient> stsFor,
      Clock clock) {
    List<AssumedRoleHop> hops = new ArrayList<>();
    List<StsClient> clients = new ArrayList<>();
    AwsCredentialsProvider previous = source;
    try {
      for (int i = 0; i < roles.size(); i++) {
        StsClient sts = stsFor.apply(previous);
        clients.add(sts);
        AssumedRoleHop hop =
            new AssumedRoleHop(i + 1, roles.size(), roles.get(i), sessionName, sts, clock);
        hops.add(hop);
        previous = hop;
      }
    } catch (RuntimeException e) {
      clients.forEach(StsClient::close);
      throw e;
    }
    return new RoleChainCredentials(source, hops, clients);
  }

  /** What KMS and the caller-identity check sign with: the last hop, or the source. */
  public AwsCredentialsProvider provider() {
    return hops.isEmpty() ? source : hops.get(hops.size() - 1);
  }

  /** The hops in order; empty when no role is assumed. */
  public List<AssumedRoleHop> hops() {
    return hops;
  }

  /** Assumes every hop once, in order; the first failure names its hop. */
  public void assumeAll() {
    for (AssumedRoleHop hop : hops) {
      hop.assume();
    }
  }

  @Override
  public void close() {
    stsClients.forEach(StsClient::close);
  }
}
