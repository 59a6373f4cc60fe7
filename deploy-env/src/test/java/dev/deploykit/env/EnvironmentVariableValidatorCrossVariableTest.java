package dev.deploykit.env;

import static dev.deploykit.env.ValidatorFixtures.clerkPublishable;
import static dev.deploykit.env.ValidatorFixtures.clerkSecret;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EnvironmentVariableValidatorCrossVariableTest {
  private static final String SUPABASE_POOLER = "postgresql://postgres.abcdefghijklmnopqrst:s3cr3tpw"
      + "@aws-0-eu-central-1.pooler.supabase.com:6543/postgres";

  private final EnvironmentVariableValidator validator = EnvironmentVariableValidator.create();

  private static EnvironmentVariable publishable(String value) {
    return EnvironmentVariable.builder("NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY")
        .kind(VariableKind.CLERK_PUBLISHABLE_KEY).required(true).value(value).build();
  }

  private static EnvironmentVariable secret(String value) {
    return EnvironmentVariable.builder("CLERK_SECRET_KEY").kind(VariableKind.CLERK_SECRET_KEY)
        .required(true).sensitive(true).value(value).build();
  }

  private static EnvironmentVariable url(String key, String value) {
    return EnvironmentVariable.builder(key).kind(VariableKind.URL).value(value).build();
  }

  @ParameterizedTest
  @CsvSource({"test, live, live, test", "live, test, test, live"})
  void validateAll_whenClerkKeysFromDifferentModes_expectedErrorUnderSecretKey(
      String pkMode, String skMode, String skWord, String pkWord) {
    List<EnvironmentVariable> vars = List.of(publishable(clerkPublishable(pkMode)),
        secret(clerkSecret(skMode, 1)));

    Map<String, ValidationResult> results = validator.validateAll(vars);

    assertThat(results).containsOnlyKeys("NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY", "CLERK_SECRET_KEY");
    assertThat(results.get("NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY").isValid()).isTrue();
    assertThat(results.get("CLERK_SECRET_KEY").error()).hasValue("CLERK_SECRET_KEY is a " + skWord
        + " key but NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY is a " + pkWord + " key: use both keys from"
        + " the same Clerk instance, like pk_test_... with sk_test_... (or pk_live_... with"
        + " sk_live_...)");
    assertThat(validator.areAllValid(vars)).isFalse();
  }

  @Test
  void validateAll_whenClerkKeysFromSameMode_expectedValid() {
    List<EnvironmentVariable> vars = List.of(publishable(clerkPublishable("live")),
        secret(clerkSecret("live", 2)));

    assertThat(validator.areAllValid(vars)).isTrue();
    assertThat(validator.getErrors(vars)).isEmpty();
  }

  @Test
  void validateAll_whenClerkKeysFoundByKindNotName_expectedMismatchReported() {
    EnvironmentVariable pk = EnvironmentVariable.builder("VITE_CLERK_KEY")
        .kind(VariableKind.CLERK_PUBLISHABLE_KEY).value(clerkPublishable("test")).build();
    EnvironmentVariable sk = EnvironmentVariable.builder("AUTH_SECRET")
        .kind(VariableKind.CLERK_SECRET_KEY).sensitive(true).value(clerkSecret("live", 3)).build();

    assertThat(validator.getErrors(List.of(sk, pk))).containsOnlyKeys("AUTH_SECRET")
        .hasEntrySatisfying("AUTH_SECRET", m -> assertThat(m)
            .startsWith("AUTH_SECRET is a live key but VITE_CLERK_KEY is a test key"));
  }

  @Test
  void validate_whenClerkKeysMismatchButSingleVariable_expectedNoCrossRule() {
    assertThat(validator.validate(secret(clerkSecret("live", 4))).isValid()).isTrue();
  }

  @ParameterizedTest
  @CsvSource({
      "https://my-app.example.com, https://my-app.example.com",
      "https://my-app.example.com/, https://my-app.example.com",
      "HTTPS://My-App.Example.com, https://my-app.example.com/",
      "https://my-app.example.com:443, https://my-app.example.com",
      "http://localhost:3000, http://localhost:3000/"})
  void validateAll_whenNextAuthUrlEqualsAppUrlAfterNormalising_expectedValid(String auth, String app) {
    List<EnvironmentVariable> vars = List.of(url("NEXTAUTH_URL", auth), url("NEXT_PUBLIC_APP_URL", app));

    assertThat(validator.getErrors(vars)).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({
      "https://my-app.example.com, https://www.my-app.example.com",
      "http://my-app.example.com, https://my-app.example.com",
      "https://my-app.example.com/app, https://my-app.example.com",
      "https://my-app.vercel.app, https://my-app.example.com"})
  void validateAll_whenNextAuthUrlDiffersFromAppUrl_expectedErrorUnderNextAuthUrl(String auth, String app) {
    List<EnvironmentVariable> vars = List.of(url("NEXT_PUBLIC_APP_URL", app), url("NEXTAUTH_URL", auth));

    Map<String, String> errors = validator.getErrors(vars);

    assertThat(errors).containsOnlyKeys("NEXTAUTH_URL");
    assertThat(errors.get("NEXTAUTH_URL"))
        .startsWith("NEXTAUTH_URL must equal NEXT_PUBLIC_APP_URL when both are set")
        .contains("like https://my-app.example.com for both")
        .contains("(got \"" + auth + "\" and \"" + app + "\")");
  }

  @Test
  void validateAll_whenOnlyOneOfTheAppUrlsSet_expectedValid() {
    assertThat(validator.areAllValid(List.of(url("NEXTAUTH_URL", "https://a.example.com"),
        EnvironmentVariable.builder("NEXT_PUBLIC_APP_URL").kind(VariableKind.URL).build()))).isTrue();
    assertThat(validator.areAllValid(List.of(url("NEXTAUTH_URL", "https://a.example.com"),
        url("NEXT_PUBLIC_APP_URL", "  ")))).isTrue();
  }

  @Test
  void validateAll_whenSensitiveUrlsDiffer_expectedNoValuesInMessage() {
    EnvironmentVariable auth = EnvironmentVariable.builder("NEXTAUTH_URL").kind(VariableKind.URL)
        .sensitive(true).value("https://canaryauth.example.com").build();

    assertThat(validator.getErrors(List.of(auth, url("NEXT_PUBLIC_APP_URL", "https://canaryapp.example.com"))))
        .hasEntrySatisfying("NEXTAUTH_URL", m -> assertThat(m).doesNotContain("canary"));
  }

  @Test
  void validateAll_whenPoolerWithoutPgbouncer_expectedReportedOnce() {
    EnvironmentVariable db = EnvironmentVariable.builder("DATABASE_URL").kind(VariableKind.POSTGRES_URL)
        .required(true).sensitive(true).feature("prisma-postgres").value(SUPABASE_POOLER).build();

    Map<String, String> errors = validator.getErrors(List.of(db));

    assertThat(errors).containsOnlyKeys("DATABASE_URL");
    assertThat(errors.get("DATABASE_URL")).contains("?pgbouncer=true").doesNotContain("; ")
        .doesNotContain("s3cr3tpw");
  }

  @Test
  void getErrors_whenManyProblems_expectedAllAtOnceInInputOrder() {
    EnvironmentVariable db = EnvironmentVariable.builder("DATABASE_URL").kind(VariableKind.POSTGRES_URL)
        .required(true).sensitive(true).feature("prisma-postgres").value(SUPABASE_POOLER).build();
    EnvironmentVariable nextAuthSecret = EnvironmentVariable.builder("NEXTAUTH_SECRET")
        .kind(VariableKind.SECRET).required(true).sensitive(true).build();
    EnvironmentVariable region = EnvironmentVariable.builder("AWS_REGION").kind(VariableKind.AWS_REGION)
        .required(true).value("eu-central-1").build();
    EnvironmentVariable code = EnvironmentVariable.builder("TEAM_CODE").required(true).value("toolong!")
        .validation(new Validation("[a-z]+", null, 5)).build();
    List<EnvironmentVariable> vars = List.of(db, nextAuthSecret, region,
        publishable(clerkPublishable("test")), secret(clerkSecret("live", 5)),
        url("NEXTAUTH_URL", "https://a.example.com"), url("NEXT_PUBLIC_APP_URL", "https://b.example.com"),
        code);

    Map<String, String> errors = validator.getErrors(vars);

    assertThat(errors.keySet()).containsExactly("DATABASE_URL", "NEXTAUTH_SECRET", "CLERK_SECRET_KEY",
        "NEXTAUTH_URL", "TEAM_CODE");
    assertThat(errors.get("NEXTAUTH_SECRET")).startsWith("NEXTAUTH_SECRET is required");
    assertThat(errors.get("TEAM_CODE").split("; ")).containsExactly(
        "TEAM_CODE must be at most 5 characters long (got \"toolong!\")",
        "TEAM_CODE must match the pattern [a-z]+ (got \"toolong!\")");
    Map<String, ValidationResult> all = validator.validateAll(vars);
    assertThat(all.keySet()).containsExactly("DATABASE_URL", "NEXTAUTH_SECRET", "AWS_REGION",
        "NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY", "CLERK_SECRET_KEY", "NEXTAUTH_URL", "NEXT_PUBLIC_APP_URL",
        "TEAM_CODE");
    assertThat(all).contains(entry("AWS_REGION", ValidationResult.valid()));
    assertThat(validator.areAllValid(vars)).isFalse();
  }

  @Test
  void getErrors_whenVariableBothMalformedAndMismatched_expectedBothJoined() {
    List<EnvironmentVariable> vars = List.of(url("NEXTAUTH_URL", "my-app.example.com"),
        url("NEXT_PUBLIC_APP_URL", "https://my-app.example.com"));

    assertThat(validator.getErrors(vars).get("NEXTAUTH_URL").split("; ")).hasSize(2)
        .anySatisfy(m -> assertThat(m).contains("must start with https://"))
        .anySatisfy(m -> assertThat(m).contains("must equal NEXT_PUBLIC_APP_URL"));
  }

  @Test
  void validateAll_whenEmptyList_expectedEmptyAndAllValid() {
    assertThat(validator.validateAll(List.of())).isEmpty();
    assertThat(validator.getErrors(List.of())).isEmpty();
    assertThat(validator.areAllValid(List.of())).isTrue();
  }

  @Test
  void validateAll_whenNullListOrElement_expectedNullPointerException() {
    assertThatNullPointerException().isThrownBy(() -> validator.validateAll(null)).withMessage("vars");
    assertThatNullPointerException().isThrownBy(
        () -> validator.getErrors(Arrays.asList(url("NEXTAUTH_URL", "https://a.example.com"), null)));
  }

  @Test
  void validateAll_whenResultMapModified_expectedUnsupported() {
    Map<String, ValidationResult> results = validator.validateAll(List.of(url("NEXTAUTH_URL", "x")));

    assertThatThrownBy(results::clear)
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void validateAll_whenKeyListedTwice_expectedOneEntryWithBothProblems() {
    List<EnvironmentVariable> vars = List.of(url("SITE_URL", "ftp://a.example.com"),
        url("SITE_URL", "https://a"));

    assertThat(validator.getErrors(vars)).containsOnlyKeys("SITE_URL")
        .hasEntrySatisfying("SITE_URL", m -> assertThat(m.split("; ")).hasSize(2));
  }
}
