package dev.deploykit.env;

import static dev.deploykit.env.ValidatorFixtures.ALNUM;
import static dev.deploykit.env.ValidatorFixtures.B64URL;
import static dev.deploykit.env.ValidatorFixtures.b64url;
import static dev.deploykit.env.ValidatorFixtures.random;
import static dev.deploykit.env.ValidatorFixtures.var;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import dev.deploykit.env.internal.RuleCatalogue;
import dev.deploykit.env.spi.FeatureRule;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class EnvironmentVariableValidatorTest {
  private final EnvironmentVariableValidator validator = EnvironmentVariableValidator.create();

  private void assertValid(EnvironmentVariable v, String value) {
    ValidationResult r = validator.validate(v, value);
    assertThat(r.isValid()).as("%s = %s: %s", v.key(), value, r).isTrue();
    assertThat(r.error()).isEmpty();
  }

  private String assertInvalid(EnvironmentVariable v, String value, String... fragments) {
    ValidationResult r = validator.validate(v, value);
    assertThat(r.isValid()).as("%s = %s should be invalid", v.key(), value).isFalse();
    String message = r.error().orElseThrow();
    assertThat(message).startsWith(v.key() + " ");
    for (String f : fragments) {
      assertThat(message).contains(f);
    }
    return message;
  }

  // ---- required / optional / blank ----

  @ParameterizedTest
  @NullSource
  @ValueSource(strings = {"", "   ", "\t\n", "\u00a0"})
  void validate_whenRequiredAndUnsetOrBlank_expectedRequiredWithShape(String value) {
    EnvironmentVariable v = EnvironmentVariable.builder("DATABASE_URL").kind(VariableKind.POSTGRES_URL)
        .required(true).sensitive(true).description("PostgreSQL connection string.").build();

    assertInvalid(v, value, "DATABASE_URL is required", "PostgreSQL connection string.",
        "postgresql://user:password@host:5432/database");
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(strings = {"", "   ", "\t\n"})
  void validate_whenOptionalAndUnsetOrBlank_expectedValid(String value) {
    EnvironmentVariable v = EnvironmentVariable.builder("NEXTAUTH_URL").kind(VariableKind.URL)
        .validation(Validation.pattern("https://.*")).build();

    assertValid(v, value);
  }

  @Test
  void validate_whenTextRequiredWithExample_expectedRequiredShowsExample() {
    EnvironmentVariable v = EnvironmentVariable.builder("DISCORD_CLIENT_ID").required(true)
        .example("123456789012345678").build();

    assertInvalid(v, null, "DISCORD_CLIENT_ID is required", "like 123456789012345678");
  }

  @Test
  void validate_whenNoValueArgument_expectedUsesVariableValue() {
    EnvironmentVariable v = var("AWS_REGION", VariableKind.AWS_REGION);

    assertThat(validator.validate(v.withValue("eu-central-1")).isValid()).isTrue();
    assertThat(validator.validate(v.withValue("Frankfurt")).isValid()).isFalse();
    assertThat(validator.validate(v.withValue("Frankfurt"), "eu-central-1").isValid()).isTrue();
  }

  @Test
  void validate_whenVarNull_expectedNullPointerException() {
    assertThatNullPointerException().isThrownBy(() -> validator.validate(null, "x"))
        .withMessage("var");
  }

  @Test
  void validate_whenLongerThanCeiling_expectedTooLongAtOnce() {
    EnvironmentVariable v = var("NOTES", VariableKind.TEXT);

    assertValid(v, "a".repeat(65_536));
    String m = assertInvalid(v, "a".repeat(65_537), "NOTES is longer than 65536 characters");
    assertThat(m).doesNotContain("aaaa");
  }

  // ---- URL ----

  @ParameterizedTest
  @ValueSource(strings = {
      "https://my-app.example.com",
      "https://abcdefghijklmnopqrst.supabase.co",
      "https://my-app-git-main-team.vercel.app/",
      "http://localhost:3000",
      "https://example.com:8443/path/to?x=1&y=2#top",
      "http://127.0.0.1:8080",
      "https://[::1]:3000/",
      "https://[2001:db8::1]",
      "HTTPS://Example.COM",
      "https://m\u00fcnchen.de",
      "https://example.com.",
      "https://user:pw@example.com/"})
  void validate_whenUrlWellFormed_expectedValid(String value) {
    assertValid(var("NEXT_PUBLIC_APP_URL", VariableKind.URL), value);
  }

  static Stream<Arguments> badUrls() {
    return Stream.of(
        Arguments.of("ftp://example.com", "must start with https:// or http://"),
        Arguments.of("my-app.example.com", "must start with https:// or http://"),
        Arguments.of("https//my-app.example.com", "must start with https:// or http://"),
        Arguments.of("https://", "must have a host name"),
        Arguments.of("https:///path", "must have a host name"),
        Arguments.of("https://my app.example.com", "must not contain spaces"),
        Arguments.of("https://my-app.example.com\n", "must not contain spaces"),
        Arguments.of("https://my-app.example.com:0", "port that is a number from 1 to 65535"),
        Arguments.of("https://my-app.example.com:65536", "port that is a number from 1 to 65535"),
        Arguments.of("https://my-app.example.com:", "port that is a number from 1 to 65535"),
        Arguments.of("https://my-app.example.com:http", "port that is a number from 1 to 65535"),
        Arguments.of("https://example..com", "empty parts"),
        Arguments.of("https://.example.com", "empty parts"),
        Arguments.of("https://-example.com", "do not start or end with '-'"),
        Arguments.of("https://exa_mple.com", "letters, digits, '-' and '.' only"),
        Arguments.of("https://exa!mple.com", "letters, digits, '-' and '.' only"),
        Arguments.of("https://myserver", "full host name with a domain"),
        Arguments.of("https://999.1.1.1", "valid IPv4 address"),
        Arguments.of("https://example.123", "last part is not a number"),
        Arguments.of("https://[::1", "close its IPv6 address"),
        Arguments.of("https://[xyz]:80", "valid IPv6 address"),
        Arguments.of("https://a:b:c", "single ':'"),
        Arguments.of("\"https://my-app.example.com\"", "must not be wrapped in quotes"));
  }

  @ParameterizedTest
  @MethodSource("badUrls")
  void validate_whenUrlMalformed_expectedMessageWithShape(String value, String fragment) {
    assertInvalid(var("NEXT_PUBLIC_APP_URL", VariableKind.URL), value, fragment,
        "like https://my-app.example.com");
  }

  @Test
  void validate_whenNonSensitiveUrlInvalid_expectedQuotesShortValue() {
    EnvironmentVariable v = var("NEXT_PUBLIC_APP_URL", VariableKind.URL);

    assertInvalid(v, "htp://my-app", "(got \"htp://my-app\")");
    String m = assertInvalid(v, "htp://" + "a".repeat(200));
    assertThat(m).contains("(got \"htp://aaaa").contains("\u2026\")").doesNotContain("a".repeat(61));
    assertThat(assertInvalid(v, "htp://u\u0000x")).contains("htp://u?x");
  }

  // ---- POSTGRES_URL ----

  @ParameterizedTest
  @ValueSource(strings = {
      "postgresql://alex:AbC123dEfGh@ep-cool-darkness-123456.us-east-2.aws.neon.tech/neondb?sslmode=require",
      "postgresql://postgres:s3cr3tpw@db.abcdefghijklmnopqrst.supabase.co:5432/postgres",
      "postgresql://postgres.abcdefghijklmnopqrst:s3cr3tpw@aws-0-eu-central-1.pooler.supabase.com:6543/postgres?pgbouncer=true",
      "postgresql://postgres.abcdefghijklmnopqrst:s3cr3tpw@aws-0-eu-central-1.pooler.supabase.com:5432/postgres",
      "postgresql://postgres:s3cr3tpw@containers-us-west-1.railway.app:7432/railway",
      "postgres://admin:p%40ss%23word%2F1@mydb.c9akciq32xyz.us-east-1.rds.amazonaws.com:5432/app",
      "postgres://postgres:postgres@localhost:5432/app",
      "postgres://app:secret@my_db:5432/app",
      "postgresql://u:p@[2001:db8::1]:5432/db",
      "postgresql://localhost/mydb",
      "postgresql://u@host/db?sslmode=verify-full&connect_timeout=10"})
  void validate_whenPostgresUrlWellFormed_expectedValid(String value) {
    assertValid(var("DATABASE_URL", VariableKind.POSTGRES_URL), value);
  }

  static Stream<Arguments> badPostgresUrls() {
    return Stream.of(
        Arguments.of("mysql://u:p@host:3306/db", "must start with postgres:// or postgresql://"),
        Arguments.of("POSTGRESQL://u:p@host/db", "must start with postgres:// or postgresql://"),
        Arguments.of("postgresql://u:p@host:5432", "must name a database after the host"),
        Arguments.of("postgresql://u:p@host:5432/", "must name a database after the host"),
        Arguments.of("postgresql://u:p@host:5432/?sslmode=require", "must name a database"),
        Arguments.of("postgresql://u:p@:5432/db", "must have a host name"),
        Arguments.of("postgresql://u:p@host:99999/db", "port that is a number from 1 to 65535"),
        Arguments.of("postgresql://u:pa#ss@host/db", "percent-encode special characters"),
        Arguments.of("postgresql://u:pa/ss@host/db", "# as %23"),
        Arguments.of("postgresql://u:100%@host/db", "must percent-encode the user name and password"),
        Arguments.of("postgresql://u:p@host/my db", "must not contain spaces"));
  }

  @ParameterizedTest
  @MethodSource("badPostgresUrls")
  void validate_whenPostgresUrlMalformed_expectedMessageWithShape(String value, String fragment) {
    String m = assertInvalid(var("DATABASE_URL", VariableKind.POSTGRES_URL), value, fragment,
        "like postgresql://user:password@host:5432/database");
    assertThat(m).doesNotContain("got \"");
  }

  @Test
  void validate_whenSupabasePoolerWithoutPgbouncerForPrisma_expectedAppendParameter() {
    EnvironmentVariable prisma = var("DATABASE_URL", VariableKind.POSTGRES_URL).toBuilder()
        .feature("prisma-postgres").build();
    String pooler = "postgresql://postgres.abcdefghijklmnopqrst:s3cr3tpw"
        + "@aws-0-eu-central-1.pooler.supabase.com:6543/postgres";

    assertInvalid(prisma, pooler, "DATABASE_URL uses port 6543", "append ?pgbouncer=true",
        "like postgresql://user:password@host:6543/postgres?pgbouncer=true");
    assertInvalid(prisma, pooler + "?sslmode=require", "append &pgbouncer=true");
    assertInvalid(prisma, pooler + "?pgbouncer=false", "append &pgbouncer=true");
    assertInvalid(var("DATABASE_URL", VariableKind.POSTGRES_URL), pooler, "pgbouncer=true");
    assertValid(prisma, pooler + "?sslmode=require&pgbouncer=true");
  }

  @Test
  void validate_whenSupabasePoolerWithoutPgbouncerForDrizzle_expectedValid() {
    EnvironmentVariable drizzle = var("DATABASE_URL", VariableKind.POSTGRES_URL).toBuilder()
        .feature("drizzle-postgres").build();

    assertValid(drizzle, "postgresql://postgres.abcdefghijklmnopqrst:s3cr3tpw"
        + "@aws-0-eu-central-1.pooler.supabase.com:6543/postgres");
  }

  // ---- MONGODB_URL ----

  @ParameterizedTest
  @ValueSource(strings = {
      "mongodb+srv://user:s3cr3tpw@cluster0.ab1cd.mongodb.net/db?retryWrites=true&w=majority",
      "mongodb+srv://cluster0.ab1cd.mongodb.net",
      "mongodb+srv://user:p%40ss@cluster0.ab1cd.mongodb.net/?appName=Cluster0",
      "mongodb://h1:27017,h2:27017,h3:27017/db?replicaSet=rs0",
      "mongodb://localhost:27017",
      "mongodb://localhost",
      "mongodb://admin:s3cr3t@db1.example.com:27017,db2.example.com/admin?authSource=admin",
      "mongodb://127.0.0.1:27017/?directConnection=true",
      "mongodb://mongo:27017/app"})
  void validate_whenMongoUrlWellFormed_expectedValid(String value) {
    assertValid(var("MONGODB_URI", VariableKind.MONGODB_URL), value);
  }

  static Stream<Arguments> badMongoUrls() {
    return Stream.of(
        Arguments.of("mongodb+srv://user:pw@cluster0.ab1cd.mongodb.net:27017/db", "takes no port"),
        Arguments.of("mongodb+srv://h1.example.com,h2.example.com/db", "exactly one host name"),
        Arguments.of("mongodb+srv://user:pw@/db", "must have a host name"),
        Arguments.of("mongodb://h1:27017,,h2:27017/db", "no empty entry"),
        Arguments.of("mongodb://h1:27017,h2:27017,/db", "no empty entry"),
        Arguments.of("mongodb://h1:0/db", "port that is a number from 1 to 65535"),
        Arguments.of("mongodb://h1:27017,h2:70000/db", "port that is a number from 1 to 65535"),
        Arguments.of("mongodb://", "must have a host name"),
        Arguments.of("mongo://localhost/db", "must start with mongodb:// or mongodb+srv://"),
        Arguments.of("postgresql://u:p@host/db", "must start with mongodb:// or mongodb+srv://"),
        Arguments.of("mongodb+srv://user:p@ss@word@cluster0.ab1cd.mongodb.net:1/db", "takes no port"));
  }

  @ParameterizedTest
  @MethodSource("badMongoUrls")
  void validate_whenMongoUrlMalformed_expectedMessageWithShape(String value, String fragment) {
    assertInvalid(var("MONGODB_URI", VariableKind.MONGODB_URL), value, fragment,
        "mongodb+srv://user:password@cluster0.abcde.mongodb.net/database",
        "mongodb://user:password@host1:27017,host2:27017/database");
  }

  // ---- REDIS_URL ----

  @ParameterizedTest
  @ValueSource(strings = {
      "rediss://default:AbC123xyz@eu1-x.upstash.io:6379",
      "redis://localhost:6379",
      "redis://localhost:6379/0",
      "redis://:s3cr3t@redis-12345.c1.us-east-1-2.ec2.cloud.redislabs.com:12345/15",
      "redis://redis",
      "rediss://default:pw@host:6379/"})
  void validate_whenRedisUrlWellFormed_expectedValid(String value) {
    assertValid(var("REDIS_URL", VariableKind.REDIS_URL), value);
  }

  static Stream<Arguments> badRedisUrls() {
    return Stream.of(
        Arguments.of("http://localhost:6379", "must start with redis:// or rediss://"),
        Arguments.of("localhost:6379", "must start with redis:// or rediss://"),
        Arguments.of("redis://localhost:6379/cache", "database number"),
        Arguments.of("redis://:6379", "must have a host name"),
        Arguments.of("redis://host:port", "port that is a number from 1 to 65535"),
        Arguments.of("rediss://default:pw@host :6379", "must not contain spaces"));
  }

  @ParameterizedTest
  @MethodSource("badRedisUrls")
  void validate_whenRedisUrlMalformed_expectedMessageWithShape(String value, String fragment) {
    assertInvalid(var("REDIS_URL", VariableKind.REDIS_URL), value, fragment,
        "like rediss://default:password@host:6379");
  }

  // ---- API_KEY ----

  @ParameterizedTest
  @ValueSource(strings = {"re_123456789_abcdefghijklmn", "0123456789abcdef", "pat-na1-4f8c-aa1b-9d2e"})
  void validate_whenApiKeyWellFormed_expectedValid(String value) {
    assertValid(var("RESEND_API_KEY", VariableKind.API_KEY), value);
  }

  @Test
  void validate_whenApiKeyShortOrSpaced_expectedMessage() {
    EnvironmentVariable v = var("RESEND_API_KEY", VariableKind.API_KEY);

    assertInvalid(v, "0123456789abcde", "at least 16 characters", "one word of at least 16");
    assertInvalid(v, "0123456789 abcdef", "must not contain spaces");
    assertInvalid(v, "0123456789abcdef\n", "must not contain spaces");
  }

  // ---- ANTHROPIC_API_KEY ----

  @Test
  void validate_whenAnthropicKeyRealShape_expectedValid() {
    EnvironmentVariable v = var("ANTHROPIC_API_KEY", VariableKind.ANTHROPIC_API_KEY);

    assertValid(v, ValidatorFixtures.anthropicKey(1));
    assertValid(v, "sk-ant-admin01-" + random(B64URL, 90, 2));
    assertValid(v, "sk-ant-" + random(B64URL, 33, 3));
  }

  @Test
  void validate_whenAnthropicKeyMalformed_expectedMessageWithShape() {
    EnvironmentVariable v = var("ANTHROPIC_API_KEY", VariableKind.ANTHROPIC_API_KEY);
    String shape = "sk-ant-api03-AbC...xyz";

    assertInvalid(v, ValidatorFixtures.openAiProjectKey(1), "looks like an OpenAI key", shape);
    assertInvalid(v, "ant-api03-" + random(B64URL, 90, 1), "must start with sk-ant-", shape);
    assertInvalid(v, "sk-ant-api03-abc", "at least 40 characters", shape);
    assertInvalid(v, "sk-ant-api03-" + random(B64URL, 40, 1) + "+/", "only letters, digits", shape);
    assertInvalid(v, ValidatorFixtures.anthropicKey(1) + " ", "must not contain spaces");
    assertInvalid(v, "'" + ValidatorFixtures.anthropicKey(1) + "'", "wrapped in quotes");
  }

  // ---- OPENAI_API_KEY ----

  @Test
  void validate_whenOpenAiKeyRealShapes_expectedValid() {
    EnvironmentVariable v = var("OPENAI_API_KEY", VariableKind.OPENAI_API_KEY);

    assertValid(v, ValidatorFixtures.openAiLegacyKey(1));
    assertValid(v, ValidatorFixtures.openAiProjectKey(2));
    assertValid(v, "sk-svcacct-" + random(B64URL, 150, 3));
    assertValid(v, "sk-admin-" + random(B64URL, 150, 4));
  }

  @Test
  void validate_whenOpenAiKeyMalformed_expectedMessageWithShape() {
    EnvironmentVariable v = var("OPENAI_API_KEY", VariableKind.OPENAI_API_KEY);
    String shape = "sk-proj-AbC...xyz";

    assertInvalid(v, ValidatorFixtures.anthropicKey(1), "looks like an Anthropic key", shape);
    assertInvalid(v, "sk-abc123", "at least 40 characters", shape);
    assertInvalid(v, "pk-" + random(ALNUM, 48, 1), "must start with sk-", shape);
    assertInvalid(v, "sk_live_" + random(ALNUM, 48, 1), "another service", shape);
    assertInvalid(v, "sk-proj-" + random(ALNUM, 48, 1) + ".x", "only letters, digits", shape);
  }

  // ---- GOOGLE_AI_API_KEY ----

  @Test
  void validate_whenGoogleKeyRealShape_expectedValid() {
    EnvironmentVariable v = var("GOOGLE_AI_API_KEY", VariableKind.GOOGLE_AI_API_KEY);

    assertValid(v, ValidatorFixtures.googleKey(1));
    assertValid(v, "AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY");
  }

  @Test
  void validate_whenGoogleKeyMalformed_expectedMessageWithShape() {
    EnvironmentVariable v = var("GOOGLE_AI_API_KEY", VariableKind.GOOGLE_AI_API_KEY);
    String key = ValidatorFixtures.googleKey(1);
    String shape = "AIza then 35 letters";

    assertInvalid(v, key.substring(0, 38), "exactly 39 characters", shape);
    assertInvalid(v, key + "A", "exactly 39 characters", shape);
    assertInvalid(v, "AIzb" + key.substring(4), "must start with AIza", shape);
    assertInvalid(v, key.substring(0, 38) + "+", "only letters, digits", shape);
  }

  // ---- Clerk ----

  @Test
  void validate_whenClerkKeysRealShape_expectedValid() {
    EnvironmentVariable pk = var("NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY", VariableKind.CLERK_PUBLISHABLE_KEY);
    EnvironmentVariable sk = var("CLERK_SECRET_KEY", VariableKind.CLERK_SECRET_KEY);

    assertValid(pk, ValidatorFixtures.clerkPublishable("test"));
    assertValid(pk, ValidatorFixtures.clerkPublishable("live"));
    assertValid(pk, "pk_test_Y2xlcmsuZXhhbXBsZS5hY2NvdW50cy5kZXYk");
    assertValid(sk, ValidatorFixtures.clerkSecret("test", 1));
    assertValid(sk, ValidatorFixtures.clerkSecret("live", 2));
  }

  @Test
  void validate_whenClerkPublishableKeyMalformed_expectedMessageWithShape() {
    EnvironmentVariable pk = var("NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY", VariableKind.CLERK_PUBLISHABLE_KEY);
    String shape = "pk_test_ or pk_live_ then at least 10";

    assertInvalid(pk, "pk_prod_Y2xlcmsuZXhhbXBsZS5jb20k", "must start with pk_test_ or pk_live_", shape);
    assertInvalid(pk, "pk_test_abc", "at least 10 characters after", shape);
    assertInvalid(pk, "pk_test_abc!defghijkl", "only letters, digits", shape);
    String secret = ValidatorFixtures.clerkSecret("live", 3);
    String m = assertInvalid(pk, secret, "holds a Clerk secret key", "never reach browsers");
    assertThat(m).doesNotContain(secret.substring(8));
  }

  @Test
  void validate_whenClerkSecretKeyMalformed_expectedMessageWithShape() {
    EnvironmentVariable sk = var("CLERK_SECRET_KEY", VariableKind.CLERK_SECRET_KEY);
    String shape = "sk_test_ or sk_live_ then at least 20 letters and digits";

    assertInvalid(sk, "sk_test_abc123", "at least 20 characters", shape);
    assertInvalid(sk, "sk_prod_" + random(ALNUM, 40, 1), "must start with sk_test_ or sk_live_", shape);
    assertInvalid(sk, "sk_test_" + random(ALNUM, 30, 1) + "-x", "only letters and digits", shape);
    assertInvalid(sk, ValidatorFixtures.clerkPublishable("test"), "holds a Clerk publishable key", shape);
  }

  // ---- AWS ----

  @ParameterizedTest
  @ValueSource(strings = {"AKIAIOSFODNN7EXAMPLE", "ASIAY34FZKBOKMUTVV7A", "AKIA2E0A8F3B244C9986"})
  void validate_whenAwsAccessKeyIdRealShape_expectedValid(String value) {
    assertValid(var("AWS_ACCESS_KEY_ID", VariableKind.AWS_ACCESS_KEY_ID), value);
  }

  static Stream<Arguments> badAwsAccessKeyIds() {
    return Stream.of(
        Arguments.of("AKIAIOSFODNN7EXAMPL", "exactly 20 characters"),
        Arguments.of("AKIAIOSFODNN7EXAMPLE1", "exactly 20 characters"),
        Arguments.of("AKIAiosfodnn7example", "only capital letters and digits"),
        Arguments.of("AIDAIOSFODNN7EXAMPLE", "must start with AKIA"),
        Arguments.of("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "looks like a secret access key"));
  }

  @ParameterizedTest
  @MethodSource("badAwsAccessKeyIds")
  void validate_whenAwsAccessKeyIdMalformed_expectedMessageWithShape(String value, String fragment) {
    assertInvalid(var("AWS_ACCESS_KEY_ID", VariableKind.AWS_ACCESS_KEY_ID), value, fragment,
        "like AKIAIOSFODNN7EXAMPLE");
  }

  @Test
  void validate_whenAwsSecretAccessKey_expectedFortyCharsOfItsAlphabet() {
    EnvironmentVariable v = var("AWS_SECRET_ACCESS_KEY", VariableKind.AWS_SECRET_ACCESS_KEY);
    String shape = "40 letters, digits, '/' and '+'";

    assertValid(v, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
    assertValid(v, random(ALNUM + "/+", 40, 7));
    assertInvalid(v, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKE", "exactly 40 characters", shape);
    assertInvalid(v, "wJalrXUtnFEMI-K7MDENG/bPxRfiCYEXAMPLEKEY", "only letters, digits, '/' and '+'");
    assertInvalid(v, "AKIAIOSFODNN7EXAMPLE", "looks like an access key id", shape);
  }

  @ParameterizedTest
  @ValueSource(strings = {"us-east-1", "eu-central-1", "ap-southeast-2", "us-gov-west-1", "cn-north-1",
      "il-central-1", "ap-northeast-3", "ca-west-1", "us-isob-east-1"})
  void validate_whenAwsRegionReal_expectedValid(String value) {
    assertValid(var("AWS_REGION", VariableKind.AWS_REGION), value);
  }

  static Stream<Arguments> badAwsRegions() {
    return Stream.of(
        Arguments.of("US-EAST-1", "must be lower case"),
        Arguments.of("us-east-1a", "availability zone"),
        Arguments.of("us-east", "ending in a number"),
        Arguments.of("useast1", "ending in a number"),
        Arguments.of("us--east-1", "ending in a number"),
        Arguments.of("us-east-1-", "ending in a number"),
        Arguments.of("-us-east-1", "ending in a number"),
        Arguments.of("us-east-123", "ending in a number"),
        Arguments.of("Frankfurt", "must be lower case"));
  }

  @ParameterizedTest
  @MethodSource("badAwsRegions")
  void validate_whenAwsRegionMalformed_expectedMessageWithShape(String value, String fragment) {
    assertInvalid(var("AWS_REGION", VariableKind.AWS_REGION), value, fragment,
        "like us-east-1", "(got \"" + value + "\")");
  }

  // ---- JWT and SUPABASE_ANON_KEY ----

  @Test
  void validate_whenJwtRealShape_expectedValid() {
    EnvironmentVariable v = var("SERVICE_TOKEN", VariableKind.JWT);

    assertValid(v, ValidatorFixtures.supabaseJwt("anon"));
    assertValid(v, b64url("{\"alg\":\"RS256\",\"kid\":\"k1\"}") + "=." + b64url("{\"sub\":\"1\"}") + ".sig");
  }

  static Stream<Arguments> badJwts() {
    String header = b64url("{\"alg\":\"HS256\",\"typ\":\"JWT\"}");
    String payload = b64url("{\"sub\":\"123\"}");
    return Stream.of(
        Arguments.of(header + "." + payload, "three base64url parts"),
        Arguments.of(header + "." + payload + ".sig.more", "three base64url parts"),
        Arguments.of(header + "." + payload + ".", "three non-empty parts"),
        Arguments.of(header + ".." + "sig", "three non-empty parts"),
        Arguments.of(header + "." + payload + ".si+g/", "three non-empty parts"),
        Arguments.of("abcd." + payload + ".sig", "decodes to a JSON header"),
        Arguments.of(b64url("[1,2]") + "." + payload + ".sig", "decodes to a JSON header"),
        Arguments.of(b64url("{\"typ\":\"JWT\"}") + "." + payload + ".sig", "\"alg\""),
        Arguments.of(b64url("{\"alg\":7}") + "." + payload + ".sig", "\"alg\""),
        Arguments.of("a" + "." + payload + ".sig", "three non-empty parts"),
        Arguments.of(b64url("{\"alg\":\"HS256\",\"x\":\"" + "a".repeat(9000) + "\"}") + "." + payload
            + ".sig", "at most 8192 characters"));
  }

  @ParameterizedTest
  @MethodSource("badJwts")
  void validate_whenJwtMalformed_expectedMessageWithShape(String value, String fragment) {
    assertInvalid(var("SERVICE_TOKEN", VariableKind.JWT), value, fragment,
        "like eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoiYW5vbiJ9.c2lnbmF0dXJl");
  }

  @Test
  void validate_whenSupabaseAnonKeyJwtOrPublishable_expectedValid() {
    EnvironmentVariable v = var("NEXT_PUBLIC_SUPABASE_ANON_KEY", VariableKind.SUPABASE_ANON_KEY);

    assertValid(v, ValidatorFixtures.supabaseJwt("anon"));
    assertValid(v, "sb_publishable_AbCdEfGhIjKlMnOpQrStUv_1a2b3c4d");
  }

  @Test
  void validate_whenSupabaseAnonKeyIsSecretKey_expectedRejectedWithoutEcho() {
    EnvironmentVariable v = var("NEXT_PUBLIC_SUPABASE_ANON_KEY", VariableKind.SUPABASE_ANON_KEY);
    String serviceRole = ValidatorFixtures.supabaseJwt("service_role");

    String m = assertInvalid(v, serviceRole, "service_role", "use the anon key");
    assertThat(m).doesNotContain(serviceRole.substring(serviceRole.lastIndexOf('.') + 1));
    assertInvalid(v, "sb_secret_AbCdEfGhIjKlMnOpQrStUv_1a2b3c4d", "Supabase secret key",
        "sb_publishable_AbC...xyz");
    assertInvalid(v, "sb_publishable_abc", "at least 10 characters after sb_publishable_");
    assertInvalid(v, "eyJhbGciOiJIUzI1NiJ9.garbage", "anon key (a JWT starting with eyJ)");
  }

  // ---- SECRET ----

  @Test
  void validate_whenSecret_expectedThirtyTwoCharsWithoutSurroundingSpace() {
    EnvironmentVariable v = var("NEXTAUTH_SECRET", VariableKind.SECRET);
    String secret = ValidatorFixtures.secret(1);

    assertValid(v, secret);
    assertValid(v, "correct horse battery staple and more words");
    assertInvalid(v, secret.substring(0, 31), "at least 32 characters", "openssl rand -base64 32");
    assertInvalid(v, " " + secret, "must not start or end with spaces");
    assertInvalid(v, secret + "\n", "must not start or end with spaces");
  }

  @Test
  void validate_whenSecretWithDeclaredMinLengthBelowKindMinimum_expectedSingleMessage() {
    EnvironmentVariable v = var("NEXTAUTH_SECRET", VariableKind.SECRET).toBuilder()
        .validation(Validation.length(32, null)).build();

    String m = assertInvalid(v, "short");
    assertThat(m).doesNotContain("; ");
  }

  // ---- TEXT and declared validation ----

  @Test
  void validate_whenTextWithoutDeclaredRules_expectedAnythingNonBlank() {
    EnvironmentVariable v = var("NOTES", VariableKind.TEXT);

    assertValid(v, "anything at all \u0000 \ud800");
    assertValid(v, " padded ");
  }

  @Test
  void validate_whenDeclaredPatternFromCatalogue_expectedWholeValueMatches() {
    EnvironmentVariable v = EnvironmentVariable.builder("GOOGLE_CLIENT_ID").required(true)
        .validation(Validation.pattern("[0-9]{6,30}-[a-z0-9]{8,64}\\.apps\\.googleusercontent\\.com"))
        .example("123456789012-abcdefghijklmnopqrstuvwxyz012345.apps.googleusercontent.com").build();

    assertValid(v, "987654321098-q1w2e3r4t5y6u7i8o9p0.apps.googleusercontent.com");
    assertInvalid(v, "987654321098-q1w2e3r4t5y6u7i8o9p0.apps.googleusercontent.com.evil.com",
        "must match the pattern [0-9]{6,30}", "like 123456789012-abcdefghijklmnopqrstuvwxyz012345");
    assertInvalid(v, "x987654321098-q1w2e3r4t5y6u7i8o9p0.apps.googleusercontent.com", "must match");
  }

  @Test
  void validate_whenDeclaredLengths_expectedCountedInChars() {
    EnvironmentVariable v = EnvironmentVariable.builder("TEAM_CODE").required(true)
        .validation(Validation.length(3, 5)).example("ab12").build();

    assertValid(v, "abc");
    assertValid(v, "abcde");
    assertValid(v, "\ud83d\ude00a");
    assertInvalid(v, "ab", "TEAM_CODE must be at least 3 characters long, like ab12", "(got \"ab\")");
    assertInvalid(v, "abcdef", "TEAM_CODE must be at most 5 characters long, like ab12");
    assertInvalid(v, "\ud83d\ude00\ud83d\ude00\ud83d\ude00", "at most 5 characters");
  }

  @Test
  void validate_whenSeveralProblems_expectedAllJoinedWithSemicolon() {
    EnvironmentVariable v = EnvironmentVariable.builder("SUPPORT_URL").kind(VariableKind.URL)
        .required(true).validation(new Validation("https://.*\\.example\\.com/.*", null, 20)).build();

    String m = assertInvalid(v, "ftp://files.example.org/some/long/path");
    assertThat(m.split("; ")).hasSize(3);
    assertThat(m).contains("SUPPORT_URL must start with https://")
        .contains("SUPPORT_URL must be at most 20 characters")
        .contains("SUPPORT_URL must match the pattern");
  }

  @ParameterizedTest
  @ValueSource(strings = {"((a+)+)+b", "(.*a){12}", "(a*)*(a*)*(a*)*(a*)*b"})
  void validate_whenCatastrophicDeclaredPattern_expectedNotCheckedInTimeQuickly(String pattern) {
    EnvironmentVariable v = EnvironmentVariable.builder("CODE").required(true)
        .validation(Validation.pattern(pattern)).build();
    validator.validate(v, "a!");

    long start = System.nanoTime();
    ValidationResult r = validator.validate(v, "a".repeat(40) + "!");
    long millis = (System.nanoTime() - start) / 1_000_000;

    assertThat(r.error()).hasValueSatisfying(m -> assertThat(m)
        .contains("CODE could not be checked against its pattern in time")
        .contains(pattern));
    assertThat(millis).isLessThan(2_000);
  }

  @Test
  void validate_whenNestedQuantifierPatternOnAlmostMatch_expectedInvalidQuickly() {
    EnvironmentVariable v = EnvironmentVariable.builder("CODE").required(true)
        .validation(Validation.pattern("(a+)+$")).build();
    validator.validate(v, "a!");

    long start = System.nanoTime();
    ValidationResult r = validator.validate(v, "a".repeat(4_000) + "!");
    long millis = (System.nanoTime() - start) / 1_000_000;

    // The JDK memoises this loop; without that it would run out of its budget. Either way: invalid.
    assertThat(r.error()).hasValueSatisfying(m -> assertThat(m).startsWith("CODE ")
        .containsAnyOf("must match the pattern (a+)+$", "could not be checked against its pattern"));
    assertThat(millis).isLessThan(2_000);
    assertThat(validator.validate(v, "a".repeat(4_000)).isValid()).isTrue();
  }

  @Test
  void validate_whenValueTooLongForDeclaredPattern_expectedTooLongToCheck() {
    EnvironmentVariable v = EnvironmentVariable.builder("PEM").required(true)
        .validation(Validation.pattern("[A-Za-z0-9+/=\\n-]+")).build();

    assertValid(v, "A".repeat(4096));
    assertInvalid(v, "A".repeat(4097),
        "PEM is longer than 4096 characters, too long to check against its pattern");
  }

  // ---- placeholders ----

  static Stream<String> placeholders() {
    return Stream.of("your-api-key", "your_api_key", "YOUR_API_KEY", "your-secret-here", "<your-key>",
        "<YOUR_ANTHROPIC_API_KEY>", "xxx", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "changeme",
        "change-me", "placeholder", "todo", "TODO", "secret", "password", "test", "...",
        "sk-ant-your-api-key-here", "your_openai_api_key", "insert-your-token-here",
        "postgresql://postgres:[YOUR-PASSWORD]@db.abcdefghijklmnopqrst.supabase.co:5432/postgres",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "********************************",
        "00000000000000000000000000000000", "sk-ant-api03-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "sk-proj-...", "{{ OPENAI_API_KEY }}", "AKIAIOSFODNN7EXAMPLE",
        "\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9");
  }

  @ParameterizedTest
  @MethodSource("placeholders")
  void validate_whenRequiredSensitivePlaceholder_expectedPlaceholderMessageOnly(String value) {
    for (VariableKind kind : VariableKind.values()) {
      EnvironmentVariable v = ValidatorFixtures.sensitive("MY_SECRET", kind);
      ValidationResult r = validator.validate(v, value);
      assertThat(r.error()).as("%s %s", kind, value).hasValue(
          "MY_SECRET looks like a placeholder copied from an example; paste your real value");
    }
  }

  @Test
  void validate_whenValueEqualsOwnExample_expectedPlaceholder() {
    String example = "postgresql://app_user:s3cret@db.example.com:5432/app_db?sslmode=require";
    EnvironmentVariable v = ValidatorFixtures.sensitive("DATABASE_URL", VariableKind.POSTGRES_URL)
        .toBuilder().example(example).build();

    assertInvalid(v, example, "looks like a placeholder copied from an example");
    assertValid(v, example.replace("s3cret", "Zq8xN2vL"));
    assertValid(v.toBuilder().required(false).build(), example);
    assertValid(v.toBuilder().sensitive(false).build(), example);
  }

  @Test
  void validate_whenPlaceholderButOptionalOrPublic_expectedOnlyKindRules() {
    EnvironmentVariable optional = EnvironmentVariable.builder("OPENAI_API_KEY")
        .kind(VariableKind.OPENAI_API_KEY).sensitive(true).build();

    assertInvalid(optional, "your-api-key", "must start with sk-");
    assertValid(var("NOTES", VariableKind.TEXT), "todo");
  }

  @Test
  void validate_whenRealValuesThatLookOdd_expectedNotPlaceholder() {
    EnvironmentVariable v = ValidatorFixtures.sensitive("NEXTAUTH_SECRET", VariableKind.SECRET);

    assertValid(v, ValidatorFixtures.secret(42));
    assertValid(v, "test-" + random(ALNUM, 40, 9));
    assertValid(v, "my-secret-" + random(ALNUM, 40, 10));
  }

  // ---- secrecy ----

  static final String CANARY = "CANARYq7Zt";

  /** Values holding {@link #CANARY} that reach every rule of every kind, valid or not. */
  static List<String> canaryValues() {
    List<String> values = new ArrayList<>();
    for (String prefix : List.of("", "sk-ant-api03-", "sk-", "sk-proj-", "AIza", "pk_test_", "pk_live_",
        "sk_test_", "sk_live_", "AKIA", "ASIA", "sb_publishable_", "sb_secret_", "eyJ", "us-east-",
        "https://", "https://u:" , "postgresql://u:", "mongodb+srv://u:", "mongodb://u:",
        "rediss://default:", "your-", "'")) {
      values.add(prefix + CANARY);
      values.add(prefix + CANARY + "x".repeat(40));
      values.add(prefix + CANARY + "@host:6543/db");
      values.add(prefix + CANARY + "@h1:1,h2:99999/db");
      values.add(prefix + CANARY + " with spaces");
      values.add(prefix + CANARY + "#@host/db");
    }
    values.add(ValidatorFixtures.anthropicKey(5).substring(0, 30) + CANARY);
    values.add(CANARY.repeat(5000));
    values.add("postgresql://postgres:" + CANARY + "@aws-0-eu-central-1.pooler.supabase.com:6543/postgres");
    values.add(b64url("{\"alg\":\"HS256\"}") + "." + b64url("{\"role\":\"service_role\"}") + "." + CANARY);
    values.add(b64url("{\"alg\":\"HS256\"}") + "." + CANARY + "." + CANARY);
    return values;
  }

  @ParameterizedTest
  @EnumSource(VariableKind.class)
  void validate_whenSensitiveValueInvalid_expectedMessageNeverContainsIt(VariableKind kind) {
    EnvironmentVariable base = EnvironmentVariable.builder("MY_KEY").kind(kind).sensitive(true)
        .validation(new Validation("[a-z]{3}", 100, 100_000)).example("abc").build();
    int invalid = 0;
    for (String value : canaryValues()) {
      for (boolean required : new boolean[] {true, false}) {
        EnvironmentVariable v = base.toBuilder().required(required).build();
        ValidationResult r = validator.validate(v, value);
        if (!r.isValid()) {
          invalid++;
          assertThat(r.error().orElseThrow()).as("%s %s", kind, value)
              .startsWith("MY_KEY ").doesNotContain(CANARY).doesNotContain("got \"");
        }
        assertThat(validator.getErrors(List.of(v.withValue(value))).values())
            .allSatisfy(m -> assertThat(m).doesNotContain(CANARY));
      }
    }
    assertThat(invalid).isGreaterThan(canaryValues().size());
  }

  // ---- catalogue ----

  @Test
  void validate_whenCatalogueExamples_expectedEachPassesItsOwnRules() {
    int checked = 0;
    for (FeatureRule rule : RuleCatalogue.builtIn()) {
      for (EnvironmentVariable v : rule.variables()) {
        if (v.example() == null) {
          continue;
        }
        EnvironmentVariable asOptional = v.toBuilder().required(false).build();
        assertThat(validator.validate(asOptional, v.example()).error()).as(v.key()).isEmpty();
        if (v.required() && v.sensitive()) {
          assertThat(validator.validate(v, v.example()).error()).as(v.key())
              .hasValueSatisfying(m -> assertThat(m).contains("placeholder"));
        }
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(15);
  }
}
