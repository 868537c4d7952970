/**
 * Scoring with a trained network: {@link org.sparkcnn.predict.ServingModel} reads a run's model
 * and everything its evaluation pipeline needs (driver side); its {@link
 * org.sparkcnn.predict.ScoringPayload} is broadcast once and builds a {@link
 * org.sparkcnn.predict.Scorer} per partition, which turns uint8 images into class probabilities
 * exactly as the run's test evaluation did; {@link org.sparkcnn.predict.PredictJob} is the batch
 * prediction command.
 */
package org.sparkcnn.predict;
