package dev.deploykit.env;

/**
 * What a variable's value is, which decides the rules {@link EnvironmentVariableValidator} applies.
 */
public enum VariableKind {
  /** An {@code http} or {@code https} URL with a real host name. */
  URL,
  /** A PostgreSQL connection string: {@code postgres://} or {@code postgresql://}, a host and a database. */
  POSTGRES_URL,
  /** A MongoDB connection string: {@code mongodb://} with hosts and ports, or {@code mongodb+srv://} with one host. */
  MONGODB_URL,
  /** A Redis connection string: {@code redis://} or {@code rediss://}. */
  REDIS_URL,
  /** An API key of no particular provider: no whitespace, at least 16 characters. */
  API_KEY,
  /** An Anthropic API key ({@code sk-ant-...}). */
  ANTHROPIC_API_KEY,
  /** An OpenAI API key ({@code sk-...}, including project keys {@code sk-proj-...}). */
  OPENAI_API_KEY,
  /** A Google AI Studio (Gemini) API key ({@code AIza...}, 39 characters). */
  GOOGLE_AI_API_KEY,
  /** A Clerk publishable key ({@code pk_test_...} or {@code pk_live_...}). */
  CLERK_PUBLISHABLE_KEY,
  /** A Clerk secret key ({@code sk_test_...} or {@code sk_live_...}). */
  CLERK_SECRET_KEY,
  /** An AWS access key id ({@code AKIA...} or {@code ASIA...}, 20 characters). */
  AWS_ACCESS_KEY_ID,
  /** An AWS secret access key (40 characters of letters, digits, {@code /} and {@code +}). */
  AWS_SECRET_ACCESS_KEY,
  /** An AWS region code such as {@code us-east-1}. */
  AWS_REGION,
  /** A Supabase anon key: a JWT, or a newer {@code sb_publishable_...} key. */
  SUPABASE_ANON_KEY,
  /** A JSON Web Token: three base64url segments whose header names an {@code alg}. */
  JWT,
  /** A secret the app signs or encrypts with: at least 32 characters. */
  SECRET,
  /** Free text, checked only against the declared pattern and lengths. */
  TEXT
}
