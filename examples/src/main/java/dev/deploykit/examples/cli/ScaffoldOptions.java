package dev.deploykit.examples.cli;

import dev.deploykit.env.InvalidScaffoldConfigException;
import dev.deploykit.env.ScaffoldConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * The options that describe a scaffold: a JSON file ({@code --config}), the feature options, or both
 * (an option then overrides the file's value; list options add to the file's lists).
 */
final class ScaffoldOptions {
  @Option(names = "--config", paramLabel = "<scaffold.json>",
      description = "Scaffold config JSON file, e.g. {\"database\":\"prisma-postgres\","
          + "\"auth\":\"nextauth\",\"aiProvider\":\"anthropic\"}. The options below override it.")
  @Nullable Path config;

  @Option(names = "--framework", paramLabel = "<name>",
      description = "Web framework (default: nextjs).")
  @Nullable String framework;

  @Option(names = "--database", paramLabel = "<name>",
      description = "Database: prisma-postgres, drizzle-postgres, mongodb, supabase or none.")
  @Nullable String database;

  @Option(names = "--auth", paramLabel = "<name>",
      description = "Authentication: nextauth, clerk, supabase or none.")
  @Nullable String auth;

  @Option(names = "--oauth-provider", paramLabel = "<name>", split = ",",
      description = "NextAuth OAuth provider (github, google, discord, gitlab); repeat or separate"
          + " with commas.")
  List<String> oauthProviders = new ArrayList<>();

  @Option(names = "--ai-template", paramLabel = "<name>",
      description = "AI feature template: chatbot, rag, agent or none (needs --ai-provider).")
  @Nullable String aiTemplate;

  @Option(names = "--ai-provider", paramLabel = "<name>",
      description = "AI provider: anthropic, openai, bedrock, gemini or none.")
  @Nullable String aiProvider;

  @Option(names = "--service", paramLabel = "<name>", split = ",",
      description = "Extra service, e.g. redis; repeat or separate with commas.")
  List<String> services = new ArrayList<>();

  /**
   * Returns the scaffold the options describe.
   *
   * @throws BadInputException if the file cannot be read or a value is unknown or does not fit
   */
  ScaffoldConfig scaffold() {
    ScaffoldConfig.Builder b = config == null
        ? ScaffoldConfig.builder() : Inputs.readScaffold(config).toBuilder();
    if (framework != null) {
      b.framework(framework);
    }
    if (database != null) {
      b.database(database);
    }
    if (auth != null) {
      b.auth(auth);
    }
    if (aiTemplate != null) {
      b.aiTemplate(aiTemplate);
    }
    if (aiProvider != null) {
      b.aiProvider(aiProvider);
    }
    oauthProviders.forEach(b::oauthProvider);
    services.forEach(b::service);
    try {
      return b.build();
    } catch (InvalidScaffoldConfigException e) {
      String option = "--" + e.field().replaceAll("([A-Z])", "-$1").toLowerCase(java.util.Locale.ROOT)
          .replace("oauth-providers", "oauth-provider").replace("services", "service");
      throw new BadInputException(e.getMessage() + " (option " + option
          + (config == null ? "" : " or \"" + e.field() + "\" in " + config) + ")", e);
    }
  }
}
