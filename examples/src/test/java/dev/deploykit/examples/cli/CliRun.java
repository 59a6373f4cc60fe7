package dev.deploykit.examples.cli;

import dev.deploykit.core.DeploymentOrchestrator;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.function.Consumer;
import picocli.CommandLine;

/** Runs the command line in-process with captured output. */
record CliRun(int exitCode, String out, String err) {

  /** Fast polling, as every deploy test wants. */
  static final Consumer<DeploymentOrchestrator.Builder> FAST =
      b -> b.pollInterval(Duration.ofMillis(20), Duration.ofMillis(100));

  static CliRun run(String... args) {
    return run(new CliEnvironment(false, FAST), args);
  }

  static CliRun run(CliEnvironment env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = DeployKitCommand.newCommandLine(env);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new CliRun(exit, out.toString(), err.toString());
  }

  static CliEnvironment withSetup(Consumer<DeploymentOrchestrator.Builder> setup) {
    return new CliEnvironment(false, FAST.andThen(setup));
  }

  String all() {
    return out + err;
  }
}
