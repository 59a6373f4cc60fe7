package dev.deploykit.examples.cli;

import dev.deploykit.env.DotEnvFile;
import dev.deploykit.env.EnvironmentVariable;
import dev.deploykit.env.EnvironmentVariableDetector;
import dev.deploykit.env.EnvironmentVariableValidator;
import dev.deploykit.env.ScaffoldConfig;
import dev.deploykit.env.SecretGenerator;
import dev.deploykit.env.ValidationResult;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code deploykit validate}: checks the values of a {@code .env} file against what a scaffold
 * needs, reporting every problem at once and never printing a value. With {@code
 * --generate-secrets}, first fills the missing generatable secrets and writes them into the file,
 * leaving every other line and comment as it was.
 */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = "Checks the values of an env file against the variables an app needs and reports"
        + " every problem at once. Never prints a value.",
    footer = {"", "Examples:",
        "  deploykit validate --config scaffold.json --env-file .env",
        "  deploykit validate --database prisma-postgres --auth nextauth \\",
        "      --env-file .env --generate-secrets",
        "", "Exit codes: 0 every variable is valid, 1 a variable is missing or invalid,",
        "2 bad input (a missing file, a malformed line, an unknown option)."})
final class ValidateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ScaffoldOptions scaffold = new ScaffoldOptions();

  @Option(names = {"-e", "--env-file"}, paramLabel = "<file>", defaultValue = ".env",
      description = "The env file with the values (default: ${DEFAULT-VALUE}).")
  Path envFile = Path.of(".env");

  @Option(names = "--generate-secrets",
      description = "Generate the missing values deploykit can make (e.g. NEXTAUTH_SECRET) and"
          + " write them into the env file, keeping its other lines and comments.")
  boolean generateSecrets;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    ScaffoldConfig config = scaffold.scaffold();
    List<EnvironmentVariable> detected = EnvironmentVariableDetector.create().detect(config);
    DotEnvFile file = Inputs.readEnvFile(envFile);
    List<EnvironmentVariable> variables = file.apply(detected);

    if (generateSecrets) {
      List<EnvironmentVariable> filled = SecretGenerator.create().fillGeneratable(variables);
      Map<String, String> generated = new LinkedHashMap<>();
      for (int i = 0; i < filled.size(); i++) {
        if (!variables.get(i).hasValue() && filled.get(i).hasValue()) {
          generated.put(filled.get(i).key(), filled.get(i).value());
        }
      }
      if (generated.isEmpty()) {
        out.println("No secret to generate: every generatable variable has a value.");
      } else {
        Inputs.rewrite(envFile, file.updated(generated));
        out.println("Generated " + String.join(", ", generated.keySet()) + " and wrote "
            + (generated.size() == 1 ? "it" : "them") + " to " + envFile + ".");
      }
      variables = filled;
    }

    Redaction redaction = Redaction.of(variables);
    Map<String, ValidationResult> results = EnvironmentVariableValidator.create().validateAll(variables);
    int keyWidth = Math.max(3, variables.stream().mapToInt(v -> v.key().length()).max().orElse(3));
    String row = "%-" + keyWidth + "s  %-8s  %-9s  %s%n";
    out.printf(row, "KEY", "REQUIRED", "SENSITIVE", "CHECK");
    int problems = 0;
    for (EnvironmentVariable v : variables) {
      ValidationResult r = results.getOrDefault(v.key(), ValidationResult.valid());
      String check;
      if (r.isValid()) {
        check = v.hasValue() ? "ok" : "ok (not set, optional)";
      } else {
        problems++;
        check = (v.hasValue() ? "INVALID: " : "MISSING: ")
            + redaction.apply(r.error().orElse("invalid"));
      }
      out.printf(row, v.key(), v.required() ? "yes" : "no", v.sensitive() ? "yes" : "no", check);
    }
    Set<String> known = detected.stream().map(EnvironmentVariable::key).collect(Collectors.toSet());
    List<String> extra = file.values().keySet().stream().filter(k -> !known.contains(k)).toList();
    if (!extra.isEmpty()) {
      out.println();
      out.println("Also in " + envFile + ", not needed by this app: " + String.join(", ", extra));
    }
    out.println();
    if (problems == 0) {
      out.println("All " + variables.size() + " variables are valid.");
      out.flush();
      return ExitCodes.OK;
    }
    out.println(problems + " of " + variables.size() + " variables "
        + (problems == 1 ? "has a problem" : "have problems") + "; fix them in " + envFile + ".");
    boolean generatableMissing = variables.stream()
        .anyMatch(v -> v.generatable() && !v.hasValue());
    if (generatableMissing) {
      out.println("deploykit can make the missing secrets: run again with --generate-secrets.");
    }
    out.flush();
    return ExitCodes.FAILED;
  }
}
