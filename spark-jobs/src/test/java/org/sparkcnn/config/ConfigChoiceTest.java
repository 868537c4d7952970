package org.sparkcnn.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every choice of the configuration (every enum implementing {@link ConfigChoice}) shows itself in
 * messages as the configuration spells it: "got column", not "got COLUMN".
 */
class ConfigChoiceTest {
  @Test
  void everyChoicePrintsAsTheConfigurationSpellsIt() {
    List<Class<?>> enums = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("org.sparkcnn").stream()
        .filter(c -> c.isEnum() && c.isAssignableTo(ConfigChoice.class))
        .map(JavaClass::reflect).toList();
    assertTrue(enums.size() >= 6, "found " + enums);
    for (Class<?> type : enums) {
      for (Object constant : type.getEnumConstants()) {
        ConfigChoice choice = (ConfigChoice) constant;
        assertEquals(choice.configValue(), choice.toString(), type.getName() + "." + constant);
      }
    }
  }

  @Test
  void aRefusedChoiceIsEchoedAsWritten() {
    InvalidConfigException e = assertThrows(
        InvalidConfigException.class, () -> InvalidConfigException.check(false,
            "data.dataframe.label-from", "must be parent-folder", LabelSource.COLUMN));
    assertTrue(e.getMessage().endsWith("got column"), e.getMessage());
  }
}
