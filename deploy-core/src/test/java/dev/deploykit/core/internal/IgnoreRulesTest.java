package dev.deploykit.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IgnoreRulesTest {

  @Test
  void parse_skipsBlankLinesAndComments() {
    IgnoreRules rules = IgnoreRules.parse("\n# a comment\n   \n");
    assertThat(rules.ignored("a.txt", false)).isFalse();
  }

  @Test
  void ignored_nameWithoutSlash_matchesInAnyFolder() {
    IgnoreRules rules = IgnoreRules.parse("*.log\nsecret.txt\n");
    assertThat(rules.ignored("debug.log", false)).isTrue();
    assertThat(rules.ignored("a/b/debug.log", false)).isTrue();
    assertThat(rules.ignored("a/secret.txt", false)).isTrue();
    assertThat(rules.ignored("a/secret.txt.bak", false)).isFalse();
  }

  @Test
  void ignored_leadingSlash_anchorsToRoot() {
    IgnoreRules rules = IgnoreRules.parse("/build\n");
    assertThat(rules.ignored("build", true)).isTrue();
    assertThat(rules.ignored("src/build", true)).isFalse();
  }

  @Test
  void ignored_trailingSlash_matchesOnlyFolders() {
    IgnoreRules rules = IgnoreRules.parse("coverage/\n");
    assertThat(rules.ignored("coverage", true)).isTrue();
    assertThat(rules.ignored("coverage", false)).isFalse();
  }

  @Test
  void ignored_doubleStar_crossesFolders() {
    IgnoreRules rules = IgnoreRules.parse("docs/**/*.md\n**/tmp\n");
    assertThat(rules.ignored("docs/a.md", false)).isTrue();
    assertThat(rules.ignored("docs/x/y/a.md", false)).isTrue();
    assertThat(rules.ignored("src/a.md", false)).isFalse();
    assertThat(rules.ignored("a/b/tmp", true)).isTrue();
  }

  @Test
  void ignored_questionMarkAndNegation() {
    IgnoreRules rules = IgnoreRules.parse("file?.txt\n*.env\n!public.env\n");
    assertThat(rules.ignored("file1.txt", false)).isTrue();
    assertThat(rules.ignored("file10.txt", false)).isFalse();
    assertThat(rules.ignored("prod.env", false)).isTrue();
    assertThat(rules.ignored("public.env", false)).isFalse();
  }

  @Test
  void ignored_starDoesNotCrossFolders() {
    IgnoreRules rules = IgnoreRules.parse("src/*.ts\n");
    assertThat(rules.ignored("src/a.ts", false)).isTrue();
    assertThat(rules.ignored("src/x/a.ts", false)).isFalse();
  }
}
