package dev.deploykit.env;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class EnvironmentVariableTest {

  private static EnvironmentVariable secret(String value) {
    return EnvironmentVariable.builder("API_TOKEN").sensitive(true).required(true)
        .kind(VariableKind.API_KEY).value(value).build();
  }

  @Test
  void toString_whenSensitive_masksTheValue() {
    assertThat(secret("canary-7f3a9").toString()).doesNotContain("canary-7f3a9").contains("****");
  }

  @Test
  void toString_whenNotSensitive_showsTheValue() {
    EnvironmentVariable v = EnvironmentVariable.builder("AWS_REGION").value("us-east-1").build();
    assertThat(v.toString()).contains("us-east-1");
  }

  @Test
  void withValue_returnsACopyAndLeavesTheOriginal() {
    EnvironmentVariable original = secret("a");
    EnvironmentVariable copy = original.withValue("b");

    assertThat(original.value()).isEqualTo("a");
    assertThat(copy.value()).isEqualTo("b");
    assertThat(copy.withValue("a")).isEqualTo(original);
  }

  @Test
  void create_whenPublicVariableMarkedSensitive_refuses() {
    assertThatThrownBy(() -> EnvironmentVariable.builder("NEXT_PUBLIC_KEY").sensitive(true).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("NEXT_PUBLIC_KEY cannot be sensitive");
  }

  @Test
  void create_whenKeyInvalid_namesIt() {
    assertThatThrownBy(() -> EnvironmentVariable.builder("1BAD-KEY").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'1BAD-KEY'");
  }

  @Test
  void validation_whenPatternDoesNotCompile_refuses() {
    assertThatThrownBy(() -> Validation.pattern("(unclosed"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("(unclosed");
    assertThatThrownBy(() -> Validation.length(10, 5))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void json_roundTripsWithAPlainObjectMapper() throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    EnvironmentVariable v = EnvironmentVariable.builder("NEXTAUTH_SECRET").required(true)
        .sensitive(true).generatable(true).kind(VariableKind.SECRET)
        .validation(Validation.length(32, null)).description("d").example("e").feature("nextauth")
        .build();

    assertThat(mapper.readValue(mapper.writeValueAsString(v), EnvironmentVariable.class)).isEqualTo(v);
    assertThat(mapper.readValue("{\"key\":\"X\"}", EnvironmentVariable.class))
        .isEqualTo(EnvironmentVariable.builder("X").build());
  }

  @Test
  void validationResult_jsonRoundTrips() throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    for (ValidationResult r : new ValidationResult[] {
        ValidationResult.valid(), ValidationResult.invalid("X is required")}) {
      assertThat(mapper.readValue(mapper.writeValueAsString(r), ValidationResult.class)).isEqualTo(r);
    }
    assertThat(ValidationResult.invalid("m").error()).contains("m");
    assertThat(ValidationResult.valid().error()).isEmpty();
  }
}
