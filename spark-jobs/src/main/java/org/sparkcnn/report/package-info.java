/**
 * A run's outputs: the run directory on any Hadoop filesystem (written file by file, each
 * atomically, with {@code _SUCCESS} last) and the tables it holds, as CSV and Markdown; the lock
 * of the driver training it ({@link org.sparkcnn.report.RunLock}); and, in the output root, what
 * scheduled runs keep up: the latest pointer and the retention of a series.
 */
package org.sparkcnn.report;
