package dev.deploykit.core.spi;

import dev.deploykit.core.GeneratedFile;
import dev.deploykit.env.EnvironmentVariable;
import dev.deploykit.env.ScaffoldConfig;
import java.util.List;

/**
 * Writes a project's files for a scaffold configuration. The default writes a minimal Next.js app.
 * Must be thread-safe; must not write a sensitive value into any file.
 */
@FunctionalInterface
public interface ScaffoldGenerator {

  /**
   * Returns the project's files.
   *
   * @param projectName the project's name
   * @param config what the app is made of
   * @param variables the variables the app reads (their values must not be written)
   */
  List<GeneratedFile> generate(
      String projectName, ScaffoldConfig config, List<EnvironmentVariable> variables);
}
