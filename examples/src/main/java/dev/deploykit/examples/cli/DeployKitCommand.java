package dev.deploykit.examples.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code deploykit} command: the main class of {@code examples/target/deploykit.jar}. */
@Command(
    name = "deploykit",
    mixinStandardHelpOptions = true,
    version = "deploykit 0.1.0-SNAPSHOT",
    description = "Detects, validates and deploys the environment of generated web apps.",
    subcommands = {DemoCommand.class, CommandLine.HelpCommand.class, dev.deploykit.examples.web.WebCommand.class},
    footer = {"", "Example:", "  java -jar examples/target/deploykit.jar demo"})
public final class DeployKitCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Runs the command line and exits with its exit code. */
  public static void main(String[] args) {
    System.exit(newCommandLine().execute(args));
  }

  /** Returns the command line, for running in-process (tests, embedding). */
  public static CommandLine newCommandLine() {
    return new CommandLine(new DeployKitCommand());
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
