package dev.deploykit.env.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class DeclaredPatternsTest {

  @Test
  void match_whenSamePatternTwice_expectedCompiledOnce() {
    DeclaredPatterns patterns = new DeclaredPatterns();

    assertThat(patterns.match("[a-z]+", "abc")).isEqualTo(DeclaredPatterns.Outcome.MATCH);
    assertThat(patterns.match("[a-z]+", "ab1")).isEqualTo(DeclaredPatterns.Outcome.NO_MATCH);
    assertThat(patterns.cachedCount()).isEqualTo(1);
  }

  @Test
  void match_whenManyDistinctPatterns_expectedCacheStaysBounded() {
    DeclaredPatterns patterns = new DeclaredPatterns();

    for (int i = 0; i < 3 * DeclaredPatterns.MAX_CACHED; i++) {
      assertThat(patterns.match("x{" + i + "}", "x".repeat(i))).isEqualTo(DeclaredPatterns.Outcome.MATCH);
      assertThat(patterns.cachedCount()).isBetween(1, DeclaredPatterns.MAX_CACHED);
    }
  }

  @Test
  void match_whenBacktrackingExplodes_expectedTooSlow() {
    assertThat(new DeclaredPatterns().match("((a+)+)+b", "a".repeat(64)))
        .isEqualTo(DeclaredPatterns.Outcome.TOO_SLOW);
  }

  @Test
  void match_whenValueLongerThanMaxInput_expectedTooLongWithoutMatching() {
    DeclaredPatterns patterns = new DeclaredPatterns();

    assertThat(patterns.match("[ab]*", "ab".repeat(DeclaredPatterns.MAX_INPUT / 2)))
        .isEqualTo(DeclaredPatterns.Outcome.MATCH);
    assertThat(patterns.match("[ab]*", "ab".repeat(DeclaredPatterns.MAX_INPUT / 2) + "a"))
        .isEqualTo(DeclaredPatterns.Outcome.TOO_LONG);
  }

  @Test
  void match_whenRegexRecursionOverflowsStack_expectedFailedNotThrown() throws InterruptedException {
    DeclaredPatterns patterns = new DeclaredPatterns();
    AtomicReference<Object> outcome = new AtomicReference<>();
    Thread small = new Thread(null,
        () -> {
          try {
            outcome.set(patterns.match("(a|b)*", "ab".repeat(2000)));
          } catch (Throwable t) {
            outcome.set(t);
          }
        },
        "small-stack", 64 * 1024);

    small.start();
    small.join();

    assertThat(outcome.get()).isEqualTo(DeclaredPatterns.Outcome.FAILED);
  }

  @Test
  void budget_whenLongValue_expectedScalesWithLength() {
    assertThat(DeclaredPatterns.budget("")).isEqualTo(DeclaredPatterns.BASE_READS);
    assertThat(DeclaredPatterns.budget("a".repeat(1000)))
        .isEqualTo(DeclaredPatterns.BASE_READS + 1000 * DeclaredPatterns.READS_PER_CHAR);
    assertThat(DeclaredPatterns.budget("a".repeat(60_000)))
        .isEqualTo(DeclaredPatterns.BASE_READS + DeclaredPatterns.MAX_INPUT * DeclaredPatterns.READS_PER_CHAR);
  }
}
