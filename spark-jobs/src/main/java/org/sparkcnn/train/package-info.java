/**
 * The training job: {@link org.sparkcnn.train.TrainJob} reads a configuration, loads the data,
 * trains with DL4J parameter averaging on Spark, evaluates after every epoch and writes the run
 * directory.
 */
package org.sparkcnn.train;
