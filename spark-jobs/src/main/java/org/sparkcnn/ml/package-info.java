/**
 * Spark ML: {@link org.sparkcnn.ml.CnnClassificationModel}, a trained network as a {@code Model}
 * that scores image DataFrames (Spark's {@code image} source or encoded bytes) in ML Pipelines,
 * with the scoring core of {@link org.sparkcnn.predict}, and saves and loads as Spark ML models do.
 */
package org.sparkcnn.ml;
