package dev.deploykit.examples.cli;

import dev.deploykit.core.DeploymentException;
import dev.deploykit.core.ErrorCode;
import dev.deploykit.env.DotEnvParseException;
import dev.deploykit.env.InvalidScaffoldConfigException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code deploykit} command: the main class of {@code examples/target/deploykit.jar}, with the
 * subcommands {@code detect}, {@code validate}, {@code deploy} and {@code demo}.
 *
 * <p>Exit codes: 0 success; 1 the deployment failed (the recovery plan is printed) or validation
 * found problems; 2 bad input (an unknown option or value, a missing or malformed file, an unknown
 * platform); 3 the deployment timed out.
 */
@Command(
    name = "deploykit",
    mixinStandardHelpOptions = true,
    version = "deploykit 0.1.0-SNAPSHOT",
    description = "Detects, validates and deploys the environment of generated web apps.",
    subcommands = {DetectCommand.class, ValidateCommand.class, DeployCommand.class,
        DemoCommand.class, dev.deploykit.examples.web.WebCommand.class,
        CommandLine.HelpCommand.class},
    footer = {"", "Examples:",
        "  deploykit demo",
        "  deploykit detect --database prisma-postgres --auth nextauth --ai-provider anthropic",
        "  deploykit validate --config scaffold.json --env-file .env --generate-secrets",
        "  deploykit deploy --platform vercel --name my-app --config scaffold.json \\",
        "      --env-file .env",
        "  deploykit web --port 8080",
        "", "Run 'deploykit <command> --help' for every option of a command, with examples.",
        "", "Exit codes: 0 success, 1 deployment failed or variables invalid, 2 bad input,",
        "3 timed out."})
public final class DeployKitCommand implements Runnable {
  private static final String LOG_LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";
  private static final List<String> TOKEN_OPTIONS =
      List.of("--token", "--api-key", "--apikey", "--api-token");

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Creates the command; {@link #newCommandLine()} is the way to run it. */
  public DeployKitCommand() {}

  /**
   * Runs the command line with {@code args} and exits the JVM with its exit code. Library logging
   * (SLF4J simple) is set to warnings unless {@code -Dorg.slf4j.simpleLogger.defaultLogLevel} is
   * given, so it does not mix with the progress output.
   */
  public static void main(String[] args) {
    if (System.getProperty(LOG_LEVEL) == null) {
      System.setProperty(LOG_LEVEL, "warn");
    }
    System.exit(newCommandLine(CliEnvironment.system()).execute(args));
  }

  /**
   * Returns the command line, for running in-process (tests, embedding): output is treated as not
   * being a terminal, so progress is printed as plain lines. Not thread-safe: use one per run.
   */
  public static CommandLine newCommandLine() {
    return newCommandLine(CliEnvironment.inProcess());
  }

  static CommandLine newCommandLine(CliEnvironment env) {
    CommandLine.IFactory defaults = CommandLine.defaultFactory();
    CommandLine.IFactory factory = new CommandLine.IFactory() {
      @Override
      public <K> K create(Class<K> type) throws Exception {
        if (type == DeployCommand.class) {
          return type.cast(new DeployCommand(env));
        }
        return defaults.create(type);
      }
    };
    CommandLine cli = new CommandLine(new DeployKitCommand(), factory);
    cli.setParameterExceptionHandler(DeployKitCommand::onBadArguments);
    cli.setExecutionExceptionHandler(DeployKitCommand::onFailure);
    return cli;
  }

  /** Bad arguments (picocli usage errors): the message, a hint, exit code 2. */
  private static int onBadArguments(CommandLine.ParameterException e, String[] args) {
    CommandLine cmd = e.getCommandLine();
    PrintWriter err = cmd.getErr();
    if (e instanceof CommandLine.UnmatchedArgumentException unmatched
        && unmatched.getUnmatched().stream().anyMatch(DeployKitCommand::isTokenOption)) {
      // Never echo what follows --token: it is a secret typed where it does not belong.
      err.println("Error: tokens are not accepted on the command line, where shell history and"
          + " process lists keep them. Set the platform's environment variable (VERCEL_TOKEN,"
          + " RAILWAY_TOKEN, RENDER_API_KEY, GITHUB_TOKEN) or use --token-file <file>.");
    } else {
      String message = String.valueOf(e.getMessage());
      err.println(message.startsWith("Error: ") ? message : "Error: " + message);
      CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
    }
    err.println("Run '" + cmd.getCommandSpec().qualifiedName() + " --help' for every option, with"
        + " examples.");
    err.flush();
    return ExitCodes.BAD_INPUT;
  }

  private static boolean isTokenOption(String arg) {
    String a = arg.toLowerCase(Locale.ROOT);
    return TOKEN_OPTIONS.stream().anyMatch(o -> a.equals(o) || a.startsWith(o + "="));
  }

  /** An exception out of a command: bad input is exit code 2, anything else 1. */
  private static int onFailure(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
    PrintWriter err = cmd.getErr();
    int exit;
    if (e instanceof BadInputException || e instanceof InvalidScaffoldConfigException
        || e instanceof DotEnvParseException
        || e instanceof DeploymentException de && de.code() == ErrorCode.INVALID_CONFIG) {
      err.println("Error: " + e.getMessage());
      exit = ExitCodes.BAD_INPUT;
    } else {
      Throwable t = e.getCause() != null && e instanceof java.util.concurrent.CompletionException
          ? e.getCause() : e;
      err.println("Error: " + (t instanceof DeploymentException ? "" : t.getClass().getSimpleName()
          + ": ") + t.getMessage());
      exit = ExitCodes.FAILED;
    }
    err.flush();
    return exit;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
