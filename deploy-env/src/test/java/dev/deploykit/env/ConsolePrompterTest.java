package dev.deploykit.env;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

class ConsolePrompterTest {
  /** Accepts values that start with "sk-" and are at least 8 characters long. */
  private static final BiFunction<EnvironmentVariable, String, ValidationResult> SK_VALIDATOR =
      (var, value) -> {
        if (value == null || value.isEmpty()) {
          return var.required() ? ValidationResult.invalid(var.key() + " is required.")
              : ValidationResult.valid();
        }
        if (var.kind() == VariableKind.SECRET) {
          return value.length() >= 32 ? ValidationResult.valid()
              : ValidationResult.invalid(var.key() + " must be at least 32 characters.");
        }
        return value.startsWith("sk-") && value.length() >= 8 ? ValidationResult.valid()
            : ValidationResult.invalid(var.key() + " must start with sk- and be 8 characters or more.");
      };

  private static final EnvironmentVariable API_KEY = EnvironmentVariable.builder("OPENAI_API_KEY")
      .description("OpenAI API key from platform.openai.com.")
      .required(true)
      .example("sk-example")
      .build();

  private static final EnvironmentVariable SENSITIVE_KEY =
      API_KEY.toBuilder().sensitive(true).example("sk-SHAPE-OF-EXAMPLE").build();

  private static final EnvironmentVariable NEXTAUTH_SECRET =
      EnvironmentVariable.builder("NEXTAUTH_SECRET")
          .description("Signs session tokens.")
          .required(true)
          .sensitive(true)
          .generatable(true)
          .kind(VariableKind.SECRET)
          .build();

  private static final EnvironmentVariable OPTIONAL = EnvironmentVariable.builder("OPTIONAL_KEY")
      .description("Only if you want it.")
      .build();

  private final StringWriter output = new StringWriter();
  private final List<String> validated = new ArrayList<>();

  private ConsolePrompter prompter(String input) {
    return prompter(input, SK_VALIDATOR);
  }

  private ConsolePrompter prompter(
      String input, BiFunction<EnvironmentVariable, String, ValidationResult> validator) {
    return ConsolePrompter.builder()
        .validator((var, value) -> {
          validated.add(var.key());
          return validator.apply(var, value);
        })
        .io(PromptIO.of(new BufferedReader(new StringReader(input)), new PrintWriter(output)))
        .build();
  }

