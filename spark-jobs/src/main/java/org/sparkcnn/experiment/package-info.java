/**
 * The experiment job: one experiment file (a base configuration, the keys to vary, repeats, the
 * source's figures) run as a set of training runs in one Spark application, with a table of the
 * variants beside the source's figures and their curves overlaid.
 *
 * <ul>
 *   <li>{@link org.sparkcnn.experiment.ExperimentJob}: the command ({@code submit/experiment.sh});
 *   <li>{@link org.sparkcnn.experiment.ExperimentSpec}: the experiment file, parsed and checked;
 *   <li>{@link org.sparkcnn.experiment.Experiment}, {@link org.sparkcnn.experiment.Variant}: the
 *       variants and their configurations;
 *   <li>{@code ExperimentRun}: trains the variants' repeats into child run directories,
 *       skipping complete ones and resuming interrupted ones;
 *   <li>{@link org.sparkcnn.experiment.ExperimentTable}, {@code ExperimentReport}: {@code
 *       experiment.csv}, {@code experiment.md}, {@code experiment-curves.png}, {@code
 *       experiment.html}.
 * </ul>
 */
package org.sparkcnn.experiment;
