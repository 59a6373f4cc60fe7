package dev.deploykit.env;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Describes a list of variables as a JSON Schema (draft 2020-12), so that a form library can render
 * one field per variable.
 *
 * <p>The schema is an {@code object} with one {@code string} property per variable, in list order,
 * {@code required} listing the required keys and {@code additionalProperties: false}. Each property
 * carries {@code title} (the key), {@code description}, {@code examples} (the declared example,
 * which is a shape and never a secret), the declared {@code pattern} anchored as {@code ^(?:p)$}
 * (JSON Schema patterns match anywhere, deploykit's match the whole value), {@code minLength}, {@code
 * maxLength}, {@code writeOnly: true} for sensitive variables, and the non-standard hints {@code
 * x-kind}, {@code x-sensitive}, {@code x-generatable} and {@code x-feature}. A {@code default} is
 * given only for a non-sensitive variable that has a value: a sensitive value never appears.
 *
 * <p>Patterns are passed on as declared, in Java syntax; the simple patterns of the catalogue mean
 * the same in the ECMA-262 dialect JSON Schema uses. All methods are static and thread-safe.
 */
public final class EnvironmentSchema {
  /** The JSON Schema dialect of the produced schemas. */
  public static final String DIALECT = "https://json-schema.org/draft/2020-12/schema";

  /** The {@code title} of the produced schemas. */
  public static final String TITLE = "Environment variables";

  private static final ObjectWriter WRITER = new ObjectMapper().writer(
      new DefaultPrettyPrinter().withObjectIndenter(new DefaultIndenter("  ", "\n")));

  private EnvironmentSchema() {}

  /**
   * Returns the schema of {@code vars} as pretty-printed JSON, lines ending in {@code \n}.
   *
   * @throws IllegalArgumentException if two variables share a key
   */
  public static String toJson(List<EnvironmentVariable> vars) {
    try {
      return WRITER.writeValueAsString(toMap(vars));
    } catch (JsonProcessingException e) {
      // Only maps, lists, strings, numbers and booleans: cannot happen.
      throw new IllegalStateException("Cannot write the environment schema as JSON", e);
    }
  }

  /**
   * Returns the schema of {@code vars} as nested {@link LinkedHashMap}s and {@link ArrayList}s of
   * strings, integers and booleans, ready for any JSON library. The result is a fresh, mutable
   * copy.
   *
   * @throws IllegalArgumentException if two variables share a key
   */
  public static Map<String, Object> toMap(List<EnvironmentVariable> vars) {
    Objects.requireNonNull(vars, "vars");
    Map<String, Object> properties = new LinkedHashMap<>();
    List<Object> required = new ArrayList<>();
    for (EnvironmentVariable var : vars) {
      Objects.requireNonNull(var, "vars contains null");
      if (properties.containsKey(var.key())) {
        throw new IllegalArgumentException(
            var.key() + " appears twice in the variable list; a schema needs unique keys");
      }
      properties.put(var.key(), property(var));
      if (var.required()) {
        required.add(var.key());
      }
    }
    Map<String, Object> schema = new LinkedHashMap<>();
    schema.put("$schema", DIALECT);
    schema.put("title", TITLE);
    schema.put("type", "object");
    schema.put("properties", properties);
    schema.put("required", required);
    schema.put("additionalProperties", false);
    return schema;
  }

  private static Map<String, Object> property(EnvironmentVariable var) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("type", "string");
    p.put("title", var.key());
    if (!var.description().isEmpty()) {
      p.put("description", var.description());
    }
    if (var.example() != null) {
      List<Object> examples = new ArrayList<>();
      examples.add(var.example());
      p.put("examples", examples);
    }
    Validation validation = var.validation();
    if (validation.pattern() != null) {
      p.put("pattern", "^(?:" + validation.pattern() + ")$");
    }
    if (validation.minLength() != null) {
      p.put("minLength", validation.minLength());
    }
    if (validation.maxLength() != null) {
      p.put("maxLength", validation.maxLength());
    }
    if (var.sensitive()) {
      p.put("writeOnly", true);
    } else if (var.value() != null) {
      p.put("default", var.value());
    }
    p.put("x-kind", var.kind().name());
    p.put("x-sensitive", var.sensitive());
    p.put("x-generatable", var.generatable());
    if (var.feature() != null) {
      p.put("x-feature", var.feature());
    }
    return p;
  }
}
