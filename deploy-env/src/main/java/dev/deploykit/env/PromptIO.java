package dev.deploykit.env;

import dev.deploykit.env.internal.ConsolePromptIO;
import dev.deploykit.env.internal.ReaderPromptIO;
import java.io.BufferedReader;
import java.io.Console;
import java.io.PrintWriter;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The terminal {@link ConsolePrompter} talks through: lines out, lines and secrets in.
 *
 * <p>Use {@link #systemConsole()} in an interactive terminal and {@link #of(BufferedReader,
 * PrintWriter)} for pipes and tests, or implement it for another front end. Implementations need not
 * be thread-safe.
 */
public interface PromptIO {

  /** Shows {@code text} as a line of its own. */
  void print(String text);

  /**
   * Shows {@code prompt} (without a line break) and returns the line the user enters, without its
   * line terminator.
   *
   * @return the line, or {@code null} if the input has ended
   */
  @Nullable String readLine(String prompt);

  /**
   * Shows {@code prompt} and returns the line the user enters, without echoing it where the
   * terminal allows.
   *
   * @return the line, or {@code null} if the input has ended
   */
  @Nullable String readSecret(String prompt);

  /**
   * Returns a {@code PromptIO} over the process's {@link Console}; secrets are read with {@link
   * Console#readPassword(String, Object...)}, so they are not echoed.
   *
   * @throws IllegalStateException if the process has no console (its input or output is redirected)
   */
  static PromptIO systemConsole() {
    Console console = System.console();
    if (console == null) {
      throw new IllegalStateException(
          "No interactive console: run in a terminal, or use PromptIO.of(reader, writer) to prompt"
              + " over other streams");
    }
    return new ConsolePromptIO(console);
  }

  /**
   * Returns a {@code PromptIO} that reads lines from {@code in} and writes to {@code out}, flushing
   * after each prompt and line. {@link #readSecret(String)} reads a plain line: such streams cannot
   * turn echo off, but this {@code PromptIO} never writes what it reads. An {@link
   * java.io.IOException} while reading is rethrown as {@link java.io.UncheckedIOException}.
   */
  static PromptIO of(BufferedReader in, PrintWriter out) {
    return new ReaderPromptIO(
        Objects.requireNonNull(in, "in"), Objects.requireNonNull(out, "out"));
  }
}
