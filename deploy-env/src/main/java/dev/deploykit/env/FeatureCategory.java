package dev.deploykit.env;

/**
 * The part of a {@link ScaffoldConfig} a detection rule answers to.
 *
 * <p>Detected variables come out in the order of these constants, then in the order of the rules
 * within a category.
 */
public enum FeatureCategory {
  /** The web framework ({@code nextjs}). */
  FRAMEWORK("framework"),
  /** The database ({@code prisma-postgres}, {@code drizzle-postgres}, {@code mongodb}, {@code supabase}). */
  DATABASE("database"),
  /** The authentication library ({@code nextauth}, {@code clerk}, {@code supabase}). */
  AUTH("auth"),
  /** An OAuth provider signed in through NextAuth ({@code github}, {@code google}, {@code discord}, ...). */
  OAUTH_PROVIDER("oauthProviders"),
  /** The AI feature template ({@code chatbot}, ...). */
  AI_TEMPLATE("aiTemplate"),
  /** The AI model provider ({@code anthropic}, {@code openai}, {@code bedrock}, {@code gemini}). */
  AI_PROVIDER("aiProvider"),
  /** An extra service ({@code redis}). */
  SERVICE("services"),
  /** Variables every app gets, whatever its configuration; the option of such a rule is {@code app}. */
  ALWAYS("always");

  private final String field;

  FeatureCategory(String field) {
    this.field = field;
  }

  /** Returns the {@link ScaffoldConfig} field (as named in its JSON form) this category reads. */
  public String field() {
    return field;
  }
}
