package dev.deploykit.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.deploykit.core.FallbackOption;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class ConvertersTest {
  private final DurationConverter durations = new DurationConverter();
  private final FallbackChoice.Converter fallbacks = new FallbackChoice.Converter();

  @Test
  void duration_readsUnitsCombinationsAndIso() {
    assertThat(durations.convert("90s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(durations.convert("5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(durations.convert("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(durations.convert("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(durations.convert("PT2M")).isEqualTo(Duration.ofMinutes(2));
    assertThat(durations.convert(" 10M ")).isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void duration_refusesNonsenseAndZero() {
    for (String bad : new String[] {"", "5", "m5", "5 minutes", "-5m", "P", "0s", "PT0S", "5x"}) {
      assertThatThrownBy(() -> durations.convert(bad)).as(bad)
          .isInstanceOf(TypeConversionException.class).hasMessageContaining("e.g. 90s");
    }
  }

  @Test
  void fallback_readsZipWithAndWithoutFileAndGithub() {
    assertThat(fallbacks.convert("zip=out/app.zip"))
        .isEqualTo(new FallbackChoice(FallbackOption.ZIP, Path.of("out/app.zip")));
    assertThat(fallbacks.convert("zip")).isEqualTo(new FallbackChoice(FallbackOption.ZIP, null));
    assertThat(fallbacks.convert("GitHub"))
        .isEqualTo(new FallbackChoice(FallbackOption.GITHUB_REPO, null));
    assertThatThrownBy(() -> fallbacks.convert("zip=")).isInstanceOf(TypeConversionException.class);
    assertThatThrownBy(() -> fallbacks.convert("s3")).hasMessageContaining("zip=<file.zip>");
  }
}
