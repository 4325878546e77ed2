# server.conf snippet: KMS reached through an interface VPC endpoint, from subnets without a
# route to the internet.
#
# If private DNS is enabled on the KMS VPC endpoint, leave "endpoint" out: the regional name
# kms.<region>.amazonaws.com then resolves to the endpoint already. Set "endpoint" only when
# private DNS is off, to the endpoint's own DNS name as shown in the VPC console.
#
# "endpoint" applies to KMS only. The plugin also calls STS (GetCallerIdentity) to build the
# default key policy, and credential providers such as IRSA call STS too. Either create an
# STS interface endpoint as well, or set AWS_ENDPOINT_URL_STS in SPIRE server's environment
# (the AWS SDK reads it; plugins inherit SPIRE server's environment). With key_policy_file set,
# the plugin itself makes no STS call.
#
# Do not combine "endpoint" with AWS_USE_FIPS_ENDPOINT=true: the AWS SDK then rejects every
# KMS call ("FIPS and custom endpoint are not supported"). For FIPS, either set
# AWS_USE_FIPS_ENDPOINT=true and leave "endpoint" out, or set "endpoint" to a KMS FIPS
# endpoint URL.
plugins {
  KeyManager "aws_kms_java" {
    plugin_cmd      = "/opt/spire-aws-kms-keymanager/bin/spire-aws-kms-keymanager"
    plugin_checksum = "<SHA-256 of bin/spire-aws-kms-keymanager from SHA256SUMS>"

    plugin_data {
      region              = "us-east-2"
      endpoint            = "https://vpce-0123456789abcdef0-abcdefgh.kms.us-east-2.vpce.amazonaws.com"
      key_identifier_file = "/var/lib/spire/server/kms-server-id"
      key_policy_file     = "/etc/spire/server/kms-key-policy.json"
    }
  }
}
