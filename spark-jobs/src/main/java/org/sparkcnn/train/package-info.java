/**
 * Training: {@link org.sparkcnn.train.TrainJob} is the command (arguments, configuration, exit
 * code); {@link org.sparkcnn.train.RunLifecycle} carries out one run (lock, run directory, data,
 * repeats, {@code _SUCCESS} or {@code _FAILED}); {@link org.sparkcnn.train.NetworkTraining}
 * trains one network with DL4J parameter averaging on Spark, evaluating after every epoch and
 * checkpointing, and tells an {@link org.sparkcnn.train.EpochListener} of each epoch;
 * {@link org.sparkcnn.train.RunReports} formats the tables it writes.
 */
package org.sparkcnn.train;