  private static int occurrences(String text, String part) {
    int count = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
      count++;
    }
    return count;
  }

  @Test
  void prompt_whenVariableAlreadyValid_skipsItWithoutReading() {
    EnvironmentVariable valid = API_KEY.withValue("sk-already-valid");

    List<EnvironmentVariable> result = prompter("").prompt(List.of(valid));

    assertThat(result).containsExactly(valid);
    assertThat(output.toString()).isEmpty();
  }

  @Test
  void prompt_whenRequiredVariableMissing_showsDetailsAndTakesAnswer() {
    List<EnvironmentVariable> result = prompter("sk-answer-1\n").prompt(List.of(API_KEY));

    assertThat(result).extracting(EnvironmentVariable::value).containsExactly("sk-answer-1");
    assertThat(output.toString())
        .contains("OPENAI_API_KEY (required)")
        .contains("OpenAI API key from platform.openai.com.")
        .contains("Example: sk-example")
        .contains("OPENAI_API_KEY: ");
  }

  @Test
  void prompt_whenAnswerInvalid_printsValidatorMessageAndAsksAgain() {
    List<EnvironmentVariable> result = prompter("nope\nsk-good-one\n").prompt(List.of(API_KEY));

    assertThat(result.get(0).value()).isEqualTo("sk-good-one");
    String out = output.toString();
    assertThat(out).contains("OPENAI_API_KEY must start with sk- and be 8 characters or more. Try again.");
    assertThat(occurrences(out, "OPENAI_API_KEY: ")).isEqualTo(2);
  }

  @Test
  void prompt_whenAnswerHasSurroundingWhitespace_stripsIt() {
    List<EnvironmentVariable> result = prompter("  sk-padded-value \t\n").prompt(List.of(API_KEY));

    assertThat(result.get(0).value()).isEqualTo("sk-padded-value");
  }

  @Test
  void prompt_whenSensitive_neverPrintsInputOrExample() {
    BiFunction<EnvironmentVariable, String, ValidationResult> echoing = (var, value) ->
        value.startsWith("sk-") ? ValidationResult.valid()
            : ValidationResult.invalid("'" + value + "' does not start with sk-");

    List<EnvironmentVariable> result =
        prompter("WRONG-SECRET-INPUT\nsk-RIGHT-SECRET-INPUT\n", echoing).prompt(List.of(SENSITIVE_KEY));

    assertThat(result.get(0).value()).isEqualTo("sk-RIGHT-SECRET-INPUT");
    assertThat(output.toString())
        .contains("sensitive: your input is hidden")
        .contains("'****' does not start with sk-")
        .doesNotContain("WRONG-SECRET-INPUT", "RIGHT-SECRET-INPUT", "SHAPE-OF-EXAMPLE");
  }

  @Test
  void prompt_whenSensitiveCurrentValueInvalid_masksItInTheMessage() {
    BiFunction<EnvironmentVariable, String, ValidationResult> echoing = (var, value) ->
        value.startsWith("sk-") ? ValidationResult.valid()
            : ValidationResult.invalid("bad value " + value);

    prompter("sk-new-secret\n", echoing)
        .prompt(List.of(SENSITIVE_KEY.withValue("OLD-LEAKY-SECRET")));

    assertThat(output.toString()).contains("The current value is not valid: bad value ****")
        .doesNotContain("OLD-LEAKY-SECRET", "sk-new-secret");
  }

  @Test
  void prompt_whenGeneratableAndEnterPressed_generatesSecretWithoutPrintingIt() {
    List<EnvironmentVariable> result = prompter("\n").prompt(List.of(NEXTAUTH_SECRET));

    String secret = result.get(0).value();
    assertThat(secret).hasSize(44);
    assertThat(Base64.getDecoder().decode(secret)).hasSize(32);
    assertThat(output.toString())
        .contains("NEXTAUTH_SECRET (press Enter to generate): ")
        .contains("Generated a value for NEXTAUTH_SECRET.")
        .doesNotContain(secret);
  }

  @Test
  void prompt_whenGeneratableAndValueTyped_usesTypedValue() {
    String typed = "typed-secret-that-is-long-enough-1234";

    List<EnvironmentVariable> result = prompter(typed + "\n").prompt(List.of(NEXTAUTH_SECRET));

    assertThat(result.get(0).value()).isEqualTo(typed);
    assertThat(output.toString()).doesNotContain(typed);
  }

  @Test
  void prompt_whenGeneratedValueRejected_asksForTypedValue() {
    BiFunction<EnvironmentVariable, String, ValidationResult> hexOnly = (var, value) ->
        value.matches("[0-9a-f]{8,}") ? ValidationResult.valid()
            : ValidationResult.invalid("use lower-case hex");

    List<EnvironmentVariable> result =
        prompter("\ndeadbeefcafe\n", hexOnly).prompt(List.of(NEXTAUTH_SECRET));

    assertThat(result.get(0).value()).isEqualTo("deadbeefcafe");
    assertThat(output.toString()).contains("The generated value is not valid: use lower-case hex");
  }

  @Test
  void prompt_whenOptionalAndEnterPressed_leavesItUnset() {
    List<EnvironmentVariable> result = prompter("\n").prompt(List.of(OPTIONAL));

    assertThat(result.get(0).value()).isNull();
    assertThat(output.toString())
        .contains("OPTIONAL_KEY (optional)")
        .contains("OPTIONAL_KEY (optional, press Enter to skip): ")
        .contains("OPTIONAL_KEY left unset.");
  }

  @Test
  void prompt_whenOptionalWithInvalidValueAndEnterPressed_unsetsIt() {
    List<EnvironmentVariable> result = prompter("\n").prompt(List.of(OPTIONAL.withValue("bad")));

    assertThat(result.get(0).value()).isNull();
  }

  @Test
  void prompt_whenRequiredAndEnterPressed_asksAgain() {
    List<EnvironmentVariable> result = prompter("\n   \nsk-finally\n").prompt(List.of(API_KEY));

    assertThat(result.get(0).value()).isEqualTo("sk-finally");
    assertThat(occurrences(output.toString(), "OPENAI_API_KEY is required: enter a value."))
        .isEqualTo(2);
  }

  @Test
  void prompt_whenInvalidFiveTimes_abortsNamingKeyButNotValue() {
    String input = "bad-answer-1\nbad-answer-2\nbad-answer-3\nbad-answer-4\nbad-answer-5\nsk-late-good\n";

    assertThatThrownBy(() -> prompter(input).prompt(List.of(API_KEY)))
        .isInstanceOfSatisfying(PromptAbortedException.class, e -> {
          assertThat(e.key()).isEqualTo("OPENAI_API_KEY");
          assertThat(e.getMessage())
              .isEqualTo("no valid value for OPENAI_API_KEY after 5 attempts")
              .doesNotContain("bad-answer");
        });
    assertThat(occurrences(output.toString(), "OPENAI_API_KEY: ")).isEqualTo(5);
  }

  @Test
  void prompt_whenMaxAttemptsConfigured_abortsAfterThatMany() {
    ConsolePrompter prompter = ConsolePrompter.builder()
        .validator(SK_VALIDATOR)
        .maxAttempts(2)
        .io(PromptIO.of(new BufferedReader(new StringReader("x\ny\nsk-good-one\n")),
            new PrintWriter(output)))
        .build();

    assertThatThrownBy(() -> prompter.prompt(List.of(API_KEY)))
        .isInstanceOf(PromptAbortedException.class)
        .hasMessageContaining("after 2 attempts");
  }

  @Test
  void prompt_whenInputEnds_abortsNamingKey() {
    assertThatThrownBy(() -> prompter("bad\n").prompt(List.of(API_KEY)))
        .isInstanceOfSatisfying(PromptAbortedException.class, e -> {
          assertThat(e.key()).isEqualTo("OPENAI_API_KEY");
          assertThat(e.getMessage()).isEqualTo("input ended while asking for OPENAI_API_KEY");
        });
  }

  @Test
  void prompt_whenSeveralVariables_asksOnlyForThoseNeededAndKeepsOrder() {
    EnvironmentVariable valid = API_KEY.toBuilder().value("sk-valid-123").build();
    List<EnvironmentVariable> vars = List.of(OPTIONAL, valid, NEXTAUTH_SECRET);

    List<EnvironmentVariable> result = prompter("sk-optional\n\n").prompt(vars);

    assertThat(result).extracting(EnvironmentVariable::key)
        .containsExactly("OPTIONAL_KEY", "OPENAI_API_KEY", "NEXTAUTH_SECRET");
    assertThat(result.get(0).value()).isEqualTo("sk-optional");
    assertThat(result.get(1)).isSameAs(valid);
    assertThat(result.get(2).value()).hasSize(44);
    assertThat(output.toString()).doesNotContain("OPENAI_API_KEY");
    assertThatThrownBy(() -> result.add(valid)).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void prompt_whenNotSensitive_validatesTheAnswerWithTheVariable() {
    prompter("sk-checked\n").prompt(List.of(API_KEY));

    assertThat(validated).containsExactly("OPENAI_API_KEY");
  }

  @Test
  void build_whenNoValidator_throwsSayingWhatToSet() {
    assertThatThrownBy(() -> ConsolePrompter.builder()
            .io(PromptIO.of(new BufferedReader(new StringReader("")), new PrintWriter(output)))
            .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("validator");
  }

  @Test
  void maxAttempts_whenLessThanOne_throws() {
    assertThatThrownBy(() -> ConsolePrompter.builder().maxAttempts(0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void readSecret_whenReaderBacked_printsPromptButNotAnswer() {
    PromptIO io = PromptIO.of(new BufferedReader(new StringReader("hidden-answer\n")),
        new PrintWriter(output));

    assertThat(io.readSecret("Secret: ")).isEqualTo("hidden-answer");
    assertThat(io.readSecret("Again: ")).isNull();
    assertThat(output.toString()).isEqualTo("Secret: Again: ");
  }
}
