package dev.deploykit.examples.cli;

import dev.deploykit.core.Deployment;
import dev.deploykit.core.DeploymentConfig;
import dev.deploykit.core.DeploymentError;
import dev.deploykit.core.DeploymentException;
import dev.deploykit.core.DeploymentOrchestrator;
import dev.deploykit.core.DeploymentStatus;
import dev.deploykit.core.DeploymentTarget;
import dev.deploykit.core.FallbackOption;
import dev.deploykit.core.FallbackResult;
import dev.deploykit.core.GeneratedFile;
import dev.deploykit.core.NextJsScaffoldGenerator;
import dev.deploykit.core.ProgressListener;
import dev.deploykit.core.ProjectFiles;
import dev.deploykit.core.RecoveryPlan;
import dev.deploykit.core.UrlCheck;
import dev.deploykit.core.ZipExport;
import dev.deploykit.env.DotEnvFile;
import dev.deploykit.env.EnvironmentVariable;
import dev.deploykit.env.EnvironmentVariableDetector;
import dev.deploykit.env.EnvironmentVariableValidator;
import dev.deploykit.env.ScaffoldConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code deploykit deploy}: deploys a scaffold (generated) or a folder (as it is) to a platform
 * found by id, with live progress, and prints the result or, on failure, the recovery plan.
 *
 * <p>Platforms are resolved through the orchestrator's discovery: any adapter on the classpath
 * (vercel, railway, render, memory, a vendor's) can be named; nothing here knows an adapter class.
 * Tokens come from the environment ({@code VERCEL_TOKEN}, {@code RAILWAY_TOKEN}, {@code
 * RENDER_API_KEY}, {@code GITHUB_TOKEN}, {@code <ID>_TOKEN}) or {@code --token-file}, never from a
 * command-line value.
 */
@Command(
    name = "deploy",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
        "Deploys an app to a hosting platform with live progress and build logs, then prints its"
            + " URL, or what to do when it failed.",
        "",
        "The token comes from the platform's environment variable (VERCEL_TOKEN, RAILWAY_TOKEN,"
            + " RENDER_API_KEY; GITHUB_TOKEN for --fallback github) or from --token-file; it is never"
            + " given on the command line. The memory platform needs none.",
        ""},
    footer = {"", "Examples:",
        "  deploykit deploy --platform memory --name my-app --config scaffold.json \\",
        "      --env-file .env",
        "  deploykit deploy --platform vercel --name my-app --config scaffold.json \\",
        "      --env-file .env --preview --timeout 10m",
        "  deploykit deploy --platform railway --name site --dir ./site \\",
        "      --token-file ~/.railway-token --fallback zip=site.zip",
        "  deploykit deploy --platform vercel --name my-app --dir ./out --json \\",
        "      --set vercel.teamId=team_123 > deploy.jsonl",
        "", "Exit codes: 0 live, 1 the deployment failed (the recovery plan is printed),",
        "2 bad input, 3 timed out."})
final class DeployCommand implements java.util.concurrent.Callable<Integer> {
  /** The user id the command line deploys as. */
  static final String USER_ID = "cli";

  private static final Duration LAST_UPDATES_WAIT = Duration.ofSeconds(2);
  private static final Duration TICK = Duration.ofMillis(250);
  private static final Duration GITHUB_FALLBACK_LIMIT = Duration.ofMinutes(2);
  private static final Duration CANCEL_WAIT = Duration.ofSeconds(3);

  private final CliEnvironment env;

  @Spec CommandSpec spec;

  @Option(names = {"-p", "--platform"}, required = true, paramLabel = "<id>",
      description = "The platform: memory, vercel, railway, render, or the id of an installed"
          + " vendor adapter.")
  String platform = "";

  @Option(names = {"-n", "--name"}, required = true, paramLabel = "<name>",
      description = "The project's name on the platform, e.g. my-app.")
  String name = "";

  @ArgGroup(exclusive = true, multiplicity = "1", heading = "%nWhat to deploy (one of):%n")
  Source source = new Source();

  @ArgGroup(exclusive = true, heading = "%nTarget (default production):%n")
  @Nullable Target target;

  @Option(names = {"-e", "--env-file"}, paramLabel = "<file>",
      description = "Env file with the variables' values, e.g. .env. With --config, it must hold"
          + " every required variable (see deploykit validate); with --dir, all its variables are"
          + " set.")
  @Nullable Path envFile;

