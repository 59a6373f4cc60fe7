package dev.deploykit.examples.cli;

import dev.deploykit.core.DeploymentOrchestrator;
import java.io.Console;
import java.lang.reflect.Method;
import java.util.function.Consumer;

/**
 * What the commands take from where they run: whether standard output is a terminal (live progress
 * bar) and a hook that finishes the orchestrator builder (tests register a scripted in-memory
 * platform and poll faster; the real command line adds nothing).
 *
 * @param terminal whether output goes to an interactive terminal
 * @param orchestratorSetup called on the builder after the command line's own settings
 * @param cancelOnExit whether a JVM shutdown (Ctrl-C) cancels the running deployment; only for
 *     the real command line, never in-process
 */
record CliEnvironment(boolean terminal, Consumer<DeploymentOrchestrator.Builder> orchestratorSetup,
    boolean cancelOnExit) {

  CliEnvironment(boolean terminal, Consumer<DeploymentOrchestrator.Builder> orchestratorSetup) {
    this(terminal, orchestratorSetup, false);
  }

  /** The environment of {@code java -jar deploykit.jar}: a terminal when there is a console. */
  static CliEnvironment system() {
    return new CliEnvironment(isTerminal(), b -> {}, true);
  }

  /** The environment of an in-process run: output is captured, never a terminal. */
  static CliEnvironment inProcess() {
    return new CliEnvironment(false, b -> {}, false);
  }

  /**
   * Returns whether standard input and output are a terminal. On Java 22+ {@link System#console()}
   * is not null when redirected, so {@code Console.isTerminal()} is asked where it exists.
   */
  static boolean isTerminal() {
    Console console = System.console();
    if (console == null) {
      return false;
    }
    try {
      Method isTerminal = Console.class.getMethod("isTerminal");
      return (Boolean) isTerminal.invoke(console);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return true; // Java 17-21: a console means a terminal.
    }
  }
}
