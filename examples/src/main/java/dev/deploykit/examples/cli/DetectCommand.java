package dev.deploykit.examples.cli;

import dev.deploykit.env.DotEnv;
import dev.deploykit.env.EnvironmentSchema;
import dev.deploykit.env.EnvironmentVariable;
import dev.deploykit.env.EnvironmentVariableDetector;
import dev.deploykit.env.ScaffoldConfig;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code deploykit detect}: prints the environment variables a scaffold needs, as a table, an
 * {@code .env.example} or a JSON Schema. Prints no value: there is none yet, only examples.
 */
@Command(
    name = "detect",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = "Prints the environment variables an app needs: key, whether it is required or"
        + " sensitive, what it is for, and an example.",
    footer = {"", "Examples:",
        "  deploykit detect --database prisma-postgres --auth nextauth \\",
        "      --ai-template chatbot --ai-provider anthropic",
        "  deploykit detect --config scaffold.json --format env > .env.example",
        "  deploykit detect --config scaffold.json --format json-schema > env.schema.json",
        "", "Exit codes: 0 printed, 2 bad input."})
final class DetectCommand implements Callable<Integer> {
  private static final int DESCRIPTION_WIDTH = 56;

  /** The output formats. */
  enum Format {
    TABLE("table"), ENV("env"), JSON_SCHEMA("json-schema");

    private final String label;

    Format(String label) {
      this.label = label;
    }

    @Override
    public String toString() {
      return label;
    }

    static final class Converter implements CommandLine.ITypeConverter<Format> {
      @Override
      public Format convert(String value) {
        for (Format f : values()) {
          if (f.label.equalsIgnoreCase(value.trim())) {
            return f;
          }
        }
        throw new CommandLine.TypeConversionException("'" + value + "' is not a format: use "
            + Arrays.stream(values()).map(Format::toString).collect(Collectors.joining(", ")));
      }
    }

    static final class Candidates implements Iterable<String> {
      @Override
      public Iterator<String> iterator() {
        return Arrays.stream(values()).map(Format::toString).iterator();
      }
    }
  }

  @Spec CommandSpec spec;

  @Mixin ScaffoldOptions scaffold = new ScaffoldOptions();

  @Option(names = {"-f", "--format"}, paramLabel = "<format>", defaultValue = "table",
      converter = Format.Converter.class, completionCandidates = Format.Candidates.class,
      description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  Format format = Format.TABLE;

  @Override
  public Integer call() {
    ScaffoldConfig config = scaffold.scaffold();
    List<EnvironmentVariable> variables = EnvironmentVariableDetector.create().detect(config);
    PrintWriter out = spec.commandLine().getOut();
    switch (format) {
      case ENV -> out.print(DotEnv.exportExample(variables));
      case JSON_SCHEMA -> out.print(EnvironmentSchema.toJson(variables));
      default -> printTable(out, variables);
    }
    out.flush();
    return ExitCodes.OK;
  }

  static void printTable(PrintWriter out, List<EnvironmentVariable> variables) {
    int keyWidth = Math.max(3, variables.stream().mapToInt(v -> v.key().length()).max().orElse(3));
    String row = "%-" + keyWidth + "s  %-8s  %-9s  %-" + DESCRIPTION_WIDTH + "s  %s%n";
    out.printf(row, "KEY", "REQUIRED", "SENSITIVE", "DESCRIPTION", "EXAMPLE");
    for (EnvironmentVariable v : variables) {
      List<String> lines = wrap(v.description(), DESCRIPTION_WIDTH);
      out.printf(row, v.key(), v.required() ? "yes" : "no", v.sensitive() ? "yes" : "no",
          lines.get(0), v.example() == null ? "" : v.example());
      for (String more : lines.subList(1, lines.size())) {
        out.printf(row, "", "", "", more, "");
      }
    }
    out.printf("%n%d variable%s; %d required, %d sensitive.%n", variables.size(),
        variables.size() == 1 ? "" : "s",
        variables.stream().filter(EnvironmentVariable::required).count(),
        variables.stream().filter(EnvironmentVariable::sensitive).count());
  }

  /** Wraps {@code text} at blanks into lines of at most {@code width} characters (longer words stay whole). */
  static List<String> wrap(String text, int width) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String word : text.strip().split("\\s+")) {
      if (word.isEmpty()) {
        continue;
      }
      if (line.length() > 0 && line.length() + 1 + word.length() > width) {
        lines.add(line.toString());
        line.setLength(0);
      }
      if (line.length() > 0) {
        line.append(' ');
      }
      line.append(word);
    }
    lines.add(line.toString());
    return lines;
  }
}
