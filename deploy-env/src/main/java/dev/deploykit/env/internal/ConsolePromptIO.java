package dev.deploykit.env.internal;

import dev.deploykit.env.PromptIO;
import java.io.Console;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/** A {@link PromptIO} over {@link Console}. Not API; see {@link PromptIO#systemConsole()}. */
public final class ConsolePromptIO implements PromptIO {
  private final Console console;

  public ConsolePromptIO(Console console) {
    this.console = console;
  }

  @Override
  public void print(String text) {
    console.writer().println(text);
    console.flush();
  }

  @Override
  public @Nullable String readLine(String prompt) {
    return console.readLine("%s", prompt);
  }

  @Override
  public @Nullable String readSecret(String prompt) {
    char[] chars = console.readPassword("%s", prompt);
    if (chars == null) {
      return null;
    }
    try {
      return new String(chars);
    } finally {
      Arrays.fill(chars, '\0');
    }
  }
}
