/**
 * Job configuration: HOCON files layered over the defaults in {@code reference.conf} (in this
 * package), checked for unknown keys, and turned into immutable records validated in their
 * constructors.
 */
package org.sparkcnn.config;
