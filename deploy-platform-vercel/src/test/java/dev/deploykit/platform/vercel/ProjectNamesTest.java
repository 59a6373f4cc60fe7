package dev.deploykit.platform.vercel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.strings;

import dev.deploykit.core.DeploymentException;
import dev.deploykit.core.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProjectNamesTest {

  @ParameterizedTest
  @ValueSource(strings = {"a", "my-app", "my_app.v2", "a--b", "x1"})
  void problem_whenNameFollowsTheRules_isNull(String name) {
    assertThat(ProjectNames.problem(name)).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "My-App", "my app", "a---b", "caf\u00e9", "x/y"})
  void problem_whenNameBreaksARule_saysWhich(String name) {
    assertThat(ProjectNames.problem(name)).isNotBlank();
  }

  @Test
  void problem_whenLongerThan100_saysSo() {
    assertThat(ProjectNames.problem("a".repeat(101))).contains("101");
    assertThat(ProjectNames.problem("a".repeat(100))).isNull();
  }

  @Test
  void suggest_alwaysReturnsAValidName() {
    qt().forAll(strings().allPossible().ofLengthBetween(0, 140))
        .checkAssert(s -> assertThat(ProjectNames.problem(ProjectNames.suggest(s)))
            .as("problem of suggest(%s)", s).isNull());
    qt().forAll(strings().basicLatinAlphabet().ofLengthBetween(0, 140))
        .checkAssert(s -> assertThat(ProjectNames.problem(ProjectNames.suggest(s))).isNull());
  }

  @Test
  void suggest_keepsAValidNameAsItIs() {
    qt().forAll(strings().betweenCodePoints('a', 'z').ofLengthBetween(1, 100))
        .checkAssert(s -> assertThat(ProjectNames.suggest(s)).isEqualTo(s));
  }

  @Test
  void check_whenInvalid_throwsInvalidConfigProposingAName() {
    assertThatThrownBy(() -> ProjectNames.check("My Cool App!!"))
        .isInstanceOf(DeploymentException.class)
        .hasMessageContaining("'my-cool-app'")
        .satisfies(e -> assertThat(((DeploymentException) e).code())
            .isEqualTo(ErrorCode.INVALID_CONFIG));
  }
}
