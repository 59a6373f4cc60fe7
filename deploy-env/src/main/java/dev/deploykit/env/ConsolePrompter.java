package dev.deploykit.env;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;

/**
 * Asks a person, in a terminal, for the value of every variable that is missing or invalid, and
 * asks again with the validator's message until the value is valid.
 *
 * <p>For each variable, in order: one that has a value the validator accepts is kept as is; any
 * other is shown (key, required or optional, description, and the example for non-sensitive
 * variables) and asked for. Surrounding whitespace of an answer is removed. An empty answer
 * generates a value for a {@link EnvironmentVariable#generatable() generatable} variable (the prompt
 * says "press Enter to generate"), leaves an optional variable unset, and is refused for a required
 * one. Sensitive values are read with {@link PromptIO#readSecret(String)} and never written out,
 * not even in the validator's message, from which they are masked.
 *
 * <p>Defaults: at most 5 attempts per variable, a {@link SecretGenerator#create()} generator, and
 * the {@link PromptIO#systemConsole() system console}. A prompter is immutable and may be shared,
 * but calls to {@link #prompt(List)} over one {@link PromptIO} must not overlap.
 */
public final class ConsolePrompter {
  /** The default number of answers asked for per variable before giving up. */
  public static final int DEFAULT_MAX_ATTEMPTS = 5;

  private static final int MIN_MASKED_LENGTH = 4;

  private final BiFunction<EnvironmentVariable, String, ValidationResult> validator;
  private final PromptIO io;
  private final SecretGenerator secretGenerator;
  private final int maxAttempts;

  private ConsolePrompter(Builder builder, PromptIO io) {
    this.validator = Objects.requireNonNull(builder.validator, "validator");
    this.io = io;
    this.secretGenerator = builder.secretGenerator == null
        ? SecretGenerator.create() : builder.secretGenerator;
    this.maxAttempts = builder.maxAttempts;
  }

  /** Returns a builder with the defaults described on the class. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a prompter over the system console that validates with {@code validator}, typically
   * {@code EnvironmentVariableValidator.create()::validate}.
   *
   * @throws IllegalStateException if the process has no console
   */
  public static ConsolePrompter forSystemConsole(
      BiFunction<EnvironmentVariable, String, ValidationResult> validator) {
    return builder().validator(validator).io(PromptIO.systemConsole()).build();
  }

  /**
   * Returns {@code vars}, in the same order, with the values the person entered or had generated;
   * variables that were already valid are returned unchanged.
   *
   * @throws PromptAbortedException if the input ends, or a variable gets no valid value within the
   *     allowed attempts; the message names the variable
   * @throws java.io.UncheckedIOException if the {@link PromptIO} cannot read
   */
  public List<EnvironmentVariable> prompt(List<EnvironmentVariable> vars) {
    Objects.requireNonNull(vars, "vars");
    List<EnvironmentVariable> out = new ArrayList<>(vars.size());
    for (EnvironmentVariable var : vars) {
      Objects.requireNonNull(var, "vars contains null");
      ValidationResult current = var.hasValue() ? validate(var, var.value()) : null;
      out.add(current != null && current.isValid() ? var : ask(var, current));
    }
    return List.copyOf(out);
  }

