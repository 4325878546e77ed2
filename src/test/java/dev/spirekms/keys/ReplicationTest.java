package dev.spirekms.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ReplicationTest {
  private static final String PRIMARY =
      "arn:aws:kms:us-east-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab";
  private static final String REPLICA =
      "arn:aws:kms:us-west-2:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab";
  private static final String SINGLE =
      "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

  @Test
  void relatedKeysShareTheirKeyIdAndDifferInRegionOnly() {
    assertEquals(REPLICA, Replication.arnIn(PRIMARY, "us-west-2"));
    assertEquals("us-west-2", Replication.regionOf(REPLICA));
    assertEquals("", Replication.regionOf("alias/x"));
    assertThrows(IllegalArgumentException.class, () -> Replication.arnIn("mrk-1", "us-west-2"));
  }

  @Test
  void aReplicaIsTheSameKeyMaterialAsItsPrimaryButASingleRegionKeyOnlyAsItself() {
    assertTrue(Replication.sameKeyMaterial(PRIMARY, REPLICA));
    assertTrue(Replication.sameKeyMaterial(REPLICA, PRIMARY));
    assertTrue(Replication.sameKeyMaterial(SINGLE, SINGLE));
    assertFalse(Replication.sameKeyMaterial(SINGLE, SINGLE.replace("us-east-1", "us-west-2")));
    assertFalse(
        Replication.sameKeyMaterial(PRIMARY, REPLICA.replace("111122223333", "444455556666")));
    assertFalse(Replication.sameKeyMaterial(PRIMARY, PRIMARY.replace("mrk-1234", "mrk-9999")));
    assertFalse(Replication.sameKeyMaterial(PRIMARY, "alias/SPIRE_SERVER/x"));
  }
}
