# server.conf snippet: the smallest useful KeyManager entry for this plugin.
#
# Only the KeyManager entry of the plugins block is shown; SPIRE server loads exactly one
# KeyManager, so remove any other KeyManager entry (for example "disk" or "aws_kms").
#
# plugin_cmd:      the launcher from the distribution's bin/ directory, by absolute path.
# plugin_checksum: the launcher's SHA-256, the first field of its line in the distribution's
#                  SHA256SUMS file (64 hexadecimal characters). The launcher checks the jar's
#                  own SHA-256 before it starts Java, so this one value covers both files.
#
# Credentials come from the default AWS credential chain of the SPIRE server process
# (instance profile, IRSA, environment, ...). The key id file is created on first start.
plugins {
  KeyManager "aws_kms_java" {
    plugin_cmd      = "/opt/spire-aws-kms-keymanager/bin/spire-aws-kms-keymanager"
    plugin_checksum = "<SHA-256 of bin/spire-aws-kms-keymanager from SHA256SUMS>"

    plugin_data {
      region              = "us-east-2"
      key_identifier_file = "/var/lib/spire/server/kms-server-id"
    }
  }
}
