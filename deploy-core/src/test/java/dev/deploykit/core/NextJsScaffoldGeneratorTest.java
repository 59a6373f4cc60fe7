package dev.deploykit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deploykit.env.EnvironmentVariable;
import dev.deploykit.env.EnvironmentVariableDetector;
import dev.deploykit.env.ScaffoldConfig;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class NextJsScaffoldGeneratorTest {
  private static final String CANARY = "CANARY-7f3a9e-do-not-write";
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final NextJsScaffoldGenerator generator = NextJsScaffoldGenerator.create();

  private static Map<String, GeneratedFile> byPath(List<GeneratedFile> files) {
    return files.stream().collect(Collectors.toMap(GeneratedFile::path, Function.identity()));
  }

  private static List<String> names(JsonNode node) {
    List<String> out = new ArrayList<>();
    if (node != null) {
      Iterator<String> it = node.fieldNames();
      it.forEachRemaining(out::add);
    }
    return out;
  }

  private static ScaffoldConfig full() {
    return ScaffoldConfig.builder().database("prisma-postgres").auth("nextauth")
        .oauthProvider("github").oauthProvider("google").aiTemplate("chatbot")
        .aiProvider("anthropic").service("redis").build();
  }

  private static List<EnvironmentVariable> withCanaries(ScaffoldConfig config) {
    List<EnvironmentVariable> vars = new ArrayList<>();
    for (EnvironmentVariable v : EnvironmentVariableDetector.create().detect(config)) {
      vars.add(v.withValue(CANARY));
    }
    vars.add(EnvironmentVariable.builder("EXTRA_SECRET").sensitive(true).value(CANARY)
        .description("An extra secret").build());
    vars.add(EnvironmentVariable.builder("EXTRA_PLAIN").value(CANARY).example("plain-example")
        .description("An extra plain value").build());
    return vars;
  }

  @Test
  void generate_minimalConfig_writesTheBaseApp() {
    List<GeneratedFile> files =
        generator.generate("My App", ScaffoldConfig.builder().build(), List.of());
    assertThat(files).extracting(GeneratedFile::path).containsExactly(
        ".env.example", ".gitignore", "README.md", "app/layout.tsx", "app/page.tsx",
        "next.config.mjs", "package.json", "tsconfig.json");
  }

  @Test
  void generate_fullConfig_writesFeatureFiles() {
    Map<String, GeneratedFile> files = byPath(generator.generate("shop", full(), List.of()));
    assertThat(files).containsKeys("prisma/schema.prisma", "lib/db.ts", "lib/redis.ts",
        "app/api/auth/[...nextauth]/route.ts", "app/api/chat/route.ts");
    assertThat(files.get("prisma/schema.prisma").text()).contains("env(\"DATABASE_URL\")");
    String auth = files.get("app/api/auth/[...nextauth]/route.ts").text();
    assertThat(auth).contains("next-auth/providers/github", "next-auth/providers/google",
        "process.env.GITHUB_CLIENT_SECRET", "process.env.NEXTAUTH_SECRET")
        .doesNotContain("discord");
    assertThat(files.get("app/api/chat/route.ts").text())
        .contains("@anthropic-ai/sdk", "process.env.ANTHROPIC_API_KEY");
    assertThat(files.get("app/page.tsx").text())
        .contains("\"shop\"", "Database: prisma-postgres", "AI: chatbot with anthropic");
  }

  @Test
  void generate_packageJson_parsesAndHasTheExpectedDependencies() throws Exception {
    Map<String, GeneratedFile> files = byPath(generator.generate("Shop Front!", full(), List.of()));
    JsonNode pkg = MAPPER.readTree(files.get("package.json").text());
    assertThat(pkg.get("name").asText()).isEqualTo("shop-front");
    assertThat(names(pkg.get("scripts"))).contains("dev", "build", "start");
    assertThat(pkg.get("scripts").get("build").asText()).contains("prisma generate", "next build");
    assertThat(names(pkg.get("dependencies"))).containsExactlyInAnyOrder("next", "react",
        "react-dom", "@prisma/client", "next-auth", "@anthropic-ai/sdk", "redis");
    assertThat(names(pkg.get("devDependencies"))).contains("prisma", "typescript");
    pkg.get("dependencies").forEach(v -> assertThat(v.asText()).matches("\\^\\d+\\.\\d+\\.\\d+"));
  }

  static Stream<Arguments> featureDependencies() {
    return Stream.of(
        Arguments.of(ScaffoldConfig.builder().database("drizzle-postgres").build(),
            List.of("drizzle-orm", "postgres")),
        Arguments.of(ScaffoldConfig.builder().database("mongodb").build(), List.of("mongodb")),
        Arguments.of(ScaffoldConfig.builder().database("supabase").auth("supabase").build(),
            List.of("@supabase/supabase-js")),
        Arguments.of(ScaffoldConfig.builder().auth("clerk").build(), List.of("@clerk/nextjs")),
        Arguments.of(ScaffoldConfig.builder().aiTemplate("rag").aiProvider("openai").build(),
            List.of("openai")),
        Arguments.of(ScaffoldConfig.builder().aiTemplate("agent").aiProvider("bedrock").build(),
            List.of("@aws-sdk/client-bedrock-runtime")),
        Arguments.of(ScaffoldConfig.builder().aiTemplate("chatbot").aiProvider("gemini").build(),
            List.of("@google/generative-ai")));
  }

  @ParameterizedTest
  @MethodSource("featureDependencies")
  void generate_perFeature_addsItsPackages(ScaffoldConfig config, List<String> expected)
      throws Exception {
    JsonNode pkg = MAPPER.readTree(
        byPath(generator.generate("app", config, List.of())).get("package.json").text());
    List<String> deps = names(pkg.get("dependencies"));
    assertThat(deps).containsAll(expected).contains("next", "react", "react-dom");
    assertThat(deps).hasSize(3 + expected.size());
  }

  @Test
  void generate_anyConfig_neverWritesAValue() {
    for (ScaffoldConfig config : List.of(full(),
        ScaffoldConfig.builder().database("mongodb").auth("clerk").aiTemplate("chatbot")
            .aiProvider("bedrock").build(),
        ScaffoldConfig.builder().database("supabase").aiTemplate("rag").aiProvider("gemini")
            .build())) {
      List<GeneratedFile> files = generator.generate("app", config, withCanaries(config));
      assertThat(files).allSatisfy(f -> assertThat(f.text()).doesNotContain(CANARY));
    }
  }

  @Test
  void generate_envExample_listsKeysAndOnlyNonSensitiveExamples() {
    String env = byPath(generator.generate("app", full(), withCanaries(full())))
        .get(".env.example").text();
    assertThat(env).contains("DATABASE_URL=\n", "NEXTAUTH_SECRET=\n", "ANTHROPIC_API_KEY=\n",
        "GITHUB_CLIENT_SECRET=\n", "REDIS_URL=\n", "EXTRA_SECRET=\n",
        "EXTRA_PLAIN=plain-example\n", "NEXTAUTH_URL=https://my-app.example.com\n",
        "# An extra secret");
    assertThat(env).doesNotContain("s3cret", "sk-ant-api");
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void generate_chatRoute_onlyWithAnAiTemplate(boolean withTemplate) {
    ScaffoldConfig config = withTemplate
        ? ScaffoldConfig.builder().aiTemplate("chatbot").aiProvider("openai").build()
        : ScaffoldConfig.builder().aiProvider("openai").build();
    assertThat(byPath(generator.generate("app", config, List.of())))
        .extracting(m -> m.containsKey("app/api/chat/route.ts")).isEqualTo(withTemplate);
  }

  @Test
  void generate_sameInput_equalFiles() {
    assertThat(generator.generate("app", full(), withCanaries(full())))
        .isEqualTo(NextJsScaffoldGenerator.create().generate("app", full(), withCanaries(full())));
  }

  @Test
  void generate_projectNameWithQuotesAndBraces_isEscapedInCode() {
    Map<String, GeneratedFile> files =
        byPath(generator.generate("a\"b{c}</x>", ScaffoldConfig.builder().build(), List.of()));
    assertThat(files.get("app/page.tsx").text()).contains("const projectName = \"a\\\"b{c}</x>\";");
    assertThat(files.get("package.json").text()).contains("\"name\" : \"a-b-c-x\"");
  }

  @Test
  void generate_blankName_isRefused() {
    assertThatThrownBy(() -> generator.generate(" ", ScaffoldConfig.builder().build(), List.of()))
        .isInstanceOf(DeploymentException.class).hasMessageContaining("projectName");
  }
}
