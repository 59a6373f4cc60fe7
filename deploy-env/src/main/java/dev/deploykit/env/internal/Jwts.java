package dev.deploykit.env.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.Base64;
import org.jspecify.annotations.Nullable;

/** Checks the shape of a JSON Web Token without verifying its signature. */
final class Jwts {
  /** The longest header or payload segment decoded; longer ones are rejected unread. */
  static final int MAX_SEGMENT = 8 * 1024;

  private static final ObjectMapper MAPPER = JsonMapper.builder().build();

  private Jwts() {}

  /** Returns what is wrong with {@code value} as a JWT, as a phrase after the key, or null. */
  static @Nullable String problem(String value) {
    int first = value.indexOf('.');
    int second = first < 0 ? -1 : value.indexOf('.', first + 1);
    if (first < 0 || second < 0 || value.indexOf('.', second + 1) >= 0) {
      return "must be a JWT: three base64url parts separated by '.'";
    }
    if (!segmentOk(value, 0, first) || !segmentOk(value, first + 1, second)
        || !segmentOk(value, second + 1, value.length())) {
      return "must be a JWT: three non-empty parts of letters, digits, '-' and '_' separated by '.'";
    }
    if (first > MAX_SEGMENT) {
      return "must be a JWT whose header is at most " + MAX_SEGMENT + " characters";
    }
    JsonNode header = decodeObject(value.substring(0, first));
    if (header == null) {
      return "must be a JWT whose first part decodes to a JSON header";
    }
    JsonNode alg = header.get("alg");
    if (alg == null || !alg.isTextual() || alg.asText().isEmpty()) {
      return "must be a JWT whose header names its algorithm (\"alg\")";
    }
    return null;
  }

  /** Returns the {@code role} claim of a well-formed JWT's payload, or null. */
  static @Nullable String role(String value) {
    int first = value.indexOf('.');
    int second = first < 0 ? -1 : value.indexOf('.', first + 1);
    if (second < 0 || second - first - 1 > MAX_SEGMENT) {
      return null;
    }
    JsonNode payload = decodeObject(value.substring(first + 1, second));
    JsonNode role = payload == null ? null : payload.get("role");
    return role != null && role.isTextual() ? role.asText() : null;
  }

  /** base64url characters with at most two trailing '=', not empty, a possible base64 length. */
  private static boolean segmentOk(String s, int from, int to) {
    int end = to;
    while (end > from && to - end < 2 && s.charAt(end - 1) == '=') {
      end--;
    }
    if (end == from || (end - from) % 4 == 1) {
      return false;
    }
    for (int i = from; i < end; i++) {
      if (!Chars.isBase64Url(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static @Nullable JsonNode decodeObject(String segment) {
    try {
      byte[] json = Base64.getUrlDecoder().decode(segment);
      JsonNode node = MAPPER.readTree(json);
      return node != null && node.isObject() ? node : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
