package dev.deploykit.env;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DotEnvTest {

  private static Map<String, String> values(String content) {
    return DotEnv.parse(content).values();
  }

  // ---- parsing -------------------------------------------------------------------------------

  @Test
  void parse_whenSimpleAssignments_returnsValuesInOrder() {
    assertThat(values("B=2\nA=1\nC=3\n")).containsExactly(entry("B", "2"), entry("A", "1"),
        entry("C", "3"));
  }

  @Test
  void parse_whenBlankAndCommentLines_ignoresThem() {
    assertThat(values("\n# a comment\n   \n\t# indented comment\nA=1\n\n"))
        .containsExactly(entry("A", "1"));
  }

  @Test
  void parse_whenEmpty_returnsNoValues() {
    assertThat(values("")).isEmpty();
    assertThat(values("\uFEFF")).isEmpty();
  }

  @Test
  void parse_whenInlineCommentAfterBareValue_cutsIt() {
    assertThat(values("A=one # the first\nB=two\t# tab before\nC= # only a comment\n"))
        .containsExactly(entry("A", "one"), entry("B", "two"), entry("C", ""));
  }

  @Test
  void parse_whenHashWithoutBlankBefore_keepsItInValue() {
    assertThat(values("COLOR=#ff0000\nURL=https://x.example/#frag\n"))
        .containsExactly(entry("COLOR", "#ff0000"), entry("URL", "https://x.example/#frag"));
  }

  @Test
  void parse_whenExportPrefix_ignoresIt() {
    assertThat(values("export A=1\nexport\tB = 2\n")).containsExactly(entry("A", "1"),
        entry("B", "2"));
  }

  @Test
  void parse_whenKeyIsExport_readsItAsKey() {
    assertThat(values("export=1\nexport = 2\n")).containsExactly(entry("export", "2"));
  }

  @Test
  void parse_whenSpacesAroundEquals_toleratesThem() {
    assertThat(values("  A = value with spaces  \nB=\t x\n"))
        .containsExactly(entry("A", "value with spaces"), entry("B", "x"));
  }

  @Test
  void parse_whenEmptyValue_returnsEmptyString() {
    assertThat(values("A=\nB=\"\"\nC=''\n")).containsExactly(entry("A", ""), entry("B", ""),
        entry("C", ""));
  }

  @Test
  void parse_whenEqualsInValue_keepsEverythingAfterFirstEquals() {
    assertThat(values("DATABASE_URL=postgres://u:p@h/db?sslmode=require&a=b\n"))
        .containsExactly(entry("DATABASE_URL", "postgres://u:p@h/db?sslmode=require&a=b"));
  }

  @Test
  void parse_whenSingleQuoted_isLiteral() {
    assertThat(values("A='a \\n $B \"x\" # not a comment'\n"))
        .containsExactly(entry("A", "a \\n $B \"x\" # not a comment"));
  }

  @Test
  void parse_whenBacktickQuoted_isLiteral() {
    assertThat(values("A=`it's \"fine\" \\t`\n")).containsExactly(entry("A", "it's \"fine\" \\t"));
  }

  @Test
  void parse_whenDoubleQuotedWithEscapes_decodesThem() {
    assertThat(values("A=\"l1\\nl2\\r\\t\\\"q\\\" \\\\ \\$HOME \\x\"\n"))
        .containsExactly(entry("A", "l1\nl2\r\t\"q\" \\ $HOME \\x"));
  }

  @Test
  void parse_whenQuotedValueFollowedByComment_ignoresComment() {
    assertThat(values("A=\"x # y\" # comment\nB='z'#c\n"))
        .containsExactly(entry("A", "x # y"), entry("B", "z"));
  }

  @Test
  void parse_whenMultiLineDoubleQuoted_joinsLinesWithNewline() {
    String content = "KEY=\"-----BEGIN KEY-----\nabc\ndef\n-----END KEY-----\"\nNEXT=1\n";

    assertThat(values(content)).containsExactly(
        entry("KEY", "-----BEGIN KEY-----\nabc\ndef\n-----END KEY-----"), entry("NEXT", "1"));
  }

  @Test
  void parse_whenMultiLineSingleQuotedWithCrlf_normalisesLineBreaks() {
    assertThat(values("A='x\r\ny'\r\nB=2\r\n")).containsExactly(entry("A", "x\ny"),
        entry("B", "2"));
  }

  @Test
  void parse_whenCrlfLineEndings_stripsCarriageReturns() {
    assertThat(values("A=1\r\n# c\r\nB=two words\r\n")).containsExactly(entry("A", "1"),
        entry("B", "two words"));
  }

  @Test
  void parse_whenByteOrderMark_skipsIt() {
    assertThat(values("\uFEFFA=1\n")).containsExactly(entry("A", "1"));
  }

  @Test
  void parse_whenDuplicateKeys_lastWinsAtFirstPosition() {
    assertThat(values("A=1\nB=2\nA=3\n")).containsExactly(entry("A", "3"), entry("B", "2"));
  }

  @Test
  void parse_whenUnicodeValue_keepsIt() {
    assertThat(values("A=héllo wörld 😀\n")).containsExactly(entry("A", "héllo wörld 😀"));
  }

  @Test
  void parse_whenNoFinalNewline_readsLastLine() {
    assertThat(values("A=1\nB=2")).containsExactly(entry("A", "1"), entry("B", "2"));
  }

  @Test
  void parse_whenLineHasNoEquals_throwsWithLineNumberAndWithoutText() {
    String content = "A=1\n\n# c\nB=2\nC=3\nD=4\nsupersecretvalue\n";

    assertThatThrownBy(() -> DotEnv.parse(content))
        .isInstanceOfSatisfying(DotEnvParseException.class, e -> {
          assertThat(e.lineNumber()).isEqualTo(7);
          assertThat(e.sourceName()).isEqualTo(".env");
          assertThat(e.getMessage())
              .isEqualTo(".env line 7: expected KEY=value but found no '='")
              .doesNotContain("supersecretvalue");
        });
  }

  @Test
  void parse_whenInvalidKey_throwsWithoutRepeatingTheLine() {
    assertThatThrownBy(() -> DotEnv.parse("1BAD=x\n", "config/.env.local"))
        .isInstanceOfSatisfying(DotEnvParseException.class, e -> {
          assertThat(e.lineNumber()).isEqualTo(1);
          assertThat(e.sourceName()).isEqualTo("config/.env.local");
          assertThat(e.getMessage()).startsWith("config/.env.local line 1: invalid variable name")
              .doesNotContain("1BAD");
        });
  }

  @Test
  void parse_whenLineLooksLikeUrl_doesNotLeakIt() {
    assertThatThrownBy(() -> DotEnv.parse("postgres://user:hunter2@db/app?x=1\n"))
        .isInstanceOf(DotEnvParseException.class)
        .message().doesNotContain("hunter2");
  }

  @Test
  void parse_whenSpaceInsideKey_throws() {
    assertThatThrownBy(() -> DotEnv.parse("MY KEY=hunter2\n"))
        .isInstanceOf(DotEnvParseException.class)
        .hasMessage(".env line 1: expected '=' right after the variable name");
  }

  @Test
  void parse_whenEmptyKey_throws() {
    assertThatThrownBy(() -> DotEnv.parse("=hunter2\n"))
        .isInstanceOf(DotEnvParseException.class)
        .message().contains("invalid variable name").doesNotContain("hunter2");
  }

  @Test
  void parse_whenUnterminatedDoubleQuote_throwsNamingKeyAtOpeningLine() {
    assertThatThrownBy(() -> DotEnv.parse("A=1\nSECRET=\"hunter2\nB=2\n"))
        .isInstanceOfSatisfying(DotEnvParseException.class, e -> {
          assertThat(e.lineNumber()).isEqualTo(2);
          assertThat(e.getMessage())
              .isEqualTo(".env line 2: unterminated double quote in the value of SECRET")
              .doesNotContain("hunter2");
        });
  }

  @Test
  void parse_whenUnterminatedSingleQuote_throws() {
    assertThatThrownBy(() -> DotEnv.parse("A='hunter2"))
        .isInstanceOf(DotEnvParseException.class)
        .hasMessage(".env line 1: unterminated single quote in the value of A");
  }

  @Test
  void parse_whenTextAfterClosingQuote_throwsAtThatLine() {
    assertThatThrownBy(() -> DotEnv.parse("A=\"x\ny\"hunter2\n"))
        .isInstanceOfSatisfying(DotEnvParseException.class, e -> {
          assertThat(e.lineNumber()).isEqualTo(2);
          assertThat(e.getMessage()).contains("A").doesNotContain("hunter2");
        });
  }

  @Test
  void parse_whenErrorAfterMultiLineValue_countsLinesCorrectly() {
    assertThatThrownBy(() -> DotEnv.parse("A=\"1\n2\n3\"\r\nB=2\r\noops\r\n"))
        .isInstanceOfSatisfying(DotEnvParseException.class,
            e -> assertThat(e.lineNumber()).isEqualTo(5));
  }

  @Test
  void read_whenUtf8FileWithBom_parsesIt(@TempDir Path dir) throws IOException {
    Path file = dir.resolve(".env");
    Files.write(file, "\uFEFFGREETING=grüß dich\r\n".getBytes(StandardCharsets.UTF_8));

    DotEnvFile parsed = DotEnv.read(file);

    assertThat(parsed.values()).containsExactly(entry("GREETING", "grüß dich"));
    assertThat(parsed.sourceName()).isEqualTo(file.toString());
  }

  @Test
  void read_whenMalformed_namesThePath(@TempDir Path dir) throws IOException {
    Path file = dir.resolve(".env.local");
    Files.writeString(file, "A=1\nbroken\n");

    assertThatThrownBy(() -> DotEnv.read(file))
        .isInstanceOf(DotEnvParseException.class)
        .hasMessage(file + " line 2: expected KEY=value but found no '='");
  }

  @Test
  void read_whenMissing_throwsUncheckedIo(@TempDir Path dir) {
    assertThatThrownBy(() -> DotEnv.read(dir.resolve("nope")))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("nope");
  }

  // ---- DotEnvFile ----------------------------------------------------------------------------

  @Test
  void values_whenModified_throws() {
    Map<String, String> values = values("A=1\n");

    assertThatThrownBy(() -> values.put("B", "2")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void get_whenPresentOrAbsent_returnsOptional() {
    DotEnvFile file = DotEnv.parse("A=1\nE=\n");

    assertThat(file.get("A")).contains("1");
    assertThat(file.get("E")).contains("");
    assertThat(file.get("MISSING")).isEmpty();
  }

  @Test
  void apply_whenSomeKeysPresent_fillsThoseAndKeepsOthers() {
    EnvironmentVariable a = EnvironmentVariable.builder("A").build();
    EnvironmentVariable b = EnvironmentVariable.builder("B").value("old").build();
    EnvironmentVariable c = EnvironmentVariable.builder("C").value("keep").build();

    List<EnvironmentVariable> applied = DotEnv.parse("B=new\nA=1\nUNUSED=x\n").apply(List.of(a, b, c));

    assertThat(applied).extracting(EnvironmentVariable::key).containsExactly("A", "B", "C");
    assertThat(applied).extracting(EnvironmentVariable::value).containsExactly("1", "new", "keep");
    assertThat(applied.get(2)).isSameAs(c);
  }

  @Test
  void toString_whenValuesPresent_showsKeysOnly() {
    DotEnvFile file = DotEnv.parse("SECRET=hunter2\nOTHER='also-secret'\n");

    assertThat(file.toString()).contains("SECRET", "OTHER").doesNotContain("hunter2", "also-secret");
  }

  @Test
  void updated_whenNoNewValues_returnsOriginalByteForByte() {
    String original = "\uFEFF# top\r\nexport A = 'x' # c\r\n\r\nB=\"multi\nline\"\rC=3";

    assertThat(DotEnv.parse(original).updated(Map.of())).isEqualTo(original);
  }

  @Test
  void updated_whenKeyPresent_replacesOnlyItsValue() {
    String original = "# Database\nDATABASE_URL=postgres://old # prod\n\n"
        + "export NEXTAUTH_SECRET=   # fill me\nOTHER='kept'\n";

    String updated = DotEnv.parse(original).updated(Map.of("NEXTAUTH_SECRET", "abc+/=="));

    assertThat(updated).isEqualTo("# Database\nDATABASE_URL=postgres://old # prod\n\n"
        + "export NEXTAUTH_SECRET=abc+/==   # fill me\nOTHER='kept'\n");
  }

  @Test
  void updated_whenQuotedStyles_keepsStyleWherePossible() {
    String original = "S='old'\nB=`old`\nD=\"old\"\nU=old\n";
    Map<String, String> changes = new LinkedHashMap<>();
    changes.put("S", "new value");
    changes.put("B", "it's");
    changes.put("D", "plain");
    changes.put("U", "needs quotes #");

    String updated = DotEnv.parse(original).updated(changes);

    assertThat(updated).isEqualTo("S='new value'\nB=`it's`\nD=\"plain\"\nU=\"needs quotes #\"\n");
    assertThat(DotEnv.parse(updated).values()).containsExactlyEntriesOf(changes);
  }

  @Test
  void updated_whenSingleQuotedAndNewValueHasQuote_switchesToDoubleQuotes() {
    String updated = DotEnv.parse("S='old'\n").updated(Map.of("S", "it's"));

    assertThat(updated).isEqualTo("S=\"it's\"\n");
  }

  @Test
  void updated_whenMultiLineValueReplaced_keepsFollowingLines() {
    String original = "KEY=\"line1\nline2\"\nNEXT=1\n";

    String updated = DotEnv.parse(original).updated(Map.of("KEY", "short"));

    assertThat(updated).isEqualTo("KEY=\"short\"\nNEXT=1\n");
  }

  @Test
  void updated_whenKeyMissing_appendsWithFileLineEnding() {
    Map<String, String> changes = new LinkedHashMap<>();
    changes.put("A", "2");
    changes.put("NEW_ONE", "x y");
    changes.put("NEW_TWO", "z");

    String updated = DotEnv.parse("A=1\r\n# keep\r\n").updated(changes);

    assertThat(updated).isEqualTo("A=2\r\n# keep\r\nNEW_ONE=\"x y\"\r\nNEW_TWO=z\r\n");
  }

  @Test
  void updated_whenNoFinalNewline_addsOneBeforeAppending() {
    assertThat(DotEnv.parse("A=1").updated(Map.of("B", "2"))).isEqualTo("A=1\nB=2\n");
  }

  @Test
  void updated_whenEmptyFile_writesOnlyNewKeys() {
    assertThat(DotEnv.parse("").updated(Map.of("B", "2"))).isEqualTo("B=2\n");
  }

  @Test
  void updated_whenDuplicateKey_replacesEveryAssignment() {
    String updated = DotEnv.parse("A=old1\nB=1\nA=old2\n").updated(Map.of("A", "new"));

    assertThat(updated).isEqualTo("A=new\nB=1\nA=new\n");
  }

  @Test
  void updated_whenInvalidKey_throws() {
    DotEnvFile file = DotEnv.parse("");

    assertThatThrownBy(() -> file.updated(Map.of("1X", "v")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1X");
  }

  // ---- writing -------------------------------------------------------------------------------

  @Test
  void write_whenPlainValues_writesThemBare() {
    Map<String, String> map = new LinkedHashMap<>();
    map.put("PORT", "3000");
    map.put("URL", "https://a.example/x?y=1&z=2");
    map.put("EMPTY", "");

    assertThat(DotEnv.write(map)).isEqualTo("PORT=3000\nURL=https://a.example/x?y=1&z=2\nEMPTY=\n");
  }

  @Test
  void write_whenSpecialCharacters_quotesAndEscapes() {
    Map<String, String> map = new LinkedHashMap<>();
    map.put("A", "two words");
    map.put("B", "line1\nline2");
    map.put("C", "say \"hi\" \\ $HOME #1");
    map.put("D", " padded ");

    String written = DotEnv.write(map);

    assertThat(written).isEqualTo("A=\"two words\"\nB=\"line1\\nline2\"\n"
        + "C=\"say \\\"hi\\\" \\\\ \\$HOME #1\"\nD=\" padded \"\n");
    assertThat(DotEnv.parse(written).values()).containsExactlyEntriesOf(map);
  }

  @Test
  void write_whenInvalidKey_throwsWithoutValue() {
    assertThatThrownBy(() -> DotEnv.write(Map.of("NOT-VALID", "hunter2")))
        .isInstanceOf(IllegalArgumentException.class)
        .message().contains("NOT-VALID").doesNotContain("hunter2");
  }

  @Test
  void exportExample_whenVariables_writesCommentsAndExamplesButNoSecrets() {
    EnvironmentVariable secret = EnvironmentVariable.builder("NEXTAUTH_SECRET")
        .description("Secret NextAuth signs tokens with.")
        .required(true)
        .sensitive(true)
        .generatable(true)
        .example("EXAMPLE-OF-SECRET-SHAPE")
        .value("CANARY-SENSITIVE-VALUE")
        .build();
    EnvironmentVariable url = EnvironmentVariable.builder("NEXTAUTH_URL")
        .description("The canonical URL of your app.")
        .example("https://my-app.example.com")
        .value("https://actual.example.org")
        .build();
    EnvironmentVariable bare = EnvironmentVariable.builder("NO_EXAMPLE").required(true).build();

    String example = DotEnv.exportExample(List.of(secret, url, bare));

    assertThat(example).startsWith("# Generated by deploykit.")
        .contains("# Secret NextAuth signs tokens with.\n# required, sensitive")
        .contains("\nNEXTAUTH_SECRET=\n")
        .contains("# The canonical URL of your app.\n# optional\nNEXTAUTH_URL=https://my-app.example.com\n")
        .contains("# required\nNO_EXAMPLE=\n")
        .doesNotContain("CANARY-SENSITIVE-VALUE", "EXAMPLE-OF-SECRET-SHAPE", "actual.example.org");
    assertThat(DotEnv.parse(example).values()).containsExactly(entry("NEXTAUTH_SECRET", ""),
        entry("NEXTAUTH_URL", "https://my-app.example.com"), entry("NO_EXAMPLE", ""));
  }

  @Test
  void exportExample_whenLongDescription_wrapsAt100Characters() {
    String description = "word ".repeat(60) + "\nsecond paragraph";
    EnvironmentVariable var = EnvironmentVariable.builder("LONG").description(description)
        .example("needs \"quotes\"").build();

    String example = DotEnv.exportExample(List.of(var));

    assertThat(example.lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(100));
    assertThat(example).contains("# second paragraph\n");
    assertThat(DotEnv.parse(example).values()).containsExactly(entry("LONG", "needs \"quotes\""));
  }

  @Test
  void exportExample_whenCatalogueVariables_parsesBackWithEmptySensitiveValues() {
    ScaffoldConfig config = ScaffoldConfig.builder().database("prisma-postgres").auth("nextauth")
        .build();
    List<EnvironmentVariable> vars = EnvironmentVariableDetector.create().detect(config);

    Map<String, String> parsed = DotEnv.parse(DotEnv.exportExample(vars)).values();

    assertThat(parsed.keySet()).containsExactlyElementsOf(
        vars.stream().map(EnvironmentVariable::key).toList());
    vars.stream().filter(EnvironmentVariable::sensitive)
        .forEach(v -> assertThat(parsed.get(v.key())).isEmpty());
  }
}
