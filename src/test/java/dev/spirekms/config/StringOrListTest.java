package dev.spirekms.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StringOrListTest {

  @Test
  void emptyStringAndEmptyOrNullListAreNotSet() {
    assertTrue(StringOrList.one("").isEmpty());
    assertTrue(StringOrList.one(null).isEmpty());
    assertTrue(StringOrList.of(List.of()).isEmpty());
    assertTrue(StringOrList.of(null).isEmpty());
    assertFalse(StringOrList.of(List.of("")).isEmpty());
  }

  @Test
  void labelsNameListPositionsOnly() {
    assertEquals("k", StringOrList.one("v").label("k", 0));
    assertEquals("k[2]", StringOrList.of(List.of("a", "b", "c")).label("k", 2));
  }

  @Test
  void valuesAreCopied() {
    List<String> values = new ArrayList<>(List.of("a"));
    StringOrList list = StringOrList.of(values);
    values.add("b");
    assertEquals(List.of("a"), list.values());
    assertEquals(1, list.size());
  }

  @Test
  void theSingleFormHoldsExactlyOneString() {
    assertThrows(IllegalArgumentException.class, () -> new StringOrList(List.of("a", "b"), true));
    assertThrows(IllegalArgumentException.class, () -> new StringOrList(List.of(), true));
  }
}
