package org.sparkcnn;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packages' layering, lowest first: {@code activations} and {@code models} (the other
 * modules), {@code augment}, {@code config}, {@code data}, {@code backend}, {@code report} (the
 * run directory), {@code train}, then the jobs built on training, {@code prune}, {@code
 * experiment}, {@code predict} (with {@code ml}, the Spark ML model, above it) and {@code bench},
 * which do not use each other. A package may use those below it, never one above, and no packages
 * depend on each other in a cycle.
 */
class LayeringTest {
  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("org.sparkcnn");
  }

  @Test
  void noPackageCycles() {
    slices().matching("org.sparkcnn.(*)..").should().beFreeOfCycles().check(classes);
  }

  @Test
  void eachPackageUsesOnlyThoseBelowIt() {
    layeredArchitecture().consideringOnlyDependenciesInLayers()
        .layer("models").definedBy("org.sparkcnn.activations..", "org.sparkcnn.models..")
        .layer("augment").definedBy("org.sparkcnn.augment..")
        .layer("config").definedBy("org.sparkcnn.config..")
        .layer("data").definedBy("org.sparkcnn.data..")
        .layer("backend").definedBy("org.sparkcnn.backend..")
        .layer("report").definedBy("org.sparkcnn.report..")
        .layer("train").definedBy("org.sparkcnn.train..")
        .layer("prune").definedBy("org.sparkcnn.prune..")
        .layer("experiment").definedBy("org.sparkcnn.experiment..")
        .layer("predict").definedBy("org.sparkcnn.predict..")
        .layer("ml").definedBy("org.sparkcnn.ml..")
        .layer("bench").definedBy("org.sparkcnn.bench..")
        .whereLayer("bench").mayNotBeAccessedByAnyLayer()
        .whereLayer("prune").mayNotBeAccessedByAnyLayer()
        .whereLayer("experiment").mayNotBeAccessedByAnyLayer()
        .whereLayer("ml").mayOnlyBeAccessedByLayers("bench")
        .whereLayer("predict").mayOnlyBeAccessedByLayers("ml", "bench")
        .whereLayer("train").mayOnlyBeAccessedByLayers("prune", "experiment", "predict", "ml",
            "bench")
        .whereLayer("report").mayOnlyBeAccessedByLayers("train", "prune", "experiment",
            "predict", "ml", "bench")
        .whereLayer("backend").mayOnlyBeAccessedByLayers("report", "train", "prune",
            "experiment", "predict", "ml", "bench")
        .whereLayer("data").mayOnlyBeAccessedByLayers("backend", "report", "train", "prune",
            "experiment", "predict", "ml", "bench")
        .whereLayer("config").mayOnlyBeAccessedByLayers("data", "backend", "report", "train",
            "prune", "experiment", "predict", "ml", "bench")
        .whereLayer("augment").mayOnlyBeAccessedByLayers("config", "data", "backend", "report",
            "train", "prune", "experiment", "predict", "ml", "bench")
        .whereLayer("models").mayOnlyBeAccessedByLayers("augment", "config", "data", "backend",
            "report", "train", "prune", "experiment", "predict", "ml", "bench")
        .check(classes);
  }
}
