/**
 * Job configuration: HOCON files layered over the defaults in {@code reference.conf} (in this
 * package), checked for unknown keys, and turned into immutable records validated in their
 * constructors, one per section, each reading its own keys ({@link
 * org.sparkcnn.config.JobConfig}); enums for the keys of a closed choice ({@link
 * org.sparkcnn.config.ConfigChoice}); former key names still read with a warning; the redaction
 * of secrets in what the jobs write ({@link org.sparkcnn.config.Redaction}).
 */
package org.sparkcnn.config;
