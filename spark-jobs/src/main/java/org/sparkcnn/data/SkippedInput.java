package org.sparkcnn.data;

import java.io.Serializable;

/**
 * An input that a reader skipped instead of failing the job: an image file that could not be
 * decoded, or whose size or channel count the configuration rejects.
 *
 * @param path the file
 * @param reason why it was skipped, one line
 */
public record SkippedInput(String path, String reason) implements Serializable {}
