package org.sparkcnn.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparkcnn.models.pruning.FilterNorm;

/** Section prune, read from layered configuration. */
class PruneConfigTest {
  static PruneConfig load(String... sets) {
    ConfigLoader loader = new ConfigLoader();
    for (String set : sets) {
      loader.set(set);
    }
    return PruneConfig.from(loader.resolve());
  }

  static String error(String... sets) {
    return assertThrows(InvalidConfigException.class, () -> load(sets)).getMessage();
  }

  @Test
  void theDefaultRuleIsThePapersSchedule() {
    PruneConfig prune = load("prune.model=m.zip");
    assertEquals(FilterNorm.L1, prune.norm());
    assertEquals(List.of("unit13-pw:256", "unit12-pw:128", "unit11-pw:64", "unit10-pw:32",
        "unit9-pw:16"), prune.steps().stream().map(s -> s.layer() + ":" + s.filters()).toList());
    assertEquals(1, prune.retrainEpochs());
    assertEquals(0.0, prune.maxTop1Drop());
  }

  @Test
  void theRuleStopsAtOneFilter() {
    assertEquals(List.of(4, 2, 1), load("prune.model=m.zip", "prune.rule.first-exponent=2",
        "prune.rule.last-unit=1").steps().stream().map(PruneConfig.Step::filters).toList());
  }

  @Test
  void anExplicitScheduleReplacesTheRule() {
    PruneConfig prune = load("prune.from=runs/a", "prune.norm=l2",
        "prune.schedule=[{layer = unit13-pw, filters = 8}, {layer = \"unit11-pw\", filters = 4}]");
    assertEquals(FilterNorm.L2, prune.norm());
    assertEquals(List.of(new PruneConfig.Step("unit13-pw", 8, "prune.schedule[0]"),
        new PruneConfig.Step("unit11-pw", 4, "prune.schedule[1]")), prune.steps());
  }

  @Test
  void badValuesNameTheirKey() {
    assertTrue(error().startsWith("prune.from or prune.model: give exactly one"), error());
    assertTrue(error("prune.from=a", "prune.model=b").contains("got both ('a', 'b')"));
    assertTrue(error("prune.model=m", "prune.norm=l3")
        .startsWith("prune.norm must be one of [l1, l2], got 'l3'"));
    assertTrue(error("prune.model=m", "prune.max-top1-drop=-1")
        .startsWith("prune.max-top1-drop must be in [0, 100]"));
    assertTrue(error("prune.model=m", "prune.retrain-epochs=-1")
        .startsWith("prune.retrain-epochs must be >= 0"));
    assertTrue(error("prune.model=m", "prune.rule.last-unit=14")
        .startsWith("prune.rule.last-unit must be in [1, prune.rule.first-unit]"));
    assertTrue(error("prune.model=m", "prune.schedule=[{layer = unit13-pw}]")
        .startsWith("prune.schedule[0] must be {layer = unit<n>-pw, filters = <n>}"));
    assertTrue(error("prune.model=m", "prune.schedule=[{layer = unit13-pw, filters = 8,"
        + " norm = l2}]").startsWith("prune.schedule[0] holds layer and filters only, got norm"));
  }
}
