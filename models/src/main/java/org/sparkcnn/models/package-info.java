/**
 * CNN architectures of the source documents as DL4J configuration builders. Each builder has a
 * pure {@code conf()} that allocates no weights and an {@code init()} that does; {@link
 * org.sparkcnn.models.Models} finds a builder by name. No Spark here.
 */
package org.sparkcnn.models;