  @Option(names = "--timeout", paramLabel = "<duration>", converter = DurationConverter.class,
      description = "How long the whole deployment may take, e.g. 90s, 5m, 1h (default: 5m).")
  @Nullable Duration timeout;

  @Option(names = "--set", paramLabel = "<platform.name=value>",
      description = "An adapter setting, as DeploymentOrchestrator.Builder.setting takes it;"
          + " repeatable, e.g. --set vercel.teamId=team_123 --set vercel.apiUrl=https://api.vercel.com.")
  Map<String, String> settings = new LinkedHashMap<>();

  @Option(names = "--fallback", paramLabel = "<zip=file.zip|zip|github>",
      converter = FallbackChoice.Converter.class,
      description = "When the deployment fails or times out: write the files to a ZIP archive"
          + " (zip=out.zip; zip alone writes <name>.zip), or publish them to a GitHub repository"
          + " (github, needs GITHUB_TOKEN and deploy-github).")
  @Nullable FallbackChoice fallback;

  @Option(names = "--token-file", paramLabel = "<file>",
      description = "A file holding only the platform's token, used instead of the environment"
          + " variable.")
  @Nullable Path tokenFile;

  @Option(names = "--json",
      description = "Print one JSON object per line for each progress update, then a final"
          + " {\"type\":\"result\",...} object; nothing else goes to standard output (for CI).")
  boolean json;

  @Option(names = {"--plain", "--no-progress"},
      description = "Print plain lines even on a terminal (no live progress bar).")
  boolean plain;

  @Option(names = "--no-verify",
      description = "Do not GET the URL once the platform reports success.")
  boolean noVerify;

  /** Where the files come from. */
  static final class Source {
    @Option(names = "--config", paramLabel = "<scaffold.json>", required = true,
        description = "Generate the app from this scaffold config, e.g."
            + " {\"database\":\"prisma-postgres\",\"auth\":\"nextauth\"}.")
    @Nullable Path config;

    @Option(names = "--dir", paramLabel = "<folder>", required = true,
        description = "Deploy this folder as it is, e.g. ./site.")
    @Nullable Path dir;
  }

  /** Production or preview. */
  static final class Target {
    @Option(names = "--prod", required = true, description = "Deploy to production (the default).")
    boolean prod;

    @Option(names = "--preview", required = true, description = "Deploy a preview.")
    boolean preview;
  }

  DeployCommand(CliEnvironment env) {
    this.env = env;
  }

  @Override
  public Integer call() {
    long start = System.nanoTime();
    Supplier<Duration> elapsed = () -> Duration.ofNanos(System.nanoTime() - start);
    PrintWriter out = spec.commandLine().getOut();
    JsonProgress jsonOut = json ? new JsonProgress(out, elapsed) : null;
    try {
      return deploy(out, spec.commandLine().getErr(), elapsed, jsonOut);
    } catch (BadInputException e) {
      if (jsonOut != null) {
        jsonOut.badInput(e.getMessage());
      }
      throw e;
    }
  }

