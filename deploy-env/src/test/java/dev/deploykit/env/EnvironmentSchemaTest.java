package dev.deploykit.env;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class EnvironmentSchemaTest {
  private static final String CANARY = "CANARY-7f3a-SENSITIVE-VALUE";
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static final EnvironmentVariable SECRET = EnvironmentVariable.builder("NEXTAUTH_SECRET")
      .description("Signs session tokens.")
      .required(true)
      .sensitive(true)
      .generatable(true)
      .kind(VariableKind.SECRET)
      .validation(Validation.length(32, 512))
      .example("Zx8vQm2pL4nR7tY1wE5uI9oA3sD6fG0hJ2kL4zX7cV8=")
      .feature("nextauth")
      .value(CANARY)
      .build();

  private static final EnvironmentVariable CLIENT_ID = EnvironmentVariable.builder("GITHUB_CLIENT_ID")
      .description("Client ID of your GitHub OAuth app.")
      .required(true)
      .validation(Validation.pattern("[A-Za-z0-9._-]{16,40}"))
      .example("Ov23liAbCdEfGhIjKlMn")
      .feature("github")
      .build();

  private static final EnvironmentVariable URL = EnvironmentVariable.builder("NEXTAUTH_URL")
      .kind(VariableKind.URL)
      .value("https://my-app.example.com")
      .build();

  private static JsonNode schemaOf(List<EnvironmentVariable> vars) throws Exception {
    return MAPPER.readTree(EnvironmentSchema.toJson(vars));
  }

  @Test
  void toJson_whenVariables_writesObjectSchemaWithPropertiesInOrder() throws Exception {
    JsonNode schema = schemaOf(List.of(SECRET, CLIENT_ID, URL));

    assertThat(schema.get("$schema").asText()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
    assertThat(schema.get("title").asText()).isNotBlank();
    assertThat(schema.get("type").asText()).isEqualTo("object");
    assertThat(schema.get("additionalProperties").asBoolean(true)).isFalse();
    List<String> names = new ArrayList<>();
    schema.get("properties").fieldNames().forEachRemaining(names::add);
    assertThat(names).containsExactly("NEXTAUTH_SECRET", "GITHUB_CLIENT_ID", "NEXTAUTH_URL");
  }

  @Test
  void toJson_whenRequiredAndOptional_listsOnlyRequiredKeys() throws Exception {
    JsonNode required = schemaOf(List.of(SECRET, CLIENT_ID, URL)).get("required");

    assertThat(required.isArray()).isTrue();
    assertThat(required).extracting(JsonNode::asText)
        .containsExactly("NEXTAUTH_SECRET", "GITHUB_CLIENT_ID");
  }

  @Test
  void toJson_whenSensitive_marksWriteOnlyAndNeverWritesTheValue() throws Exception {
    String json = EnvironmentSchema.toJson(List.of(SECRET, CLIENT_ID, URL));
    JsonNode secret = MAPPER.readTree(json).get("properties").get("NEXTAUTH_SECRET");

    assertThat(json).doesNotContain(CANARY);
    assertThat(secret.get("writeOnly").asBoolean()).isTrue();
    assertThat(secret.has("default")).isFalse();
    assertThat(secret.get("x-sensitive").asBoolean()).isTrue();
    assertThat(secret.get("x-generatable").asBoolean()).isTrue();
    assertThat(secret.get("x-kind").asText()).isEqualTo("SECRET");
    assertThat(secret.get("x-feature").asText()).isEqualTo("nextauth");
    assertThat(secret.get("minLength").asInt()).isEqualTo(32);
    assertThat(secret.get("maxLength").asInt()).isEqualTo(512);
    assertThat(secret.get("examples")).extracting(JsonNode::asText)
        .containsExactly("Zx8vQm2pL4nR7tY1wE5uI9oA3sD6fG0hJ2kL4zX7cV8=");
  }

  @Test
  void toMap_whenSensitive_containsNoValueAnywhere() {
    Map<String, Object> map = EnvironmentSchema.toMap(List.of(SECRET));

    assertThat(map.toString()).doesNotContain(CANARY);
  }

  @Test
  void toJson_whenNonSensitiveWithValue_writesDefaultAndNoWriteOnly() throws Exception {
    JsonNode url = schemaOf(List.of(URL)).get("properties").get("NEXTAUTH_URL");

    assertThat(url.get("type").asText()).isEqualTo("string");
    assertThat(url.get("title").asText()).isEqualTo("NEXTAUTH_URL");
    assertThat(url.get("default").asText()).isEqualTo("https://my-app.example.com");
    assertThat(url.has("writeOnly")).isFalse();
    assertThat(url.has("description")).isFalse();
    assertThat(url.has("examples")).isFalse();
    assertThat(url.has("x-feature")).isFalse();
    assertThat(url.get("x-sensitive").asBoolean(true)).isFalse();
  }

  @Test
  void toJson_whenPattern_anchorsIt() throws Exception {
    JsonNode id = schemaOf(List.of(CLIENT_ID)).get("properties").get("GITHUB_CLIENT_ID");

    String pattern = id.get("pattern").asText();
    assertThat(pattern).isEqualTo("^(?:[A-Za-z0-9._-]{16,40})$");
    assertThat(Pattern.compile(pattern).matcher("Ov23liAbCdEfGhIjKlMn").find()).isTrue();
    assertThat(Pattern.compile(pattern).matcher("x Ov23liAbCdEfGhIjKlMn").find()).isFalse();
    assertThat(id.get("description").asText()).isEqualTo("Client ID of your GitHub OAuth app.");
    assertThat(id.get("x-kind").asText()).isEqualTo("TEXT");
  }

  @Test
  void toJson_whenAlternationPattern_anchorsWholeAlternation() throws Exception {
    EnvironmentVariable var = EnvironmentVariable.builder("MODE")
        .validation(Validation.pattern("dev|prod")).build();

    String pattern = schemaOf(List.of(var)).get("properties").get("MODE").get("pattern").asText();

    assertThat(Pattern.compile(pattern).matcher("devx").find()).isFalse();
    assertThat(Pattern.compile(pattern).matcher("prod").find()).isTrue();
  }

  @Test
  void toJson_whenEmptyList_writesEmptyObjectSchema() throws Exception {
    JsonNode schema = schemaOf(List.of());

    assertThat(schema.get("properties").size()).isZero();
    assertThat(schema.get("required").size()).isZero();
  }

  @Test
  void toJson_whenCalled_isPrettyPrintedWithUnixNewlines() {
    String json = EnvironmentSchema.toJson(List.of(URL));

    assertThat(json).contains("\n  \"type\" : \"object\"").doesNotContain("\r");
  }

  @Test
  void toMap_whenCalled_returnsPlainCollections() {
    Map<String, Object> map = EnvironmentSchema.toMap(List.of(SECRET, URL));

    assertThat(map).isInstanceOf(java.util.LinkedHashMap.class);
    assertThat(map.get("properties")).isInstanceOf(java.util.LinkedHashMap.class);
    assertThat(map.get("required")).isInstanceOf(List.class).isEqualTo(List.of("NEXTAUTH_SECRET"));
    @SuppressWarnings("unchecked")
    Map<String, Object> secret =
        (Map<String, Object>) ((Map<String, Object>) map.get("properties")).get("NEXTAUTH_SECRET");
    assertThat(secret).containsEntry("writeOnly", true).containsEntry("minLength", 32);
  }

  @Test
  void toMap_whenDuplicateKeys_throwsNamingKey() {
    assertThatThrownBy(() -> EnvironmentSchema.toMap(List.of(URL, URL)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("NEXTAUTH_URL");
  }

  @Test
  void toJson_whenCatalogueVariablesWithValues_leaksNoSensitiveValue() throws Exception {
    ScaffoldConfig config = ScaffoldConfig.builder().database("prisma-postgres").auth("nextauth")
        .aiProvider("anthropic").aiTemplate("chatbot").build();
    List<EnvironmentVariable> vars = EnvironmentVariableDetector.create().detect(config).stream()
        .map(v -> v.withValue(v.sensitive() ? CANARY + v.key() : "public-" + v.key()))
        .toList();

    String json = EnvironmentSchema.toJson(vars);

    assertThat(json).doesNotContain(CANARY);
    JsonNode properties = MAPPER.readTree(json).get("properties");
    for (EnvironmentVariable v : vars) {
      assertThat(properties.get(v.key()).path("writeOnly").asBoolean()).isEqualTo(v.sensitive());
    }
  }
}
