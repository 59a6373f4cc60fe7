package dev.deploykit.core;

import dev.deploykit.core.internal.NextJsApp;
import dev.deploykit.core.spi.ScaffoldGenerator;
import dev.deploykit.env.EnvironmentVariable;
import dev.deploykit.env.EnvironmentVariableDetector;
import dev.deploykit.env.ScaffoldConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The default {@link ScaffoldGenerator}: writes a real, minimal Next.js app (App Router,
 * TypeScript) for a {@link ScaffoldConfig}.
 *
 * <p>Files: {@code package.json} (the project name made a valid npm name; scripts {@code dev},
 * {@code build}, {@code start}; {@code next}, {@code react}, {@code react-dom} and one package per
 * chosen feature), {@code next.config.mjs}, {@code tsconfig.json}, {@code app/layout.tsx}, {@code
 * app/page.tsx} (names the project and lists its features), {@code .env.example}, {@code
 * .gitignore}, {@code README.md}; with a database a client in {@code lib/} (and {@code
 * prisma/schema.prisma} reading {@code env("DATABASE_URL")} for Prisma); with NextAuth {@code
 * app/api/auth/[...nextauth]/route.ts} for the chosen OAuth providers; with Clerk {@code
 * middleware.ts}; with an AI template {@code app/api/chat/route.ts} calling the chosen provider's SDK
 * with the key read from {@code process.env}.
 *
 * <p>{@code .env.example} lists the variables {@link EnvironmentVariableDetector} finds for the
 * config, then any further variables passed in: key, description, whether it is required or secret,
 * and an example only for variables that are not sensitive. No value, sensitive or not, is ever
 * written to any file.
 *
 * <p>Deterministic (the same input gives equal files, sorted by path) and thread-safe.
 */
public final class NextJsScaffoldGenerator implements ScaffoldGenerator {
  private final EnvironmentVariableDetector detector;

  private NextJsScaffoldGenerator(EnvironmentVariableDetector detector) {
    this.detector = detector;
  }

  /** Returns a generator using the installed detection rules. */
  public static NextJsScaffoldGenerator create() {
    return new NextJsScaffoldGenerator(EnvironmentVariableDetector.create());
  }

  /**
   * {@inheritDoc}
   *
   * @throws DeploymentException with {@link ErrorCode#INVALID_CONFIG} if the config's framework is
   *     not {@code nextjs} or the project name is blank
   */
  @Override
  public List<GeneratedFile> generate(
      String projectName, ScaffoldConfig config, List<EnvironmentVariable> variables) {
    Objects.requireNonNull(projectName, "projectName");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(variables, "variables");
    if (projectName.isBlank()) {
      throw new DeploymentException(ErrorCode.INVALID_CONFIG,
          "projectName is empty: give the project a name such as my-app");
    }
    if (!ScaffoldConfig.DEFAULT_FRAMEWORK.equals(config.framework())) {
      throw new DeploymentException(ErrorCode.INVALID_CONFIG, "NextJsScaffoldGenerator writes"
          + " Next.js apps, but the framework is '" + config.framework()
          + "': use framework nextjs or a ScaffoldGenerator for that framework.");
    }
    Map<String, EnvironmentVariable> byKey = new LinkedHashMap<>();
    for (EnvironmentVariable v : detector.detect(config)) {
      byKey.put(v.key(), v.withValue(null));
    }
    for (EnvironmentVariable v : variables) {
      EnvironmentVariable known = byKey.get(v.key());
      if (known == null) {
        byKey.put(v.key(), v.withValue(null));
      } else if (v.sensitive() && !known.sensitive()) {
        byKey.put(v.key(), known.toBuilder().sensitive(true).build());
      }
    }
    return NextJsApp.files(projectName.strip(), config, new ArrayList<>(byKey.values()));
  }
}
