package dev.deploykit.examples.cli;

import dev.deploykit.env.EnvironmentVariable;
import java.util.Comparator;
import java.util.List;

/**
 * A last guard on printed text: replaces every sensitive value of a variable list with {@code ****}.
 * The libraries already promise never to put one in a message; this makes a broken promise visible
 * as {@code ****} rather than as a leaked secret.
 */
final class Redaction {
  private static final int MIN_LENGTH = 4;

  private final List<String> secrets;

  private Redaction(List<String> secrets) {
    this.secrets = secrets;
  }

  static Redaction of(List<EnvironmentVariable> variables) {
    return new Redaction(variables.stream()
        .filter(v -> v.sensitive() && v.value() != null && v.value().length() >= MIN_LENGTH)
        .map(EnvironmentVariable::value)
        .distinct()
        .sorted(Comparator.comparingInt(String::length).reversed())
        .toList());
  }

  Redaction with(String secret) {
    if (secret.length() < MIN_LENGTH) {
      return this;
    }
    List<String> all = new java.util.ArrayList<>(secrets);
    all.add(secret);
    all.sort(Comparator.comparingInt(String::length).reversed());
    return new Redaction(List.copyOf(all));
  }

  String apply(String text) {
    String out = text;
    for (String secret : secrets) {
      if (out.contains(secret)) {
        out = out.replace(secret, "****");
      }
    }
    return out;
  }
}
