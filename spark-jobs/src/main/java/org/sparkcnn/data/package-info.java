/**
 * Reading image datasets from any Hadoop filesystem (IDX, CIFAR-10/100 binary, folders of JPEG and
 * PNG images, Spark DataFrames of images: {@link org.sparkcnn.data.DataFrameDataset}, each value
 * decoded by {@link org.sparkcnn.data.ImageRows}) into compact cached RDDs of {@link
 * org.sparkcnn.data.LabeledImage} (uint8 pixels, label, dataset index), computing their pixel
 * statistics, and turning partitions of them into augmented ND4J {@code DataSet} minibatches on the
 * executors ({@link org.sparkcnn.data.Minibatches}, {@link org.sparkcnn.data.Augmenter}).
 */
package org.sparkcnn.data;
