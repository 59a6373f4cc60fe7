package dev.deploykit.env;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.maps;
import static org.quicktheories.generators.SourceDSL.strings;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

class DotEnvPropertiesTest {
  private static final List<String> FIRST_KEY_CHARS =
      chars("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_");
  private static final List<String> KEY_CHARS =
      chars("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_0123456789");

  /** Pieces that stress quoting: line breaks, quotes, comments, escapes, blanks, Unicode. */
  private static final List<String> NASTY = List.of(
      "\n", "\r\n", "\r", "\"", "'", "`", "#", " #", "# ", "=", "\\", "\\n", "\\\"", "$", "${HOME}",
      "$X", " ", "  ", "\t", "\u0000", "\f", "\u000B", "\u00A0", "\u2028", "\uFEFF", "é", "ß", "日本",
      "😀", "\uD83D", "export ", "KEY=", "a", "Z9", "-", "_", "/", "+", "==", "'x'", "\"y\"");

  /** Pieces that stress the parser: everything in {@link #NASTY} plus structure. */
  private static final List<String> SYNTAX = List.of(
      "\n", "\r\n", "\r", "\"", "'", "`", "#", " ", "\t", "=", "\\", "$", "export", "export ", "KEY",
      "A", "1", "-", ".", "\uFEFF", "😀", "\uD83D", "é", "\u0000", "\\\n", "\"\n", "'\n", "=\"",
      "='", "=`", "#\n", " # c\n", "KEY=", "=\n");

  private static List<String> chars(String s) {
    List<String> out = new ArrayList<>();
    s.chars().forEach(c -> out.add(String.valueOf((char) c)));
    return out;
  }

  private static Gen<String> joined(Gen<String> piece, int maxPieces) {
    return lists().of(piece).ofSizeBetween(0, maxPieces).map(parts -> String.join("", parts));
  }

  private static Gen<String> keys() {
    Gen<String> generated = Generate.pick(FIRST_KEY_CHARS)
        .zip(joined(Generate.pick(KEY_CHARS), 12), (first, rest) -> first + rest);
    return generated.mix(Generate.pick(List.of("export", "A", "B", "_", "NEXTAUTH_SECRET")), 20);
  }

  private static Gen<String> values() {
    Gen<String> piece = Generate.pick(NASTY)
        .mix(strings().allPossible().ofLengthBetween(0, 4), 30)
        .mix(strings().basicLatinAlphabet().ofLengthBetween(0, 8), 30);
    return joined(piece, 10);
  }

  private static Gen<String> arbitraryText() {
    Gen<String> piece = Generate.pick(SYNTAX)
        .mix(strings().allPossible().ofLengthBetween(0, 3), 20);
    return joined(piece, 30);
  }

  private static Gen<Map<String, String>> envMaps() {
    return maps().of(keys(), values()).ofSizeBetween(0, 8);
  }

  @Test
  void parse_whenTextWrittenByWrite_returnsTheSameMap() {
    qt().withExamples(2000).forAll(envMaps()).checkAssert(map -> {
      String written = DotEnv.write(map);

      assertThat(DotEnv.parse(written).values()).isEqualTo(map);
    });
  }

  @Test
  void parse_whenArbitraryText_throwsNothingButDotEnvParseException() {
    qt().withExamples(3000).forAll(arbitraryText()).checkAssert(text -> {
      try {
        DotEnvFile file = DotEnv.parse(text);
        assertThat(file.values().keySet()).allMatch(EnvironmentVariable::isValidKey);
      } catch (DotEnvParseException e) {
        assertThat(e.lineNumber()).isBetween(1, (int) text.lines().count() + 1);
        assertThat(e.getMessage()).startsWith(".env line " + e.lineNumber() + ": ");
      } catch (RuntimeException e) {
        fail("parse threw " + e + " for " + text.replace("\n", "\\n").replace("\r", "\\r"), e);
      }
    });
  }

  @Test
  void updated_whenAnyNewValues_parsesToOldValuesWithNewOnesApplied() {
    Gen<List<Integer>> styles = lists().of(integers().between(0, 5)).ofSize(8);
    qt().withExamples(1500)
        .forAll(envMaps(), envMaps(), styles, integers().between(0, 1))
        .checkAssert((before, changes, style, crlf) -> {
          String newline = crlf == 1 ? "\r\n" : "\n";
          String original = render(before, style, newline);
          DotEnvFile file = DotEnv.parse(original);
          assertThat(file.values()).isEqualTo(before);

          String updated = file.updated(changes);

          Map<String, String> expected = new LinkedHashMap<>(before);
          expected.putAll(changes);
          assertThat(DotEnv.parse(updated).values()).isEqualTo(expected);
          for (String line : original.split("\r\n|\n", -1)) {
            if (line.startsWith("# comment")) {
              assertThat(updated).contains(line + newline);
            }
          }
          if (changes.isEmpty()) {
            assertThat(updated).isEqualTo(original);
          }
        });
  }

  /** Writes {@code values} in a mix of the styles people use, with comments and blank lines. */
  private static String render(Map<String, String> values, List<Integer> styles, String newline) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    for (Map.Entry<String, String> e : values.entrySet()) {
      int style = styles.get(i % styles.size());
      String key = e.getKey();
      String value = e.getValue();
      String encoded = DotEnv.write(Map.of(key, value)).strip().substring(key.length() + 1);
      boolean literalOk = value.indexOf('\'') < 0 && value.indexOf('\r') < 0;
      switch (style) {
        case 0:
          out.append(key).append('=').append(encoded);
          break;
        case 1:
          out.append("export ").append(key).append(" = ").append(encoded);
          break;
        case 2:
          out.append(key).append('=').append(literalOk ? "'" + value + "'" : encoded);
          break;
        case 3:
          out.append(key).append('=').append(encoded).append(" # comment ").append(i);
          break;
        case 4:
          out.append("# comment ").append(i).append(newline).append(newline);
          out.append(key).append("=").append(encoded);
          break;
        default:
          out.append(key).append("=\t").append(encoded).append("\t");
      }
      out.append(newline);
      i++;
    }
    return out.toString();
  }
}
