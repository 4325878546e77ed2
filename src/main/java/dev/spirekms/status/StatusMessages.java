package dev.spirekms.status;

/**
 * Every message of the status room that an operator can see: the Warn line of a failed write of the
 * status file, and why doctor cannot read one (the reason of its status file WARN line). Each has
 * an entry in docs/troubleshooting.md (MessageCatalogueTest checks it); {@code %s} and {@code %d}
 * are the values filled in.
 */
public final class StatusMessages {
  private StatusMessages() {}

  public static final String WRITE_FAILED =
      "Failed to write the status file; signing is not affected, and the file is written again"
          + " after the next background task";
  public static final String NOT_A_STATUS_DOCUMENT = "not a status document: %s";
  public static final String OTHER_SCHEMA_VERSION = "schema_version is %d, this version reads %d";
}
