package dev.spirekms.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** {@link PluginConfig#summary()}: the effective settings for a log line, without secrets. */
final class ConfigSummary {

  private ConfigSummary() {}

  static Map<String, String> of(PluginConfig c) {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("trust_domain", c.trustDomain());
    s.put("region", c.region());
    s.put("credentials", c.staticCredentials().isEmpty() ? "default chain" : "static");
    s.put("access_key_id", c.staticCredentials().isEmpty() ? "unset" : "set");
    if (c.serverIdSource() instanceof ServerIdSource.FromFile file) {
      s.put("key_identifier_file", file.path().toString());
    } else if (c.serverIdSource() instanceof ServerIdSource.FromValue value) {
      s.put("key_identifier_value", value.value());
    }
    s.put("key_policy_file", c.keyPolicyFile().map(Object::toString).orElse("default policy"));
    // Shown only when set, so the summary of a configuration without it is as it was before it
    // existed.
    if (c.configuredDeletionJournalFile().isPresent()) {
      s.put("deletion_journal_file", c.deletionJournalFile().map(Object::toString).orElse("none"));
    }
    s.put("key_tags", c.keyTags().isEmpty() ? "none" : String.join(",", c.keyTags().keySet()));
    s.put("endpoint", c.endpoint().map(Object::toString).orElse("default"));
    s.put("startup_concurrency", Integer.toString(c.startupConcurrency()));
    // Shown only when set, so the summary of a configuration without it is as it was before it
    // existed.
    c.kmsControlPlaneRps().ifPresent(r -> s.put("kms_control_plane_rps", Integer.toString(r)));
    s.put("key_deletion_pending_window_days", Integer.toString(c.keyDeletionPendingWindowDays()));
    s.put("stale_alias_threshold", GoDuration.format(c.staleAliasThreshold()));
    s.put("disposal_mode", c.disposalMode().configValue());
    // Shown only when one of them is set, so the summary of a configuration without them is as
    // it was before they existed.
    RoleChain chain = c.roleChain();
    if (!chain.isEmpty() || c.stsEndpoint().isPresent() || c.useFipsEndpoint()) {
      s.put(
          "assume_role_arn",
          chain.isEmpty()
              ? "none"
              : chain.hops().stream().map(RoleHop::roleArn).collect(Collectors.joining(",")));
      s.put("assume_role_session_name", chain.sessionName().orElse("derived from server id"));
      // Never the value: external ids are treated as secrets.
      boolean externalId = chain.hops().stream().anyMatch(h -> h.externalId().isPresent());
      s.put("assume_role_external_id", externalId ? "set" : "none");
      s.put(
          "assume_role_duration",
          GoDuration.format(
              chain.isEmpty() ? RoleChainRules.DEFAULT_DURATION : chain.hops().get(0).duration()));
      s.put("sts_endpoint", c.stsEndpoint().map(Object::toString).orElse("default"));
      s.put("use_fips_endpoint", Boolean.toString(c.useFipsEndpoint()));
    }
    // Shown only when set, like deletion_journal_file.
    c.statusFile().ifPresent(f -> s.put("status_file", f.toString()));
    // Shown only in tag mode or when an endpoint is set, like the role settings.
    if (c.tagBasedKeyDiscovery() || c.taggingEndpoint().isPresent()) {
      s.put("enable_tag_based_key_discovery", Boolean.toString(c.tagBasedKeyDiscovery()));
      s.put("tagging_endpoint", c.taggingEndpoint().map(Object::toString).orElse("default"));
    }
    // Shown only when set, like status_file.
    if (!c.replicaRegions().isEmpty()) {
      s.put("replica_regions", String.join(",", c.replicaRegions().regions()));
      s.put(
          "replica_endpoints",
          c.replicaRegions().endpoints().isEmpty()
              ? "default"
              : c.replicaRegions().endpoints().entrySet().stream()
                  .map(e -> e.getKey() + "=" + e.getValue())
                  .collect(Collectors.joining(",")));
    }
    return Collections.unmodifiableMap(s);
  }
}
