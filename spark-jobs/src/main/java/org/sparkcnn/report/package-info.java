/**
 * A run's outputs: the run directory on any Hadoop filesystem (written file by file, each
 * atomically, with {@code _SUCCESS} last), its files and columns ({@link
 * org.sparkcnn.report.RunLayout}) and tables ({@link org.sparkcnn.report.Table}, CSV and
 * Markdown); the run's report, {@code report.html} and {@code curves.png} ({@link
 * org.sparkcnn.report.RunReport}, charts by JFreeChart in {@link org.sparkcnn.report.Charts});
 * the lock of the driver training it ({@link org.sparkcnn.report.RunLock}); and, in the output
 * root, what scheduled runs keep up: the latest pointer and the retention of a series.
 * It uses {@code backend} and {@code config}, never {@code train} ({@code LayeringTest}).
 */
package org.sparkcnn.report;
