package dev.deploykit.env;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SecretGeneratorTest {
  private final SecretGenerator generator = SecretGenerator.create();

  private static EnvironmentVariable nextAuthSecret() {
    return EnvironmentVariable.builder("NEXTAUTH_SECRET")
        .kind(VariableKind.SECRET)
        .required(true)
        .sensitive(true)
        .generatable(true)
        .validation(Validation.length(32, null))
        .build();
  }

  private static EnvironmentVariable generatable(Validation validation) {
    return EnvironmentVariable.builder("APP_SECRET")
        .kind(VariableKind.SECRET)
        .sensitive(true)
        .generatable(true)
        .validation(validation)
        .build();
  }

  @Test
  void generate_whenNextAuthSecret_returns44CharacterPaddedBase64Of32Bytes() {
    String value = generator.generate(nextAuthSecret());

    assertThat(value).hasSize(44).endsWith("=").matches("[A-Za-z0-9+/]{43}=");
    assertThat(Base64.getDecoder().decode(value)).hasSize(32);
  }

  @Test
  void generate_whenNoDeclaredLengths_returnsDefaultShape() {
    String value = generator.generate(generatable(Validation.NONE));

    assertThat(Base64.getDecoder().decode(value)).hasSize(SecretGenerator.DEFAULT_BYTES);
  }

  @Test
  void generate_whenCalledTwice_returnsDifferentValues() {
    Set<String> values = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      values.add(generator.generate(nextAuthSecret()));
    }

    assertThat(values).hasSize(50);
  }

  @Test
  void generate_whenMinLengthAboveDefault_returnsAtLeastThatMany() {
    String value = generator.generate(generatable(Validation.length(64, null)));

    assertThat(value).hasSizeGreaterThanOrEqualTo(64).matches("[A-Za-z0-9+/]+");
  }

  @Test
  void generate_whenMaxLengthBelowDefault_returnsAtMostThatMany() {
    String value = generator.generate(generatable(Validation.length(null, 40)));

    assertThat(value).hasSize(40).matches("[A-Za-z0-9+/]+");
  }

  @Test
  void generate_whenMinAndMaxBetweenPaddedLengths_returnsLengthInRange() {
    String value = generator.generate(generatable(Validation.length(45, 47)));

    assertThat(value.length()).isBetween(45, 47);
  }

  @Test
  void generate_whenPatternRejectsBase64_fallsBackToHex() {
    String value = generator.generate(generatable(new Validation("[0-9a-f]{64}", null, null)));

    assertThat(value).matches("[0-9a-f]{64}");
  }

  @Test
  void generate_whenPatternAcceptsBase64_returnsBase64() {
    String value = generator.generate(generatable(Validation.pattern("[A-Za-z0-9+/=]{44}")));

    assertThat(Base64.getDecoder().decode(value)).hasSize(32);
  }

  @Test
  void generate_whenPatternMatchesNothingGenerated_throwsNamingKey() {
    assertThatThrownBy(() -> generator.generate(generatable(Validation.pattern("x+"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("APP_SECRET");
  }

  @Test
  void generate_whenNotGeneratable_throwsNamingKey() {
    EnvironmentVariable var = EnvironmentVariable.builder("DATABASE_URL").sensitive(true).build();

    assertThatThrownBy(() -> generator.generate(var))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("DATABASE_URL")
        .hasMessageContaining("not generatable");
  }

  @Test
  void fillGeneratable_whenMixedList_fillsOnlyUnsetGeneratableVariablesInOrder() {
    EnvironmentVariable unset = nextAuthSecret();
    EnvironmentVariable alreadySet =
        generatable(Validation.NONE).withValue("keep-me-keep-me-keep-me-keep-me!");
    EnvironmentVariable emptyValue =
        EnvironmentVariable.builder("EMPTY_SECRET").generatable(true).value("").build();
    EnvironmentVariable notGeneratable = EnvironmentVariable.builder("DATABASE_URL").build();
    List<EnvironmentVariable> vars = List.of(unset, alreadySet, notGeneratable, emptyValue);

    List<EnvironmentVariable> filled = generator.fillGeneratable(vars);

    assertThat(filled).extracting(EnvironmentVariable::key)
        .containsExactly("NEXTAUTH_SECRET", "APP_SECRET", "DATABASE_URL", "EMPTY_SECRET");
    assertThat(filled.get(0).value()).hasSize(44);
    assertThat(filled.get(1)).isSameAs(alreadySet);
    assertThat(filled.get(2)).isSameAs(notGeneratable);
    assertThat(filled.get(2).value()).isNull();
    assertThat(filled.get(3).value()).hasSize(44);
    assertThat(filled.get(0).value()).isNotEqualTo(filled.get(3).value());
    assertThat(vars.get(0).value()).isNull();
  }
}
