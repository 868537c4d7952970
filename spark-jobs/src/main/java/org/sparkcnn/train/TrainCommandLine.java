package org.sparkcnn.train;

import java.util.ArrayList;
import java.util.List;
import org.sparkcnn.config.InvalidConfigException;
import org.sparkcnn.report.RunLayout;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The training job's command line (picocli), with its {@code --help} generated from the options:
 *
 * <pre>
 * TrainJob [--conf FILE]... [--set key=value]...
 * TrainJob --resume RUN_DIR [--set cluster.KEY=value]...
 * </pre>
 *
 * <p>{@link #parse} gives the {@link Options}: the configuration files and overrides in the order
 * given (they are layered over {@code reference.conf} in that order) and the run to resume. A bad
 * command line is an {@link InvalidConfigException} naming the option (exit code {@link
 * ExitCode#USAGE}), as the configuration's own errors are; loading the files and checking the
 * overrides' keys is the configuration loader's work.
 */
@Command(name = "TrainJob", sortOptions = false, sortSynopsis = false,
    customSynopsis = {"TrainJob [--conf FILE]... [--set key=value]...",
        "       TrainJob --resume RUN_DIR [--set cluster.KEY=value]..."},
    description = "Trains a CNN with DL4J parameter averaging on Spark and writes a run"
        + " directory. Exit codes: 0 done, 1 failure, 2 bad arguments or configuration, 3 bad"
        + " input data, 4 diverged, 5 backend not available, 6 run exists, 7 run locked,"
        + " 52 out of memory.",
    footer = "Keys and defaults: reference.conf (org/sparkcnn/config in the jar).")
public final class TrainCommandLine {
  /** Keys that {@code --resume} may set: where the run continues, not what it computes. */
  public static final String RESUMABLE_PREFIX = "cluster.";
  /** The resolved configuration of a run, which {@code --resume} reads back. */
  static final String SAVED_CONFIG = RunLayout.CONFIG;
  private static final int HELP_WIDTH = 100;

  /** The {@code --conf} and {@code --set} values in the order given. */
  private final List<Source> sources = new ArrayList<>();

  @Option(order = 3, names = "--resume", paramLabel = "RUN_DIR",
      description = "continue an interrupted run from its last complete checkpoint, with the"
          + " configuration saved in RUN_DIR/" + SAVED_CONFIG + " (only " + RESUMABLE_PREFIX
          + "* keys, where it runs, may be set with it)")
  private String resume;

  @Option(order = 4, names = {"-h", "--help"}, usageHelp = true,
      description = "print this help and exit")
  private boolean help;

  private TrainCommandLine() {}

  @Option(order = 1, names = "--conf", paramLabel = "FILE",
      description = "HOCON file layered over the"
          + " defaults (local path or Hadoop URI); may be repeated")
  private void conf(String file) {
    sources.add(new Source(Source.Kind.FILE, file));
  }

  @Option(order = 2, names = "--set", paramLabel = "key=value",
      description = "one override, e.g. --set"
          + " train.epochs=2; may be repeated")
  private void set(String assignment) {
    sources.add(new Source(Source.Kind.SET, assignment));
  }

  /**
   * One {@code --conf FILE} or {@code --set key=value} of the command line.
   *
   * @param value the file's location, or the {@code key=value} assignment
   */
  public record Source(Kind kind, String value) {
    /** What the value is. */
    public enum Kind { FILE, SET }

    /** As the command line gives it, e.g. {@code --set train.epochs=2}. */
    @Override
    public String toString() {
      return (kind == Kind.FILE ? "--conf " : "--set ") + value;
    }
  }

  /**
   * What the command line asks for.
   *
   * @param sources the configuration files and overrides, in the order given
   * @param resumeDir the run directory to continue ({@code --resume}); null for a new run
   */
  public record Options(List<Source> sources, String resumeDir) {
    public Options {
      sources = List.copyOf(sources);
    }

    /** Whether this continues an earlier run rather than starting one. */
    public boolean resuming() {
      return resumeDir != null;
    }
  }

  /**
   * The options {@code args} give, or null when they ask for help ({@code -h}, {@code --help}).
   *
   * @throws InvalidConfigException naming the option that is unknown or lacks its value, or,
   *     with {@code --resume}, the first {@code --conf} or non-{@value #RESUMABLE_PREFIX}* {@code
   *     --set} (a resumed run keeps its saved configuration)
   */
  public static Options parse(String[] args) {
    return parse(args, null);
  }

  /**
   * {@link #parse(String[])} for another job with the same options ({@code PruneJob}), whose
   * name and description {@code job} gives (null: the training job's).
   */
  public static Options parse(String[] args, Job job) {
    TrainCommandLine command = new TrainCommandLine();
    CommandLine line = commandLine(command, job);
    try {
      line.parseArgs(args);
    } catch (CommandLine.ParameterException e) {
      throw new InvalidConfigException(e.getMessage(), e);
    }
    if (line.isUsageHelpRequested()) {
      return null;
    }
    if (command.resume != null) {
      command.sources.stream()
          .filter(s -> s.kind() == Source.Kind.FILE || !s.value().startsWith(RESUMABLE_PREFIX))
          .findFirst().ifPresent(s -> {
            throw new InvalidConfigException("--resume continues a run with the configuration"
                + " saved in its directory (" + SAVED_CONFIG + "); only " + RESUMABLE_PREFIX
                + "* keys (where it runs) may be set with it, not " + s);
          });
    }
    return new Options(command.sources, command.resume);
  }

  /** The help {@code --help} prints. */
  public static String usage() {
    return usage(null);
  }

  /** The help {@code --help} prints for {@code job} (null: the training job). */
  public static String usage(Job job) {
    // picocli ends the footer without a line break, or with two after a %n
    return commandLine(new TrainCommandLine(), job).getUsageMessage(CommandLine.Help.Ansi.OFF)
        .stripTrailing() + "\n";
  }

  /**
   * Another job taking the training job's options: its command name and the description its
   * {@code --help} prints.
   */
  public record Job(String name, String description) {}

  /**
   * A parser for {@code command}: {@code --resume} given twice keeps the last; {@code @file}
   * arguments are not expanded (a configuration file's location is taken as it is).
   */
  private static CommandLine commandLine(TrainCommandLine command, Job job) {
    CommandLine line = new CommandLine(command).setOverwrittenOptionsAllowed(true)
        .setExpandAtFiles(false).setSeparator(" ").setUsageHelpWidth(HELP_WIDTH);
    if (job != null) {
      line.setCommandName(job.name());
      line.getCommandSpec().usageMessage()
          .customSynopsis(job.name() + " [--conf FILE]... [--set key=value]...",
              "       " + job.name() + " --resume RUN_DIR [--set cluster.KEY=value]...")
          .description(job.description());
    }
    return line;
  }
}
