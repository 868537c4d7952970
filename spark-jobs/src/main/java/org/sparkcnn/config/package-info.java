/**
 * Job configuration: HOCON files layered over the defaults in {@code reference.conf} (in this
 * package), checked for unknown keys, and turned into immutable records validated in their
 * constructors; the redaction of secrets in what the jobs write ({@link
 * org.sparkcnn.config.Redaction}).
 */
package org.sparkcnn.config;