  private int deploy(PrintWriter out, PrintWriter err, Supplier<Duration> elapsed,
      @Nullable JsonProgress jsonOut) {
    String token = tokenFile == null ? null : Inputs.readToken(tokenFile);
    DeploymentOrchestrator.Builder builder = DeploymentOrchestrator.builder();
    if (token != null) {
      builder.token(USER_ID, platform, token);
    }
    settings.forEach((key, value) -> {
      try {
        builder.setting(key, value);
      } catch (IllegalArgumentException e) {
        throw new BadInputException("--set " + key + ": " + e.getMessage(), e);
      }
    });
    env.orchestratorSetup().accept(builder);

    try (DeploymentOrchestrator orchestrator = build(builder)) {
      List<String> installed = installedPlatforms(orchestrator);
      if (!installed.contains(platform)) {
        throw new BadInputException("Unknown platform '" + platform + "'. Installed platforms: "
            + (installed.isEmpty() ? "none" : String.join(", ", installed))
            + ". Choose one of them, or add the adapter's jar (e.g. dev.deploykit:deploy-platform-"
            + platform + ") to the classpath.");
      }
      Redaction redaction = token == null ? Redaction.of(List.of()) : Redaction.of(List.of()).with(token);
      ScaffoldConfig scaffold = null;
      Path dir = source.dir;
      List<EnvironmentVariable> variables;
      DotEnvFile file = envFile == null ? null : Inputs.readEnvFile(envFile);
      if (source.config != null) {
        scaffold = Inputs.readScaffold(source.config);
        variables = scaffoldVariables(scaffold, file);
      } else {
        Path folder = java.util.Objects.requireNonNull(dir, "dir");
        if (!Files.isDirectory(folder)) {
          throw new BadInputException("Folder " + folder + (Files.exists(folder)
              ? " is a file, not a folder" : " does not exist") + ": give --dir the folder to"
              + " deploy, e.g. --dir ./site");
        }
        variables = file == null ? List.of() : Inputs.variablesOf(file);
      }
      redaction = redactionOf(redaction, variables);
      requireValid(variables, redaction);

      DeploymentConfig config = config(scaffold, dir, variables);
      ProgressOutput progress = jsonOut != null ? jsonOut
          : env.terminal() && !plain
              ? new TerminalProgress(out, elapsed, TerminalProgress.columnsFromEnvironment())
              : new PlainProgress(out, elapsed);
      if (jsonOut == null) {
        out.println("Deploying " + name + " to " + platform + " ("
            + config.target().name().toLowerCase(java.util.Locale.ROOT) + ")"
            + (scaffold != null ? " from " + source.config : " from folder " + dir)
            + (variables.isEmpty() ? "" : " with " + variables.size() + " variables") + "...");
        out.flush();
      }
      Deployment d = run(orchestrator, config, progress, env.cancelOnExit());

      RecoveryPlan plan = d.status() != DeploymentStatus.SUCCESS && d.error() != null
          ? orchestrator.recoveryPlan(d) : null;
      FallbackResult fallbackResult = null;
      String fallbackProblem = null;
      if (d.status() != DeploymentStatus.SUCCESS && fallback != null) {
        try {
          fallbackResult = runFallback(orchestrator, d, fallback, scaffold, dir, variables);
        } catch (RuntimeException e) {
          fallbackProblem = redaction.apply(problem(e));
        }
      }
      int exit = switch (d.status()) {
        case SUCCESS -> ExitCodes.OK;
        case TIMED_OUT -> ExitCodes.TIMED_OUT;
        default -> ExitCodes.FAILED;
      };
      if (jsonOut != null) {
        jsonOut.result(exit, d, plan, fallbackResult, fallbackProblem);
      } else if (d.status() == DeploymentStatus.SUCCESS) {
        printSuccess(out, err, d, elapsed.get());
      } else {
        printFailure(err, d, plan, fallbackResult, fallbackProblem);
      }
      out.flush();
      err.flush();
      return exit;
    }
  }

  private static DeploymentOrchestrator build(DeploymentOrchestrator.Builder builder) {
    try {
      return builder.build();
    } catch (DeploymentException | IllegalArgumentException e) {
      throw new BadInputException(e.getMessage(), e);
    }
  }

  private static List<String> installedPlatforms(DeploymentOrchestrator orchestrator) {
    try {
      return orchestrator.platforms();
    } catch (DeploymentException e) {
      // Two providers with one id: the message names both classes.
      throw new BadInputException(e.getMessage(), e);
    }
  }

  /** The scaffold's variables with the file's values, then the file's other variables. */
  private static List<EnvironmentVariable> scaffoldVariables(
      ScaffoldConfig scaffold, @Nullable DotEnvFile file) {
    List<EnvironmentVariable> detected = EnvironmentVariableDetector.create().detect(scaffold);
    if (file == null) {
      return detected;
    }
    List<EnvironmentVariable> out = new ArrayList<>(file.apply(detected));
    Set<String> known = detected.stream().map(EnvironmentVariable::key).collect(Collectors.toSet());
    for (EnvironmentVariable extra : Inputs.variablesOf(file)) {
      if (!known.contains(extra.key())) {
        out.add(extra);
      }
    }
    return out;
  }

  private static Redaction redactionOf(Redaction base, List<EnvironmentVariable> variables) {
    Redaction r = base;
    for (EnvironmentVariable v : variables) {
      if (v.sensitive() && v.value() != null) {
        r = r.with(v.value());
      }
    }
    return r;
  }

