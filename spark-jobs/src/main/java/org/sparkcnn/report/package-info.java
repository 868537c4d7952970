/**
 * A run's outputs: the run directory on any Hadoop filesystem (written file by file, each
 * atomically, with {@code _SUCCESS} last) and the tables it holds, as CSV and Markdown.
 */
package org.sparkcnn.report;
