package dev.deploykit.env;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.deploykit.env.internal.RuleCatalogue;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What a generated app is made of: its framework, database, authentication, OAuth providers, AI
 * template and provider, and extra services.
 *
 * <p>Values are the option names of the seed's JSON, lower case ({@code prisma-postgres}, {@code
 * nextauth}, ...); {@code null}, an empty string or {@code "none"} means none. A plain Jackson {@code
 * ObjectMapper} reads and writes the seed's shape, e.g. {@code
 * {"database":"prisma-postgres","auth":"nextauth","aiTemplate":"chatbot","aiProvider":"anthropic"}};
 * unknown JSON properties are ignored so a config that carries more than this is still read.
 *
 * <p>Accepted values are the built-in catalogue's plus those of installed {@link
 * dev.deploykit.env.spi.VariableRuleProvider}s.
 *
 * @param framework the web framework; default {@code nextjs}
 * @param database {@code prisma-postgres}, {@code drizzle-postgres}, {@code mongodb}, {@code supabase} or
 *     {@code null}
 * @param auth {@code nextauth}, {@code clerk}, {@code supabase} or {@code null}
 * @param oauthProviders providers signed in through NextAuth ({@code github}, {@code google}, {@code
 *     discord}, {@code gitlab}); only with {@code auth} {@code nextauth}
 * @param aiTemplate {@code chatbot}, {@code rag}, {@code agent} or {@code null}; needs an {@code
 *     aiProvider}
 * @param aiProvider {@code anthropic}, {@code openai}, {@code bedrock}, {@code gemini} or {@code null}
 * @param services extra services, e.g. {@code redis}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ScaffoldConfig(
    String framework,
    @Nullable String database,
    @Nullable String auth,
    List<String> oauthProviders,
    @Nullable String aiTemplate,
    @Nullable String aiProvider,
    List<String> services) {

  /** The framework used when none is given. */
  public static final String DEFAULT_FRAMEWORK = "nextjs";

  /**
   * Normalises the values (trimmed, lower case, {@code "none"} to {@code null}, duplicates dropped)
   * and checks each against the accepted options.
   *
   * @throws InvalidScaffoldConfigException naming the field, the value and the accepted values, if a
   *     value is unknown or options do not fit together
   */
  public ScaffoldConfig {
    RuleCatalogue catalogue = RuleCatalogue.installed();
    String fw = option(catalogue, FeatureCategory.FRAMEWORK, framework);
    framework = fw == null ? DEFAULT_FRAMEWORK : fw;
    if (!catalogue.accepts(FeatureCategory.FRAMEWORK, framework)) {
      throw InvalidScaffoldConfigException.unknownOption(
          "framework", framework, catalogue.options(FeatureCategory.FRAMEWORK));
    }
    database = option(catalogue, FeatureCategory.DATABASE, database);
    auth = option(catalogue, FeatureCategory.AUTH, auth);
    oauthProviders = options(catalogue, FeatureCategory.OAUTH_PROVIDER, oauthProviders);
    aiTemplate = option(catalogue, FeatureCategory.AI_TEMPLATE, aiTemplate);
    aiProvider = option(catalogue, FeatureCategory.AI_PROVIDER, aiProvider);
    services = options(catalogue, FeatureCategory.SERVICE, services);

    if (!oauthProviders.isEmpty() && !"nextauth".equals(auth)) {
      throw new InvalidScaffoldConfigException(
          "oauthProviders",
          String.join(",", oauthProviders),
          List.of(),
          "oauthProviders " + oauthProviders + " need auth 'nextauth', but auth is "
              + (auth == null ? "none" : "'" + auth + "'")
              + ": set auth to nextauth or remove the providers.");
    }
    if (aiTemplate != null && aiProvider == null) {
      throw new InvalidScaffoldConfigException(
          "aiProvider",
          "none",
          catalogue.options(FeatureCategory.AI_PROVIDER),
          "aiTemplate '" + aiTemplate + "' needs an aiProvider: choose one of "
              + String.join(", ", catalogue.options(FeatureCategory.AI_PROVIDER)) + ".");
    }
  }

  /** Returns a builder; every field starts empty and the framework at {@code nextjs}. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns a builder initialised from this config. */
  public Builder toBuilder() {
    Builder b = new Builder()
        .framework(framework)
        .database(database)
        .auth(auth)
        .aiTemplate(aiTemplate)
        .aiProvider(aiProvider);
    oauthProviders.forEach(b::oauthProvider);
    services.forEach(b::service);
    return b;
  }

  private static @Nullable String option(
      RuleCatalogue catalogue, FeatureCategory category, @Nullable String raw) {
    if (raw == null) {
      return null;
    }
    String value = raw.trim().toLowerCase(Locale.ROOT);
    if (value.isEmpty() || value.equals("none")) {
      return null;
    }
    if (!catalogue.accepts(category, value)) {
      throw InvalidScaffoldConfigException.unknownOption(
          category.field(), raw, catalogue.options(category));
    }
    return value;
  }

  private static List<String> options(
      RuleCatalogue catalogue, FeatureCategory category, @Nullable List<String> raw) {
    if (raw == null) {
      return List.of();
    }
    Set<String> out = new LinkedHashSet<>();
    for (String each : raw) {
      String value = option(catalogue, category, each);
      if (value != null) {
        out.add(value);
      }
    }
    return List.copyOf(out);
  }

  /** Builds a {@link ScaffoldConfig}. Not thread-safe. */
  public static final class Builder {
    private @Nullable String framework;
    private @Nullable String database;
    private @Nullable String auth;
    private final List<String> oauthProviders = new ArrayList<>();
    private @Nullable String aiTemplate;
    private @Nullable String aiProvider;
    private final List<String> services = new ArrayList<>();

    private Builder() {}

    /** Sets the framework; default {@code nextjs}. */
    public Builder framework(@Nullable String framework) {
      this.framework = framework;
      return this;
    }

    /** Sets the database; default none. */
    public Builder database(@Nullable String database) {
      this.database = database;
      return this;
    }

    /** Sets the authentication library; default none. */
    public Builder auth(@Nullable String auth) {
      this.auth = auth;
      return this;
    }

    /** Adds a NextAuth OAuth provider. */
    public Builder oauthProvider(String provider) {
      oauthProviders.add(provider);
      return this;
    }

    /** Sets the AI template; default none. */
    public Builder aiTemplate(@Nullable String aiTemplate) {
      this.aiTemplate = aiTemplate;
      return this;
    }

    /** Sets the AI provider; default none. */
    public Builder aiProvider(@Nullable String aiProvider) {
      this.aiProvider = aiProvider;
      return this;
    }

    /** Adds an extra service. */
    public Builder service(String service) {
      services.add(service);
      return this;
    }

    /**
     * Returns the config.
     *
     * @throws InvalidScaffoldConfigException if a value is unknown or options do not fit together
     */
    public ScaffoldConfig build() {
      return new ScaffoldConfig(
          framework == null ? DEFAULT_FRAMEWORK : framework,
          database, auth, oauthProviders, aiTemplate, aiProvider, services);
    }
  }
}