  private void requireValid(List<EnvironmentVariable> variables, Redaction redaction) {
    Map<String, String> errors = EnvironmentVariableValidator.create().getErrors(variables);
    if (errors.isEmpty()) {
      return;
    }
    StringBuilder m = new StringBuilder();
    m.append(errors.size()).append(errors.size() == 1 ? " environment variable is" : " environment"
        + " variables are").append(" not ready, so nothing was deployed:");
    errors.forEach((k, v) -> m.append("\n  ").append(k).append(": ").append(redaction.apply(v)));
    if (envFile == null) {
      m.append("\nGive their values with --env-file .env.");
    } else {
      m.append("\nFix them in ").append(envFile).append('.');
    }
    if (variables.stream().anyMatch(v -> v.generatable() && !v.hasValue())) {
      m.append(" deploykit can make the missing secrets: deploykit validate --config ")
          .append(source.config).append(" --env-file ")
          .append(envFile == null ? ".env" : envFile).append(" --generate-secrets");
    }
    throw new BadInputException(m.toString());
  }

  private DeploymentConfig config(@Nullable ScaffoldConfig scaffold, @Nullable Path dir,
      List<EnvironmentVariable> variables) {
    try {
      DeploymentConfig.Builder b = DeploymentConfig.builder(name, platform)
          .environmentVariables(variables)
          .target(target != null && target.preview ? DeploymentTarget.PREVIEW
              : DeploymentTarget.PRODUCTION)
          .verifyUrl(!noVerify);
      if (scaffold != null) {
        b.scaffold(scaffold);
      } else if (dir != null) {
        b.sourceDirectory(dir);
      }
      if (timeout != null) {
        b.timeout(timeout);
      }
      return b.build();
    } catch (DeploymentException e) {
      throw new BadInputException(e.getMessage(), e);
    }
  }

  /** Starts the deployment, redraws the live bar while waiting, and returns the final snapshot. */
  private static Deployment run(DeploymentOrchestrator orchestrator, DeploymentConfig config,
      ProgressOutput progress, boolean cancelOnExit) {
    CompletableFuture<Void> lastUpdate = new CompletableFuture<>();
    CompletableFuture<String> deploymentId = new CompletableFuture<>();
    ProgressListener listener = u -> {
      deploymentId.complete(u.deploymentId());
      try {
        progress.onUpdate(u);
      } finally {
        if (u.isTerminal()) {
          lastUpdate.complete(null);
        }
      }
    };
    CompletableFuture<Deployment> result = orchestrator.deployAsync(config, USER_ID, listener);
    Thread cancel = cancelOnExit ? cancelOnShutdown(orchestrator, deploymentId, result) : null;
    try {
      return await(result, lastUpdate, progress);
    } finally {
      if (cancel != null) {
        try {
          Runtime.getRuntime().removeShutdownHook(cancel);
        } catch (IllegalStateException e) {
          // The JVM is shutting down: the hook is running.
        }
      }
    }
  }

