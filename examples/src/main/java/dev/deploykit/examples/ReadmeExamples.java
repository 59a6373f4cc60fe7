package dev.deploykit.examples;

import dev.deploykit.core.Deployment;
import dev.deploykit.core.DeploymentConfig;
import dev.deploykit.core.DeploymentOrchestrator;
import dev.deploykit.core.DeploymentStatus;
import dev.deploykit.core.RecoveryPlan;
import dev.deploykit.env.DotEnv;
import dev.deploykit.env.EnvironmentVariable;
import dev.deploykit.env.EnvironmentVariableDetector;
import dev.deploykit.env.EnvironmentVariableValidator;
import dev.deploykit.env.ScaffoldConfig;
import dev.deploykit.env.SecretGenerator;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The README's code, kept compiling; {@code ReadmeExamplesTest} runs it. */
public final class ReadmeExamples {
  private ReadmeExamples() {}

  /** The "detect, fill and validate" snippet; returns the problems it printed. */
  public static Map<String, String> validateFromDotEnv(Path envFile) {
    ScaffoldConfig scaffold = ScaffoldConfig.builder()
        .database("prisma-postgres")
        .auth("nextauth")
        .aiTemplate("chatbot")
        .aiProvider("anthropic")
        .build();

    List<EnvironmentVariable> variables = EnvironmentVariableDetector.create().detect(scaffold);
    variables = DotEnv.read(envFile).apply(variables);             // values from a .env file
    variables = SecretGenerator.create().fillGeneratable(variables); // NEXTAUTH_SECRET and the like

    Map<String, String> problems = EnvironmentVariableValidator.create().getErrors(variables);
    problems.forEach((key, message) -> System.out.println(key + ": " + message));
    return problems;
  }

  /**
   * The "deploy" snippet: deploys with an orchestrator (in the README, the shared default one; here
   * the caller's, so a test can point it at the in-memory platform). Returns the URL, if any.
   */
  public static Optional<String> deploy(
      DeploymentOrchestrator orchestrator, String platform, List<EnvironmentVariable> variables) {
    ScaffoldConfig scaffold = ScaffoldConfig.builder()
        .database("prisma-postgres").auth("nextauth").aiTemplate("chatbot").aiProvider("anthropic")
        .build();

    DeploymentConfig config = DeploymentConfig.builder("my-app", platform)   // "vercel", "railway", ...
        .scaffold(scaffold)
        .environmentVariables(variables)
        .build();
    Deployment deployment = orchestrator.deploy(config, "user-42");         // blocks; deployAsync doesn't

    if (deployment.status() == DeploymentStatus.SUCCESS) {
      System.out.println("Live at " + deployment.deploymentUrl());
    } else {
      RecoveryPlan plan = orchestrator.recoveryPlan(deployment);
      System.out.println(plan.userMessage());
      plan.suggestions().forEach(s -> System.out.println(" - " + s));
    }
    return Optional.ofNullable(deployment.deploymentUrl());
  }
}
