package dev.deploykit.examples.web;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code deploykit web}: starts the web console on loopback and prints its URL.
 *
 * <p>The console lets a person choose a scaffold (database, auth, AI provider, services), fill its
 * environment variables in a form rendered from their JSON Schema and checked by the server's
 * validator as they type, deploy (to the in-memory platform by default, or to any installed
 * adapter whose token is in the environment, e.g. {@code VERCEL_TOKEN}), and follow the deployment
 * live over Server-Sent Events, with the recovery plan and a ZIP download after a failure.
 *
 * <p>Runs until the process is stopped (Ctrl+C). Exit code 2 if the port cannot be bound. Everything
 * is served from the jar: no CDN, nothing fetched from outside. Not thread-safe: picocli runs one
 * instance once.
 */
@Command(
    name = "web",
    mixinStandardHelpOptions = true,
    description = "Starts the web console on 127.0.0.1: choose a scaffold, fill and validate its"
        + " environment variables, deploy, and watch the progress live in the browser.",
    footer = {"", "Example:", "  java -jar examples/target/deploykit.jar web --port 8080"})
public final class WebCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--port", defaultValue = "8080", paramLabel = "PORT",
      description = "The loopback port to listen on; 0 picks a free one. Default: ${DEFAULT-VALUE}.")
  int port;

  @Option(names = "--build-seconds", defaultValue = "4", paramLabel = "SECONDS",
      description = "How long a build on the in-memory platform takes. Default: ${DEFAULT-VALUE}.")
  int buildSeconds;

  @Option(names = "--memory-only", description = "Offer only the in-memory platform, not the"
      + " adapters found on the classpath.")
  boolean memoryOnly;

  /** Told about the running console; tests use it to stop the command. */
  Consumer<WebConsole> onStart = console -> { };

  /** Creates the command; picocli sets its options. */
  public WebCommand() {}

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (buildSeconds < 0 || buildSeconds > 600) {
      err.println("--build-seconds must be between 0 and 600, was " + buildSeconds);
      err.flush();
      return 2;
    }
    WebConsole.Options options = WebConsole.Options.defaults()
        .withPort(port)
        .withBuild(Duration.ofSeconds(buildSeconds), WebConsole.Options.BUILD_LOG)
        .withDiscoverPlatforms(!memoryOnly);
    WebConsole console;
    try {
      console = WebConsole.start(options);
    } catch (BindException e) {
      err.println("Port " + port + " is in use or not allowed: choose another with --port"
          + " (0 picks a free one)");
      err.flush();
      return 2;
    } catch (IOException e) {
      err.println("Cannot start the web console: " + e.getMessage());
      err.flush();
      return 2;
    }
    Thread hook = new Thread(console::close, "deploykit-web-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    out.println("deploykit web console: " + console.uri());
    out.println("Deploys to the in-memory platform by default. Press Ctrl+C to stop.");
    out.flush();
    onStart.accept(console);
    CompletableFuture<Void> closed = console.closed();
    closed.join();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // The hook is what closed the console.
    }
    return 0;
  }
}
