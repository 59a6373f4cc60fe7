package dev.deploykit.examples.cli;

import dev.deploykit.core.FallbackOption;
import java.nio.file.Path;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;

/**
 * What {@code --fallback} asks for when the deployment fails: a ZIP archive (at {@code zipFile}, or
 * {@code <name>.zip} in the working folder) or a GitHub repository.
 *
 * @param option the fallback
 * @param zipFile where to write the archive, for {@link FallbackOption#ZIP}; {@code null} for the
 *     default
 */
record FallbackChoice(FallbackOption option, @Nullable Path zipFile) {

  /** Reads {@code zip=<file.zip>}, {@code zip} or {@code github}. */
  static final class Converter implements CommandLine.ITypeConverter<FallbackChoice> {
    @Override
    public FallbackChoice convert(String value) {
      String v = value.trim();
      String lower = v.toLowerCase(Locale.ROOT);
      if (lower.equals("github") || lower.equals("github-repo")) {
        return new FallbackChoice(FallbackOption.GITHUB_REPO, null);
      }
      if (lower.equals("zip")) {
        return new FallbackChoice(FallbackOption.ZIP, null);
      }
      if (lower.startsWith("zip=") && v.length() > 4) {
        try {
          return new FallbackChoice(FallbackOption.ZIP, Path.of(v.substring(4)));
        } catch (java.nio.file.InvalidPathException e) {
          throw new CommandLine.TypeConversionException(
              "'" + v.substring(4) + "' is not a valid file path for the ZIP archive");
        }
      }
      throw new CommandLine.TypeConversionException("'" + value + "' is not a fallback: use"
          + " zip=<file.zip>, zip (writes <name>.zip) or github");
    }
  }
}
