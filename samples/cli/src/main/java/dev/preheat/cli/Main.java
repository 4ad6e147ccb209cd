package dev.preheat.cli;

import java.io.InputStream;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code preheat} command. Exit codes: 0 done, 2 bad usage or unreadable input, 3 a warm run
 * missed its SLO or verification found fewer cache hits than required, 4 a warm run was aborted
 * (deadline, budget, cancelled), 5 {@code doctor} found a problem (a finding of severity WARNING or
 * PROBLEM), 1 an unexpected internal error (a bug: please report it with the message).
 */
@Command(
    name = "preheat",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Warms HTTP/CDN caches with what real users request.")
public final class Main {

  /** Exit code for success. */
  static final int OK = 0;
  /** Exit code for an unexpected internal error. */
  static final int INTERNAL_ERROR = 1;
  /** Exit code for bad usage or unreadable input. */
  static final int USAGE = 2;
  /** Exit code for a warm run that missed its SLO or its verification threshold. */
  static final int SLO_MISSED = 3;
  /** Exit code for a warm run that stopped early (deadline, budget, cancelled). */
  static final int ABORTED = 4;
  /** Exit code for {@code doctor} finding something wrong with a URL's caching. */
  static final int PROBLEM_FOUND = 5;

  /** Standard input, for {@code --urls -}. */
  private final InputStream stdin;

  private Main(InputStream stdin) {
    this.stdin = stdin;
  }

  InputStream stdin() {
    return stdin;
  }

  /** Runs the command line and exits with its exit code. */
  public static void main(String[] args) {
    System.exit(run(args, System.in, new PrintWriter(System.out, false),
        new PrintWriter(System.err, true)));
  }

  /** Runs the command line with the given streams and returns the exit code (for tests). */
  static int run(String[] args, PrintWriter out, PrintWriter err) {
    return run(args, System.in, out, err);
  }

  /** Runs the command line with the given streams and returns the exit code (for tests). */
  static int run(String[] args, InputStream in, PrintWriter out, PrintWriter err) {
    HotsetCommand hotset = HotsetArgs.parse(args);
    if (hotset != null) {
      try {
        return hotset.run(out, err);
      } catch (Exception e) {
        return failed(e, "hotset", err);
      } finally {
        out.flush();
        err.flush();
      }
    }
    CommandLine cli = new CommandLine(new Main(in));
    addSubcommands(cli, args);
    cli.setOut(out);
    cli.setErr(err);
    cli.setExitCodeExceptionMapper(e ->
        e instanceof UsageError || e instanceof CommandLine.ParameterException ? USAGE : INTERNAL_ERROR);
    cli.setExecutionExceptionHandler((e, cmd, parsed) -> failed(e, cmd.getCommandName(), cmd.getErr()));
    try {
      return cli.execute(args);
    } finally {
      out.flush();
      err.flush();
    }
  }

  /**
   * Registers the subcommands. Picocli builds a subcommand's whole model (every option,
   * reflectively) when it is registered, which is most of this tool's start-up time; when the
   * first argument names a subcommand, only that one is registered. Anything else (no arguments,
   * an option such as {@code --help}, {@code help}, a typo) gets all of them, in the order that
   * the help lists them.
   */
  private static void addSubcommands(CommandLine cli, String[] args) {
    String first = args.length == 0 ? "" : args[0];
    switch (first) {
      case "hotset":
        cli.addSubcommand(HotsetCommand.class);
        break;
      case "warm":
        cli.addSubcommand(WarmCommand.class);
        break;
      case "demo":
        cli.addSubcommand(DemoCommand.class);
        break;
      case "simulate":
        cli.addSubcommand(SimulateCommand.class);
        break;
      case "purge":
        cli.addSubcommand(PurgeCommand.class);
        break;
      case "redis-warm":
        cli.addSubcommand(RedisWarmCommand.class);
        break;
      case "doctor":
        cli.addSubcommand(DoctorCommand.class);
        break;
      default:
        cli.addSubcommand(HotsetCommand.class);
        cli.addSubcommand(WarmCommand.class);
        cli.addSubcommand(SimulateCommand.class);
        cli.addSubcommand(DemoCommand.class);
        cli.addSubcommand(PurgeCommand.class);
        cli.addSubcommand(RedisWarmCommand.class);
        cli.addSubcommand(DoctorCommand.class);
        cli.addSubcommand(CommandLine.HelpCommand.class);
        break;
    }
  }

  /** Reports a command's failure on {@code err} and returns the exit code. */
  private static int failed(Exception e, String command, PrintWriter err) {
    if (e instanceof UsageError) {
      err.println("preheat " + command + ": " + e.getMessage());
      return USAGE;
    }
    err.println("preheat " + command + ": internal error: " + e);
    StackTraceElement[] trace = e.getStackTrace();
    for (int i = 0; i < Math.min(8, trace.length); i++) {
      err.println("    at " + trace[i]);
    }
    return INTERNAL_ERROR;
  }

  /** Bad usage or unreadable input: reported as one line, exit code 2. */
  static final class UsageError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageError(String message) {
      super(message, null, false, false);
    }
  }

  /** The version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"preheat " + version()};
    }
  }

  /** The version from the jar manifest, or {@code dev} when run from classes. */
  static String version() {
    String v = Main.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }
}
