package dev.deploykit.env.internal;

import dev.deploykit.env.PromptIO;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import org.jspecify.annotations.Nullable;

/** A {@link PromptIO} over a reader and a writer. Not API; see {@link PromptIO#of}. */
public final class ReaderPromptIO implements PromptIO {
  private final BufferedReader in;
  private final PrintWriter out;

  public ReaderPromptIO(BufferedReader in, PrintWriter out) {
    this.in = in;
    this.out = out;
  }

  @Override
  public void print(String text) {
    out.println(text);
    out.flush();
  }

  @Override
  public @Nullable String readLine(String prompt) {
    out.print(prompt);
    out.flush();
    try {
      return in.readLine();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the answer to a prompt: " + e.getMessage(), e);
    }
  }

  @Override
  public @Nullable String readSecret(String prompt) {
    return readLine(prompt);
  }
}
