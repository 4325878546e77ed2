package dev.spirekms.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class CallBudgetTest {
  @Test
  void aFreshBudgetGivesTheWholeCallTimeoutWhenItIsShorter() {
    CallBudget budget = CallBudget.start(Duration.ofSeconds(25));
    assertEquals(Duration.ofSeconds(20), budget.nextCall(Duration.ofSeconds(20)));
  }

  @Test
  void aCallGetsWhatIsLeftWhenThatIsShorterThanItsTimeout() {
    CallBudget budget = CallBudget.start(Duration.ofSeconds(3));
    Duration next = budget.nextCall(Duration.ofSeconds(20));
    assertTrue(next.compareTo(Duration.ofSeconds(3)) <= 0, next.toString());
    assertTrue(next.compareTo(Duration.ofSeconds(2)) > 0, next.toString());
  }

  @Test
  void aSpentBudgetStillGivesTheLeastCallTime() throws InterruptedException {
    CallBudget budget = CallBudget.start(Duration.ofMillis(1));
    Thread.sleep(5);
    assertEquals(CallBudget.MIN_CALL, budget.nextCall());
  }

  @Test
  void aBudgetLeavingAReserveEndsThatMuchEarlier() {
    CallBudget budget = CallBudget.start(Duration.ofSeconds(25));
    assertFalse(budget.spent());
    Duration next = budget.leaving(Duration.ofSeconds(5)).nextCall(Duration.ofSeconds(60));
    assertTrue(next.compareTo(Duration.ofSeconds(20)) <= 0, next.toString());
    assertTrue(next.compareTo(Duration.ofSeconds(19)) > 0, next.toString());
    assertTrue(budget.leaving(Duration.ofSeconds(26)).spent());
  }
}