  /**
   * Ctrl-C while deploying: cancel the deployment (which asks the platform to cancel its build) and
   * give that a moment before the JVM exits.
   */
  private static Thread cancelOnShutdown(DeploymentOrchestrator orchestrator,
      CompletableFuture<String> deploymentId, CompletableFuture<Deployment> result) {
    Thread hook = new Thread(() -> {
      String id = deploymentId.getNow(null);
      if (id != null && !result.isDone() && orchestrator.cancel(id)) {
        try {
          result.get(CANCEL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
          // Best effort: the JVM is exiting.
        }
      }
    }, "deploykit-cancel-on-exit");
    Runtime.getRuntime().addShutdownHook(hook);
    return hook;
  }

  private static Deployment await(CompletableFuture<Deployment> result,
      CompletableFuture<Void> lastUpdate, ProgressOutput progress) {
    Deployment d;
    while (true) {
      try {
        d = result.get(TICK.toMillis(), TimeUnit.MILLISECONDS);
        break;
      } catch (TimeoutException e) {
        progress.tick();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        progress.finish();
        throw new CompletionException("Interrupted while deploying; the deployment is cancelled", e);
      } catch (ExecutionException e) {
        progress.finish();
        throw new CompletionException(e.getCause());
      }
    }
    try {
      // The future may complete before the tracker has delivered the last updates: print them first.
      lastUpdate.get(LAST_UPDATES_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      // Printed what arrived; the result below says the rest.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    progress.finish();
    return d;
  }

  private FallbackResult runFallback(DeploymentOrchestrator orchestrator, Deployment d,
      FallbackChoice choice, @Nullable ScaffoldConfig scaffold, @Nullable Path dir,
      List<EnvironmentVariable> variables) {
    if (choice.option() == FallbackOption.GITHUB_REPO) {
      try {
        return orchestrator.fallback(d, FallbackOption.GITHUB_REPO)
            .get(GITHUB_FALLBACK_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        throw e.getCause() instanceof RuntimeException r ? r : new CompletionException(e.getCause());
      } catch (TimeoutException e) {
        throw new DeploymentException(dev.deploykit.core.ErrorCode.TIMEOUT,
            "Publishing to GitHub took longer than 2 minutes");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CompletionException(e);
      }
    }
    Path zip = choice.zipFile() != null ? choice.zipFile()
        : Path.of(name.replaceAll("[^A-Za-z0-9._-]", "-") + ".zip");
    // The orchestrator keeps the files of a deployment that got as far as preparing them; one that
    // failed earlier (a refused token) has none, so they are prepared here the same way.
    List<GeneratedFile> files = orchestrator.files(d.id()).orElseGet(() -> scaffold != null
        ? NextJsScaffoldGenerator.create().generate(name, scaffold, variables)
        : ProjectFiles.fromDirectory(java.util.Objects.requireNonNull(dir, "dir")));
    try {
      Path written = ZipExport.write(files, zip);
      return new FallbackResult(FallbackOption.ZIP, written.toUri(), Map.of(
          "files", String.valueOf(files.size()), "bytes", String.valueOf(Files.size(written))));
    } catch (IOException e) {
      throw new DeploymentException(dev.deploykit.core.ErrorCode.UNKNOWN,
          "Could not write the ZIP archive " + zip + ": " + e.getMessage());
    }
  }

  private static String problem(Throwable e) {
    Throwable t = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    return t instanceof DeploymentException de
        ? de.code() + ": " + de.getMessage()
        : t.getClass().getSimpleName() + ": " + t.getMessage();
  }

  private static void printSuccess(PrintWriter out, PrintWriter err, Deployment d, Duration took) {
    out.println();
    out.println("Deployed " + d.projectName() + " to " + d.platform() + " in "
        + ProgressOutput.elapsed(took) + ".");
    out.println("Live at " + d.deploymentUrl());
    UrlCheck check = d.urlCheck();
    if (check != null) {
      if (check.ok()) {
        out.println("GET " + check.url() + " -> HTTP " + check.httpStatus() + " in "
            + check.latency().toMillis() + " ms");
      } else {
        err.println("Warning: " + check.url() + " did not answer yet ("
            + (check.httpStatus() != null ? "HTTP " + check.httpStatus() : check.problem())
            + "); the platform reported success, so it may need a moment.");
      }
    }
  }

  private static void printFailure(PrintWriter err, Deployment d, @Nullable RecoveryPlan plan,
      @Nullable FallbackResult fallbackResult, @Nullable String fallbackProblem) {
    err.println();
    DeploymentError e = d.error();
    err.println("Deployment " + d.status() + (e == null ? "" : ": " + e.code() + ": " + e.message()));
    if (e != null) {
      List<String> facts = new ArrayList<>();
      if (e.httpStatus() != null) {
        facts.add("HTTP " + e.httpStatus());
      }
      if (e.requestId() != null) {
        facts.add("request id " + e.requestId());
      }
      if (d.platformDeploymentId() != null) {
        facts.add("deployment " + d.platformDeploymentId());
      }
      if (!facts.isEmpty()) {
        err.println("  (" + String.join(", ", facts) + ")");
      }
      e.details().forEach(line -> err.println("  " + line));
    }
    if (plan != null) {
      err.println("What to do (" + plan.action() + "): " + plan.userMessage());
      plan.suggestions().forEach(s -> err.println("  - " + s.strip().replace("\n", "\n      ")));
      if (plan.retryAfter() != null) {
        err.println("  Retry after " + ProgressOutput.elapsed(plan.retryAfter()) + ".");
      }
      if (!plan.alternativePlatforms().isEmpty()) {
        err.println("  Other installed platforms: " + String.join(", ", plan.alternativePlatforms())
            + " (--platform <id>)");
      }
      if (!plan.fallbackOptions().isEmpty()) {
        err.println("  Fallbacks: " + plan.fallbackOptions().stream()
            .map(o -> o == FallbackOption.ZIP ? "--fallback zip=" + d.projectName() + ".zip"
                : "--fallback github")
            .collect(Collectors.joining(", ")));
      }
    }
    if (fallbackResult != null) {
      err.println("Fallback " + fallbackResult.option() + ": " + fallbackResult.location()
          + (fallbackResult.details().containsKey("files")
              ? " (" + fallbackResult.details().get("files") + " files)" : ""));
    }
    if (fallbackProblem != null) {
      err.println("Fallback failed: " + fallbackProblem);
    }
  }
}
