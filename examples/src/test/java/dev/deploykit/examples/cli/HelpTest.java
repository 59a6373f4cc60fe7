package dev.deploykit.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

class HelpTest {

  @ParameterizedTest
  @ValueSource(strings = {"detect", "validate", "deploy", "demo"})
  void help_ofEachSubcommand_describesEveryOptionAndShowsAnExample(String name) {
    CliRun r = CliRun.run(name, "--help");

    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).contains("Usage: deploykit " + name, "Example", "deploykit " + name);
    CommandLine sub = DeployKitCommand.newCommandLine().getSubcommands().get(name);
    List<String> undocumented = new ArrayList<>();
    for (OptionSpec option : sub.getCommandSpec().options()) {
      if (String.join("", option.description()).isBlank()) {
        undocumented.add(option.longestName());
      }
      assertThat(r.out()).contains(option.longestName());
    }
    assertThat(undocumented).isEmpty();
  }

  @Test
  void help_ofTheTopCommand_listsEverySubcommandWithExamplesAndExitCodes() {
    CliRun r = CliRun.run("--help");

    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).contains("detect", "validate", "deploy", "demo", "Examples:",
        "Exit codes: 0 success, 1 deployment failed");
  }

  @Test
  void noArguments_printsUsage() {
    CliRun r = CliRun.run();

    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).contains("Usage: deploykit");
  }

  @Test
  void unknownSubcommand_exits2WithASuggestion() {
    CliRun r = CliRun.run("deplyo");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("Unmatched argument", "deplyo", "Did you mean", "deploy");
  }
}
