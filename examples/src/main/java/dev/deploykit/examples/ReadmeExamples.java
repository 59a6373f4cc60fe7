package dev.deploykit.examples;

import dev.deploykit.env.DotEnv;
import dev.deploykit.env.EnvironmentVariable;
import dev.deploykit.env.EnvironmentVariableDetector;
import dev.deploykit.env.EnvironmentVariableValidator;
import dev.deploykit.env.ScaffoldConfig;
import dev.deploykit.env.SecretGenerator;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

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
}
