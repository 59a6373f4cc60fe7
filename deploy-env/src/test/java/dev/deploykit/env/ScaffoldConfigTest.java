package dev.deploykit.env;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ScaffoldConfigTest {
  private final ObjectMapper mapper = new ObjectMapper();

  @Test
  void read_whenSeedJsonShape_plainObjectMapperReadsIt() throws Exception {
    ScaffoldConfig config = mapper.readValue(
        "{\"database\":\"prisma-postgres\",\"auth\":\"nextauth\",\"aiTemplate\":\"chatbot\","
            + "\"aiProvider\":\"anthropic\"}",
        ScaffoldConfig.class);

    assertThat(config.framework()).isEqualTo("nextjs");
    assertThat(config.database()).isEqualTo("prisma-postgres");
    assertThat(config.auth()).isEqualTo("nextauth");
    assertThat(config.aiTemplate()).isEqualTo("chatbot");
    assertThat(config.aiProvider()).isEqualTo("anthropic");
    assertThat(config.oauthProviders()).isEmpty();
    assertThat(config.services()).isEmpty();
  }

  @Test
  void write_thenRead_roundTrips() throws Exception {
    ScaffoldConfig config = ScaffoldConfig.builder()
        .database("mongodb").auth("nextauth").oauthProvider("github").oauthProvider("google")
        .aiTemplate("rag").aiProvider("openai").service("redis").build();

    String json = mapper.writeValueAsString(config);

    assertThat(mapper.readValue(json, ScaffoldConfig.class)).isEqualTo(config);
    assertThat(json).contains("\"oauthProviders\":[\"github\",\"google\"]");
  }

  @Test
  void read_whenUnknownDatabase_failsNamingFieldValueAndAcceptedValues() {
    assertThatThrownBy(() -> mapper.readValue("{\"database\":\"oracle\"}", ScaffoldConfig.class))
        .isInstanceOf(ValueInstantiationException.class)
        .cause()
        .isInstanceOfSatisfying(InvalidScaffoldConfigException.class, e -> {
          assertThat(e.field()).isEqualTo("database");
          assertThat(e.value()).isEqualTo("oracle");
          assertThat(e.acceptedValues())
              .contains("prisma-postgres", "drizzle-postgres", "mongodb", "supabase");
          assertThat(e.getMessage()).contains("database", "oracle", "prisma-postgres, drizzle-postgres");
        });
  }

  @Test
  void build_whenUnknownOptionInAnyField_namesThatField() {
    assertThatThrownBy(() -> ScaffoldConfig.builder().auth("auth0").build())
        .isInstanceOfSatisfying(InvalidScaffoldConfigException.class,
            e -> assertThat(e.field()).isEqualTo("auth"));
    assertThatThrownBy(() -> ScaffoldConfig.builder().aiProvider("mistral").build())
        .isInstanceOfSatisfying(InvalidScaffoldConfigException.class,
            e -> assertThat(e.acceptedValues()).contains("anthropic", "openai", "bedrock", "gemini"));
    assertThatThrownBy(() -> ScaffoldConfig.builder().framework("rails").build())
        .isInstanceOfSatisfying(InvalidScaffoldConfigException.class,
            e -> assertThat(e.field()).isEqualTo("framework"));
    assertThatThrownBy(() -> ScaffoldConfig.builder().service("kafka").build())
        .isInstanceOfSatisfying(InvalidScaffoldConfigException.class,
            e -> assertThat(e.field()).isEqualTo("services"));
    assertThatThrownBy(
            () -> ScaffoldConfig.builder().auth("nextauth").oauthProvider("myspace").build())
        .isInstanceOfSatisfying(InvalidScaffoldConfigException.class,
            e -> assertThat(e.field()).isEqualTo("oauthProviders"));
  }

  @Test
  void build_whenValuesNeedNormalising_normalises() {
    ScaffoldConfig config = new ScaffoldConfig(
        null, " Prisma-Postgres ", "none", null, "", "ANTHROPIC",
        Arrays.asList("redis", "REDIS", null));

    assertThat(config.framework()).isEqualTo("nextjs");
    assertThat(config.database()).isEqualTo("prisma-postgres");
    assertThat(config.auth()).isNull();
    assertThat(config.aiTemplate()).isNull();
    assertThat(config.aiProvider()).isEqualTo("anthropic");
    assertThat(config.services()).containsExactly("redis");
  }

  @Test
  void build_whenOauthWithoutNextAuth_explainsTheFix() {
    assertThatThrownBy(() -> ScaffoldConfig.builder().auth("clerk").oauthProvider("github").build())
        .isInstanceOf(InvalidScaffoldConfigException.class)
        .hasMessageContaining("need auth 'nextauth'");
  }

  @Test
  void build_whenAiTemplateWithoutProvider_asksForOne() {
    assertThatThrownBy(() -> ScaffoldConfig.builder().aiTemplate("chatbot").build())
        .isInstanceOfSatisfying(InvalidScaffoldConfigException.class, e -> {
          assertThat(e.field()).isEqualTo("aiProvider");
          assertThat(e.getMessage()).contains("chatbot", "anthropic");
        });
  }

  @Test
  void build_whenProviderOption_isAccepted() {
    assertThat(ScaffoldConfig.builder().service("acme-queue").build().services())
        .containsExactly("acme-queue");
  }
}
