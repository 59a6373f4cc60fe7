package dev.deploykit.env;

import dev.deploykit.env.internal.DotEnvParser.Entry;
import dev.deploykit.env.internal.DotEnvWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A parsed {@code .env} file: its values, and its original text so that values can be written back
 * without disturbing anything else. Created by {@link DotEnv#parse(String)} and {@link
 * DotEnv#read(java.nio.file.Path)}.
 *
 * <p>When a key is assigned more than once the last assignment wins, as in the {@code dotenv}
 * package; {@link #values()} keeps the position of the first. Immutable and thread-safe. {@link
 * #toString()} shows the keys, never the values.
 */
public final class DotEnvFile {
  private final String sourceName;
  private final String text;
  private final List<Entry> entries;
  private final Map<String, String> values;

  DotEnvFile(String sourceName, String text, List<Entry> entries) {
    this.sourceName = sourceName;
    this.text = text;
    this.entries = List.copyOf(entries);
    Map<String, String> map = new LinkedHashMap<>();
    for (Entry entry : entries) {
      map.put(entry.key(), entry.value());
    }
    this.values = Collections.unmodifiableMap(map);
  }

  /** Returns the name the file was parsed under: {@code .env} by default, or the path it was read from. */
  public String sourceName() {
    return sourceName;
  }

  /** Returns every variable in the file, in the order of first appearance; unmodifiable. */
  public Map<String, String> values() {
    return values;
  }

  /** Returns the value of {@code key}, or empty if the file does not assign it. */
  public Optional<String> get(String key) {
    return Optional.ofNullable(values.get(Objects.requireNonNull(key, "key")));
  }

  /**
   * Returns a copy of {@code vars}, in the same order, in which every variable the file assigns holds
   * the file's value (an empty value included); the others are returned unchanged.
   */
  public List<EnvironmentVariable> apply(List<EnvironmentVariable> vars) {
    Objects.requireNonNull(vars, "vars");
    List<EnvironmentVariable> out = new ArrayList<>(vars.size());
    for (EnvironmentVariable var : vars) {
      String value = values.get(var.key());
      out.add(value == null ? var : var.withValue(value));
    }
    return List.copyOf(out);
  }

  /**
   * Returns the original text with the values of the keys in {@code newValues} replaced in place,
   * and the keys the file does not assign appended at the end in {@code newValues}' iteration order.
   *
   * <p>Every other byte is kept: comments, blank lines, order, {@code export} prefixes, inline
   * comments and line endings. A replaced value keeps its quoting style when the new value allows it
   * (bare, single quotes, backticks) and is double-quoted otherwise. Every assignment of a
   * duplicated key is replaced. Appended lines use the file's first line terminator ({@code \n} if
   * it has none).
   *
   * @throws IllegalArgumentException if a key of {@code newValues} is not a valid variable name
   * @throws NullPointerException if a value is {@code null}
   */
  public String updated(Map<String, String> newValues) {
    DotEnvWriter.checkWritable(newValues);
    return DotEnvWriter.update(text, entries, newValues);
  }

  @Override
  public String toString() {
    return "DotEnvFile[source=" + sourceName + ", keys=" + values.keySet() + "]";
  }
}
