package dev.deploykit.env;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EnvironmentVariableDetectorTest {
  private final EnvironmentVariableDetector detector = EnvironmentVariableDetector.create();

  private List<String> keys(ScaffoldConfig config) {
    return detector.detect(config).stream().map(EnvironmentVariable::key).toList();
  }

  private Map<String, EnvironmentVariable> byKey(ScaffoldConfig config) {
    return detector.detect(config).stream()
        .collect(Collectors.toMap(EnvironmentVariable::key, Function.identity()));
  }

  @Test
  void detect_whenNothingChosen_onlyTheAppUrl() {
    assertThat(keys(ScaffoldConfig.builder().build())).containsExactly("NEXT_PUBLIC_APP_URL");
  }

  @Test
  void detect_whenSeedExample_returnsEveryVariableInStableOrder() {
    ScaffoldConfig config = ScaffoldConfig.builder()
        .database("prisma-postgres").auth("nextauth").aiTemplate("chatbot").aiProvider("anthropic")
        .build();

    assertThat(keys(config)).containsExactly(
        "DATABASE_URL", "NEXTAUTH_SECRET", "NEXTAUTH_URL", "ANTHROPIC_API_KEY", "NEXT_PUBLIC_APP_URL");
    assertThat(detector.detect(config)).isEqualTo(detector.detect(config));
  }

  @ParameterizedTest(name = "{0}={1} -> {2}")
  @CsvSource({
    "database, prisma-postgres, DATABASE_URL",
    "database, drizzle-postgres, DATABASE_URL",
    "database, mongodb, MONGODB_URI",
    "database, supabase, NEXT_PUBLIC_SUPABASE_URL NEXT_PUBLIC_SUPABASE_ANON_KEY",
    "auth, nextauth, NEXTAUTH_SECRET NEXTAUTH_URL",
    "auth, clerk, NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY CLERK_SECRET_KEY",
    "auth, supabase, NEXT_PUBLIC_SUPABASE_URL NEXT_PUBLIC_SUPABASE_ANON_KEY",
    "aiProvider, anthropic, ANTHROPIC_API_KEY",
    "aiProvider, openai, OPENAI_API_KEY",
    "aiProvider, bedrock, AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_REGION",
    "aiProvider, gemini, GOOGLE_AI_API_KEY",
    "services, redis, REDIS_URL ACME_REDIS_NAMESPACE",
  })
  void detect_whenOneOptionChosen_returnsItsVariables(String field, String option, String expected) {
    ScaffoldConfig.Builder b = ScaffoldConfig.builder();
    switch (field) {
      case "database" -> b.database(option);
      case "auth" -> b.auth(option);
      case "aiProvider" -> b.aiProvider(option);
      case "services" -> b.service(option);
      default -> throw new AssertionError(field);
    }
    List<String> keys = keys(b.build());
    assertThat(keys).startsWith(expected.split(" ")).endsWith("NEXT_PUBLIC_APP_URL");
    assertThat(keys).hasSize(expected.split(" ").length + 1);
  }

  @Test
  void detect_whenOauthProviders_addsClientIdAndSecretOfEachInConfigOrder() {
    ScaffoldConfig config = ScaffoldConfig.builder()
        .auth("nextauth").oauthProvider("google").oauthProvider("github").oauthProvider("discord")
        .build();

    assertThat(keys(config)).containsExactly(
        "NEXTAUTH_SECRET", "NEXTAUTH_URL",
        "GOOGLE_CLIENT_ID", "GOOGLE_CLIENT_SECRET",
        "GITHUB_CLIENT_ID", "GITHUB_CLIENT_SECRET",
        "DISCORD_CLIENT_ID", "DISCORD_CLIENT_SECRET",
        "NEXT_PUBLIC_APP_URL");
    Map<String, EnvironmentVariable> vars = byKey(config);
    assertThat(vars.get("GITHUB_CLIENT_ID").sensitive()).isFalse();
    assertThat(vars.get("GITHUB_CLIENT_SECRET").sensitive()).isTrue();
    assertThat(vars.get("GITHUB_CLIENT_SECRET").feature()).isEqualTo("github");
  }

  @Test
  void detect_whenSupabaseDatabaseAndAuth_sharedKeysAppearOnce() {
    ScaffoldConfig config = ScaffoldConfig.builder().database("supabase").auth("supabase").build();

    assertThat(keys(config)).containsExactly(
        "NEXT_PUBLIC_SUPABASE_URL", "NEXT_PUBLIC_SUPABASE_ANON_KEY", "NEXT_PUBLIC_APP_URL");
  }

  @Test
  void detect_whenEverything_eachKeyOnceWithTheRightFlags() {
    ScaffoldConfig config = ScaffoldConfig.builder()
        .database("prisma-postgres").auth("nextauth").oauthProvider("github")
        .aiTemplate("chatbot").aiProvider("bedrock").service("redis")
        .build();
    List<EnvironmentVariable> vars = detector.detect(config);

    assertThat(vars).extracting(EnvironmentVariable::key).doesNotHaveDuplicates();
    for (EnvironmentVariable v : vars) {
      assertThat(v.description()).as(v.key()).isNotBlank();
      assertThat(v.value()).as(v.key()).isNull();
      if (v.key().startsWith("NEXT_PUBLIC_")) {
        assertThat(v.sensitive()).as(v.key()).isFalse();
      }
      if (v.key().startsWith("NEXT_PUBLIC_") || v.key().equals("ACME_REDIS_NAMESPACE")) {
        continue;
      }
      assertThat(v.example()).as(v.key()).isNotBlank();
    }
    Map<String, EnvironmentVariable> byKey = byKey(config);
    assertThat(byKey.get("DATABASE_URL")).satisfies(v -> {
      assertThat(v.kind()).isEqualTo(VariableKind.POSTGRES_URL);
      assertThat(v.required()).isTrue();
      assertThat(v.sensitive()).isTrue();
      assertThat(v.feature()).isEqualTo("prisma-postgres");
    });
    assertThat(byKey.get("NEXTAUTH_SECRET").generatable()).isTrue();
    assertThat(byKey.get("AWS_REGION").sensitive()).isFalse();
    assertThat(byKey.get("AWS_SECRET_ACCESS_KEY").sensitive()).isTrue();
    assertThat(byKey.get("REDIS_URL").kind()).as("the built-in rule wins over a provider's")
        .isEqualTo(VariableKind.REDIS_URL);
  }

  @Test
  void detect_whenServiceFromInstalledProvider_addsItsVariables() {
    ScaffoldConfig config = ScaffoldConfig.builder().service("acme-queue").build();

    assertThat(keys(config)).containsExactly("ACME_QUEUE_URL", "NEXT_PUBLIC_APP_URL");
    assertThat(byKey(config).get("ACME_QUEUE_URL").feature()).isEqualTo("acme-queue");
  }
}
