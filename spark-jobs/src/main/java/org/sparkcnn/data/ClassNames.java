package org.sparkcnn.data;

import java.util.ArrayList;
import java.util.List;

/** Checks of class names that two splits of a dataset must share. */
final class ClassNames {
  private ClassNames() {}

  /**
   * Checks that {@code other} (a test split, say) has the same classes as {@code classes}, so the
   * same label means the same class in both.
   *
   * @param what what the classes are, plural, for the message ("class folders")
   * @throws BadInputException naming both inputs and the classes only one of them has
   */
  static void requireSame(String what, List<String> classes, String where,
      List<String> otherClasses, String otherWhere) {
    if (classes.equals(otherClasses)) {
      return;
    }
    List<String> missing = classes.stream().filter(c -> !otherClasses.contains(c)).toList();
    List<String> extra = otherClasses.stream().filter(c -> !classes.contains(c)).toList();
    List<String> differences = new ArrayList<>();
    if (!missing.isEmpty()) {
      differences.add("it lacks " + missing);
    }
    if (!extra.isEmpty()) {
      differences.add("it has " + extra + " that " + where + " lacks");
    }
    throw new BadInputException(String.format("%s must have the same %s as %s, but %s",
        otherWhere, what, where, String.join(" and ", differences)));
  }
}