  private EnvironmentVariable ask(EnvironmentVariable var, @Nullable ValidationResult current) {
    String key = var.key();
    io.print("");
    io.print(key + " (" + (var.required() ? "required" : "optional")
        + (var.sensitive() ? ", sensitive: your input is hidden" : "") + ")");
    if (!var.description().isBlank()) {
      io.print("  " + var.description());
    }
    if (!var.sensitive() && var.example() != null) {
      io.print("  Example: " + var.example());
    }
    if (current != null) {
      io.print("  The current value is not valid: " + message(var, current, var.value()));
    }
    String prompt = key
        + (var.generatable() ? " (press Enter to generate)"
            : var.required() ? "" : " (optional, press Enter to skip)")
        + ": ";
    for (int attempt = 1; attempt <= maxAttempts; attempt++) {
      String line = var.sensitive() ? io.readSecret(prompt) : io.readLine(prompt);
      if (line == null) {
        throw new PromptAbortedException(key, "input ended while asking for " + key);
      }
      String input = line.strip();
      if (input.isEmpty()) {
        if (var.generatable()) {
          String generated = secretGenerator.generate(var);
          ValidationResult result = validate(var, generated);
          if (result.isValid()) {
            io.print("  Generated a value for " + key + ".");
            return var.withValue(generated);
          }
          io.print("  The generated value is not valid: " + message(var, result, generated)
              + " Enter a value instead.");
          continue;
        }
        if (!var.required()) {
          io.print("  " + key + " left unset.");
          return var.withValue(null);
        }
        io.print("  " + key + " is required: enter a value.");
        continue;
      }
      ValidationResult result = validate(var, input);
      if (result.isValid()) {
        io.print("  " + key + " set.");
        return var.withValue(input);
      }
      io.print("  " + message(var, result, input)
          + (attempt < maxAttempts ? " Try again." : ""));
    }
    throw new PromptAbortedException(
        key, "no valid value for " + key + " after " + maxAttempts + " attempts");
  }

  private ValidationResult validate(EnvironmentVariable var, @Nullable String value) {
    ValidationResult result = validator.apply(var, value == null ? "" : value);
    return Objects.requireNonNull(result, "the validator returned null");
  }

  /** Returns the validator's message, with a sensitive value masked in case it was echoed. */
  private static String message(
      EnvironmentVariable var, ValidationResult result, @Nullable String value) {
    String message = result.error().orElse("The value is not valid.");
    if (var.sensitive() && value != null && value.length() >= MIN_MASKED_LENGTH) {
      message = message.replace(value, "****");
    }
    return message;
  }

  @Override
  public String toString() {
    return "ConsolePrompter[maxAttempts=" + maxAttempts + "]";
  }

  /** Builds a {@link ConsolePrompter}. Not thread-safe; {@link #build()} may be called again. */
  public static final class Builder {
    private @Nullable BiFunction<EnvironmentVariable, String, ValidationResult> validator;
    private @Nullable PromptIO io;
    private @Nullable SecretGenerator secretGenerator;
    private int maxAttempts = DEFAULT_MAX_ATTEMPTS;

    private Builder() {}

    /**
     * Sets how answers and existing values are checked; required. Typically {@code
     * EnvironmentVariableValidator.create()::validate}; its messages must not contain the value.
     */
    public Builder validator(BiFunction<EnvironmentVariable, String, ValidationResult> validator) {
      this.validator = Objects.requireNonNull(validator, "validator");
      return this;
    }

    /** Sets the terminal to talk through; default {@link PromptIO#systemConsole()}, looked up by {@link #build()}. */
    public Builder io(PromptIO io) {
      this.io = Objects.requireNonNull(io, "io");
      return this;
    }

    /** Sets the generator used when Enter is pressed on a generatable variable; default {@link SecretGenerator#create()}. */
    public Builder secretGenerator(SecretGenerator secretGenerator) {
      this.secretGenerator = Objects.requireNonNull(secretGenerator, "secretGenerator");
      return this;
    }

    /**
     * Sets how many answers are asked for per variable before giving up; default 5.
     *
     * @throws IllegalArgumentException if {@code maxAttempts} is less than 1
     */
    public Builder maxAttempts(int maxAttempts) {
      if (maxAttempts < 1) {
        throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
      }
      this.maxAttempts = maxAttempts;
      return this;
    }

    /**
     * Returns the prompter.
     *
     * @throws IllegalStateException if no validator was set, or no {@link PromptIO} was set and the
     *     process has no console
     */
    public ConsolePrompter build() {
      if (validator == null) {
        throw new IllegalStateException(
            "ConsolePrompter needs a validator: call validator(EnvironmentVariableValidator.create()::validate)");
      }
      return new ConsolePrompter(this, io == null ? PromptIO.systemConsole() : io);
    }
  }
}
