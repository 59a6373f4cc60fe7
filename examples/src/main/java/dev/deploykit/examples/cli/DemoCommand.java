package dev.deploykit.examples.cli;

import dev.deploykit.core.Deployment;
import dev.deploykit.core.DeploymentConfig;
import dev.deploykit.core.DeploymentOrchestrator;
import dev.deploykit.core.DeploymentStatus;
import dev.deploykit.core.RecoveryPlan;
import dev.deploykit.core.UrlCheck;
import dev.deploykit.env.EnvironmentVariable;
import dev.deploykit.env.EnvironmentVariableDetector;
import dev.deploykit.env.EnvironmentVariableValidator;
import dev.deploykit.env.ScaffoldConfig;
import dev.deploykit.env.SecretGenerator;
import dev.deploykit.env.ValidationResult;
import java.io.PrintWriter;
import dev.deploykit.testing.InMemoryPlatform;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code deploykit demo}: the quick-start path. Detects the variables of a sample scaffold (Postgres
 * with Prisma, NextAuth, an Anthropic chatbot), fills demo values, generates the secrets, validates
 * everything, deploys it to the in-memory platform (served on loopback) with live progress, and
 * checks the URL answers HTTP 200. Exit code 0 on success; on failure 1 with the recovery plan.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = "Deploys a sample app (Postgres + NextAuth + Anthropic chatbot) to the in-memory"
        + " platform: detects, fills and validates its variables, generates its files, shows the"
        + " progress and build log, and checks the URL answers.",
    footer = {"", "Example:", "  java -jar examples/target/deploykit.jar demo"})
final class DemoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  /** The scaffold the demo uses. */
  static ScaffoldConfig sampleScaffold() {
    return ScaffoldConfig.builder()
        .database("prisma-postgres")
        .auth("nextauth")
        .aiTemplate("chatbot")
        .aiProvider("anthropic")
        .build();
  }

  /** Values a demo can use: shaped like real ones, obviously not real. */
  static List<EnvironmentVariable> fillDemoValues(List<EnvironmentVariable> detected) {
    SecureRandom random = new SecureRandom();
    List<EnvironmentVariable> out = new ArrayList<>();
    for (EnvironmentVariable v : detected) {
      String value = switch (v.key()) {
        case "DATABASE_URL" -> "postgresql://demo_user:" + token(random, 16)
            + "@localhost:5432/demo_app?sslmode=disable";
        case "ANTHROPIC_API_KEY" -> "sk-ant-api03-demo" + token(random, 80);
        case "NEXTAUTH_URL", "NEXT_PUBLIC_APP_URL" -> "https://demo-app.example.com";
        default -> v.value();
      };
      out.add(v.withValue(value));
    }
    return SecretGenerator.create().fillGeneratable(out);
  }

  private static String token(SecureRandom random, int length) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    ScaffoldConfig scaffold = sampleScaffold();
    out.println("Scaffold: database=" + scaffold.database() + ", auth=" + scaffold.auth()
        + ", aiTemplate=" + scaffold.aiTemplate() + ", aiProvider=" + scaffold.aiProvider());

    List<EnvironmentVariable> variables =
        fillDemoValues(EnvironmentVariableDetector.create().detect(scaffold));
    Map<String, ValidationResult> results = EnvironmentVariableValidator.create().validateAll(variables);

    out.println();
    out.printf("%-22s %-9s %-9s %-44s %s%n", "KEY", "REQUIRED", "SENSITIVE", "VALUE", "CHECK");
    for (EnvironmentVariable v : variables) {
      ValidationResult r = results.get(v.key());
      out.printf("%-22s %-9s %-9s %-44s %s%n", v.key(), v.required() ? "yes" : "no",
          v.sensitive() ? "yes" : "no", shown(v), r.isValid() ? "ok" : r.error().orElse("invalid"));
    }
    boolean valid = results.values().stream().allMatch(ValidationResult::isValid);
    out.println();
    if (!valid) {
      out.println("Some variables are invalid; see above.");
      out.flush();
      return 1;
    }
    out.println("All " + variables.size() + " variables are valid. Deploying to the in-memory platform...");
    out.flush();

    try (InMemoryPlatform platform = InMemoryPlatform.builder()
            .buildDuration(Duration.ofMillis(1500)).serveDeployments(true).build();
        DeploymentOrchestrator orchestrator = DeploymentOrchestrator.builder()
            .discoverPlatforms(false)
            .platform(platform)
            .pollInterval(Duration.ofMillis(250), Duration.ofSeconds(1))
            .build()) {
      DeploymentConfig config = DeploymentConfig.builder("demo-app", "memory")
          .scaffold(scaffold)
          .environmentVariables(variables)
          .timeout(Duration.ofMinutes(1))
          .build();
      Deployment deployment = orchestrator.deployAsync(config, "demo-user", update -> {
        for (String line : update.logLines()) {
          out.println("    | " + line);
        }
        boolean midUpload = update.upload() != null
            && update.upload().filesDone() < update.upload().filesTotal();
        if (update.logLines().isEmpty() && !midUpload) {
          out.printf("  [%-16s] %s%n", update.status(), update.message());
        }
        out.flush();
      }).join();
      out.println();
      if (deployment.status() != DeploymentStatus.SUCCESS) {
        RecoveryPlan plan = orchestrator.recoveryPlan(deployment);
        out.println("Deployment " + deployment.status() + ": " + plan.userMessage());
        plan.suggestions().forEach(s -> out.println("  - " + s));
        out.flush();
        return 1;
      }
      UrlCheck check = deployment.urlCheck();
      out.println("Live at " + deployment.deploymentUrl());
      if (check == null || !check.ok()) {
        out.println("The URL did not answer: " + (check == null ? "not checked" : check.problem()));
        out.flush();
        return 1;
      }
      out.println("GET " + check.url() + " -> HTTP " + check.httpStatus() + " in "
          + check.latency().toMillis() + " ms");
      out.flush();
      return 0;
    }
  }

  private static String shown(EnvironmentVariable v) {
    if (!v.hasValue()) {
      return "(unset)";
    }
    if (v.sensitive()) {
      return "**** (" + v.value().length() + " chars)";
    }
    String value = v.value();
    return value.length() > 44 ? value.substring(0, 41) + "..." : value;
  }
}
