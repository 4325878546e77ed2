# server.conf snippet: a KeyManager entry for a first production roll-out.
#
# - key_identifier_file gives each server its own id, kept across restarts. Put the file on
#   storage that survives the server (on Kubernetes, a volume per pod, such as a StatefulSet
#   volume claim), and never copy it from one server to another.
# - key_tags puts the same tags on every new key: for cost allocation, and so that an IAM
#   policy can allow kms:ScheduleKeyDeletion only on keys carrying the tag (see
#   iam-policy.json). Tag keys must not start with "aws:" or "spire-".
# - disposal_mode = "report" runs the background cleanup without deleting anything: each alias
#   or key it would delete is logged at Info instead. Read those lines for a few days, then
#   change the value to "delete" (the default) and restart the server (with plugin_data_file,
#   SIGUSR1 is enough). Keys replaced by rotation are not deleted while the mode is "report".
#
# Use plugin_data_file instead of plugin_data to be able to change these settings with
# SIGUSR1 (SPIRE server re-reads the file and reconfigures the plugin).
plugins {
  KeyManager "aws_kms_java" {
    plugin_cmd      = "/opt/spire-aws-kms-keymanager/bin/spire-aws-kms-keymanager"
    plugin_checksum = "<SHA-256 of bin/spire-aws-kms-keymanager from SHA256SUMS>"

    plugin_data {
      region              = "us-east-2"
      key_identifier_file = "/var/lib/spire/server/kms-server-id"

      key_tags = {
        "managed-by"  = "spire-server"
        "cost-center" = "platform-identity"
      }

      disposal_mode = "report"
    }
  }
}
