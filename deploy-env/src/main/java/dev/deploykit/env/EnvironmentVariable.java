package dev.deploykit.env;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One environment variable an app needs: its key, what it is for, the rules its value must follow
 * and, once filled, its value.
 *
 * <p>Immutable; {@link #withValue(String)} returns a copy. {@link #toString()} shows a sensitive
 * value as {@code ****}. A {@code NEXT_PUBLIC_} variable is never sensitive: Next.js inlines it into
 * the code it ships to browsers.
 *
 * @param key the variable's name, e.g. {@code DATABASE_URL}
 * @param value the value, or {@code null} while unset
 * @param description what the variable is for and where to get its value
 * @param required whether the app cannot run without it
 * @param sensitive whether the value is a secret that must never be shown or logged
 * @param example an honest example of the value's shape (never a real secret)
 * @param validation declared constraints on top of the kind's rules
 * @param kind what the value is, which picks the validation rules
 * @param feature the option that asked for it, e.g. {@code prisma-postgres}, or {@code null}
 * @param generatable whether {@link SecretGenerator} can make a value for it
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EnvironmentVariable(
    String key,
    @Nullable String value,
    String description,
    boolean required,
    boolean sensitive,
    @Nullable String example,
    Validation validation,
    VariableKind kind,
    @Nullable String feature,
    boolean generatable) {

  /** The prefix Next.js uses for values it exposes to browsers. */
  public static final String PUBLIC_PREFIX = "NEXT_PUBLIC_";

  /**
   * Checks the variable is well formed.
   *
   * @throws IllegalArgumentException if the key is not a valid variable name, or a {@code
   *     NEXT_PUBLIC_} variable is marked sensitive
   */
  public EnvironmentVariable {
    Objects.requireNonNull(key, "key");
    if (!isValidKey(key)) {
      throw new IllegalArgumentException(
          "Environment variable key '" + key
              + "' is not valid: use letters, digits and '_', not starting with a digit");
    }
    description = description == null ? "" : description;
    validation = validation == null ? Validation.NONE : validation;
    kind = kind == null ? VariableKind.TEXT : kind;
    if (sensitive && key.startsWith(PUBLIC_PREFIX)) {
      throw new IllegalArgumentException(
          key + " cannot be sensitive: Next.js ships every " + PUBLIC_PREFIX
              + " value to browsers; rename it or mark it not sensitive");
    }
  }

  /** Returns a builder for a variable with the given key. */
  public static Builder builder(String key) {
    return new Builder(key);
  }

  /** Returns whether {@code key} is a valid environment variable name. */
  public static boolean isValidKey(String key) {
    if (key.isEmpty() || key.length() > 256) {
      return false;
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      boolean ok = c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
          || (i > 0 && c >= '0' && c <= '9');
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** Returns a copy holding {@code newValue}; {@code null} unsets it. */
  public EnvironmentVariable withValue(@Nullable String newValue) {
    return new EnvironmentVariable(
        key, newValue, description, required, sensitive, example, validation, kind, feature,
        generatable);
  }

  /** Returns whether a non-empty value is set. */
  public boolean hasValue() {
    return value != null && !value.isEmpty();
  }

  /** Returns a builder initialised from this variable. */
  public Builder toBuilder() {
    return new Builder(key)
        .value(value)
        .description(description)
        .required(required)
        .sensitive(sensitive)
        .example(example)
        .validation(validation)
        .kind(kind)
        .feature(feature)
        .generatable(generatable);
  }

  @Override
  public String toString() {
    String shown = value == null ? "null" : sensitive ? "****" : '"' + value + '"';
    return "EnvironmentVariable[key=" + key + ", value=" + shown + ", kind=" + kind
        + ", required=" + required + ", sensitive=" + sensitive
        + (feature == null ? "" : ", feature=" + feature) + "]";
  }

  /** Builds an {@link EnvironmentVariable}. Not thread-safe. */
  public static final class Builder {
    private final String key;
    private @Nullable String value;
    private String description = "";
    private boolean required;
    private boolean sensitive;
    private @Nullable String example;
    private Validation validation = Validation.NONE;
    private VariableKind kind = VariableKind.TEXT;
    private @Nullable String feature;
    private boolean generatable;

    private Builder(String key) {
      this.key = Objects.requireNonNull(key, "key");
    }

    /** Sets the value; default unset. */
    public Builder value(@Nullable String value) {
      this.value = value;
      return this;
    }

    /** Sets the description; default empty. */
    public Builder description(String description) {
      this.description = Objects.requireNonNull(description, "description");
      return this;
    }

    /** Marks the variable required; default optional. */
    public Builder required(boolean required) {
      this.required = required;
      return this;
    }

    /** Marks the value sensitive; default not. */
    public Builder sensitive(boolean sensitive) {
      this.sensitive = sensitive;
      return this;
    }

    /** Sets the example value; default none. */
    public Builder example(@Nullable String example) {
      this.example = example;
      return this;
    }

    /** Sets declared constraints; default {@link Validation#NONE}. */
    public Builder validation(Validation validation) {
      this.validation = Objects.requireNonNull(validation, "validation");
      return this;
    }

    /** Sets the kind; default {@link VariableKind#TEXT}. */
    public Builder kind(VariableKind kind) {
      this.kind = Objects.requireNonNull(kind, "kind");
      return this;
    }

    /** Sets the feature that asked for the variable; default none. */
    public Builder feature(@Nullable String feature) {
      this.feature = feature;
      return this;
    }

    /** Marks the value as one {@link SecretGenerator} can make; default not. */
    public Builder generatable(boolean generatable) {
      this.generatable = generatable;
      return this;
    }

    /** Returns the variable. */
    public EnvironmentVariable build() {
      return new EnvironmentVariable(
          key, value, description, required, sensitive, example, validation, kind, feature,
          generatable);
    }
  }
}
