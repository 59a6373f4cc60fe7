package dev.deploykit.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deploykit.env.EnvironmentVariable;
import dev.deploykit.env.EnvironmentVariableDetector;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DemoCommandTest {

  @Test
  void demo_whenRun_validatesEveryVariableAndNeverPrintsASecret() {
    StringWriter out = new StringWriter();
    CommandLine cli = DeployKitCommand.newCommandLine();
    cli.setOut(new PrintWriter(out));

    int exit = cli.execute("demo");

    assertThat(exit).isZero();
    assertThat(out.toString())
        .contains("DATABASE_URL", "NEXTAUTH_SECRET", "ANTHROPIC_API_KEY", "All 5 variables are valid.",
            "Live at http://127.0.0.1:", "HTTP 200", "CREATING_PROJECT", "BUILDING")
        .doesNotContain("sk-ant-api03-demo")
        .doesNotContain("postgresql://");
  }

  @Test
  void fillDemoValues_whenSampleScaffold_fillsEveryRequiredVariable() {
    List<EnvironmentVariable> filled = DemoCommand.fillDemoValues(
        EnvironmentVariableDetector.create().detect(DemoCommand.sampleScaffold()));

    assertThat(filled).filteredOn(EnvironmentVariable::required)
        .allSatisfy(v -> assertThat(v.hasValue()).as(v.key()).isTrue());
  }

  @Test
  void help_listsTheDemoSubcommand() {
    StringWriter out = new StringWriter();
    CommandLine cli = DeployKitCommand.newCommandLine();
    cli.setOut(new PrintWriter(out));

    assertThat(cli.execute("--help")).isZero();
    assertThat(out.toString()).contains("demo");
  }
}
