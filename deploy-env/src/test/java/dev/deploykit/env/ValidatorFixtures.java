package dev.deploykit.env;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;

/** Real-shaped values for validator tests; none is a real credential. */
final class ValidatorFixtures {
  static final String B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  static final String ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

  private ValidatorFixtures() {}

  /** Deterministic random text from {@code alphabet}. */
  static String random(String alphabet, int length, long seed) {
    Random r = new Random(seed);
    StringBuilder b = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      b.append(alphabet.charAt(r.nextInt(alphabet.length())));
    }
    return b.toString();
  }

  static String b64url(String json) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  /** A JWT shaped like a Supabase project key, with the given role. */
  static String supabaseJwt(String role) {
    return b64url("{\"alg\":\"HS256\",\"typ\":\"JWT\"}") + "."
        + b64url("{\"iss\":\"supabase\",\"ref\":\"abcdefghijklmnopqrst\",\"role\":\"" + role
            + "\",\"iat\":1700000000,\"exp\":2015576000}")
        + "." + random(B64URL, 43, role.hashCode());
  }

  static String anthropicKey(long seed) {
    return "sk-ant-api03-" + random(B64URL, 93, seed) + "AA";
  }

  static String openAiProjectKey(long seed) {
    return "sk-proj-" + random(B64URL, 156, seed);
  }

  static String openAiLegacyKey(long seed) {
    return "sk-" + random(ALNUM, 48, seed);
  }

  static String googleKey(long seed) {
    return "AIza" + random(B64URL, 35, seed);
  }

  static String clerkSecret(String mode, long seed) {
    return "sk_" + mode + "_" + random(ALNUM, 42, seed);
  }

  static String clerkPublishable(String mode) {
    return "pk_" + mode + "_" + Base64.getEncoder().encodeToString(
        "clerk.my-app.example.com$".getBytes(StandardCharsets.US_ASCII));
  }

  static String secret(long seed) {
    return Base64.getEncoder().encodeToString(random(ALNUM, 32, seed).getBytes(StandardCharsets.US_ASCII));
  }

  static EnvironmentVariable var(String key, VariableKind kind) {
    return EnvironmentVariable.builder(key).kind(kind).required(true).build();
  }

  static EnvironmentVariable sensitive(String key, VariableKind kind) {
    return EnvironmentVariable.builder(key).kind(kind).required(true).sensitive(true).build();
  }
}
