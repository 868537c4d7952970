package org.sparkcnn.bench;

import java.util.function.Function;
import picocli.CommandLine;

/**
 * The tools' command lines through picocli: the same settings for every tool, {@code --help}
 * printed from the annotations, and a bad argument reported as one {@code error:} line with exit
 * code 2 ({@code ExitCode.USAGE} of the training job).
 */
final class Cli {
  /** The exit code of a bad command line, as the training job's {@code ExitCode.USAGE}. */
  static final int USAGE_EXIT = 2;
  /** Columns of the generated help. */
  private static final int HELP_WIDTH = 100;

  private Cli() {}

  /**
   * A parser for the annotated {@code command}: an option given twice keeps its last value (the
   * submit scripts put their defaults before the user's arguments) and {@code @file} arguments
   * are taken as they are.
   */
  static CommandLine of(Object command) {
    return new CommandLine(command)
        .setOverwrittenOptionsAllowed(true)
        .setExpandAtFiles(false)
        .setSeparator(" ")
        .setUsageHelpWidth(HELP_WIDTH);
  }

  /**
   * Sets {@code command}'s fields from {@code args}.
   *
   * @return false when {@code args} ask for help ({@code -h} or {@code --help})
   * @throws IllegalArgumentException naming the unknown option, or the option whose value is
   *     missing or of the wrong type
   */
  static boolean parse(Object command, String[] args) {
    CommandLine line = of(command);
    try {
      line.parseArgs(args);
    } catch (CommandLine.ParameterException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    return !line.isUsageHelpRequested();
  }

  /** The help {@code command} prints for {@code --help}. */
  static String usage(Object command) {
    return of(command).getUsageMessage(CommandLine.Help.Ansi.OFF);
  }

  /**
   * The options {@code parse} makes of {@code args} (null for {@code --help}, after printing the
   * usage of {@code command} on standard output); for bad arguments prints the error and exits
   * with {@link #USAGE_EXIT}.
   */
  static <T> T parseOrExit(String[] args, Function<String[], T> parse, Object command) {
    try {
      T options = parse.apply(args);
      if (options == null) {
        System.out.print(usage(command));
      }
      return options;
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.err.println("(" + of(command).getCommandName() + " --help lists the options)");
      System.exit(USAGE_EXIT);
      return null;
    }
  }
}
