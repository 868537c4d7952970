/**
 * Reading image datasets from any Hadoop filesystem into compact RDDs of {@link
 * org.sparkcnn.data.LabeledImage} (uint8 pixels plus a label), and turning partitions of them into
 * ND4J {@code DataSet} minibatches on the executors.
 */
package org.sparkcnn.data;
