package dev.deploykit.platform.vercel;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deploykit.core.GeneratedFile;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FrameworksTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(nullValues = "null", value = {
      "'\"next\":\"15\",\"react\":\"19\"', nextjs",
      "'\"vite\":\"5\",\"@remix-run/dev\":\"2\"', remix",
      "'\"astro\":\"4\"', astro",
      "'\"@sveltejs/kit\":\"2\",\"vite\":\"5\"', sveltekit-1",
      "'\"nuxt\":\"3\"', nuxtjs",
      "'\"gatsby\":\"5\"', gatsby",
      "'\"vite\":\"5\",\"react\":\"18\"', vite",
      "'\"lodash\":\"4\"', null"})
  void detect_readsTheDependencies(String deps, String expected) {
    GeneratedFile pkg = GeneratedFile.text("package.json",
        "{\"devDependencies\":{" + deps + "}}");
    assertThat(Frameworks.detect(List.of(pkg), MAPPER)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource(nullValues = "null", value = {"index.html,<h1>hi</h1>", "package.json,{not json",
      "sub/package.json,'{\"dependencies\":{\"next\":\"1\"}}'"})
  void detect_withoutAUsableRootPackageJson_isNull(String path, String content) {
    assertThat(Frameworks.detect(List.of(GeneratedFile.text(path, content)), MAPPER)).isNull();
  }
}
