package dev.deploykit.examples.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** Reading and writing the console's HTTP exchanges: bounded JSON bodies, headers, errors. */
final class HttpIo {
  /** The largest request body read; the validator itself rejects values above 65,536 chars. */
  static final int MAX_BODY_BYTES = 512 * 1024;

  /**
   * Nothing is loaded from anywhere but this server; no inline script or style; no framing. The
   * {@code data:} image source is the empty favicon.
   */
  static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self';"
      + " style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none';"
      + " form-action 'self'; frame-ancestors 'none'";

  private HttpIo() {}

  /** Adds the headers every response carries. */
  static void commonHeaders(Headers headers) {
    headers.set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    headers.set("X-Content-Type-Options", "nosniff");
    headers.set("Referrer-Policy", "no-referrer");
    headers.set("X-Frame-Options", "DENY");
    headers.set("Cross-Origin-Resource-Policy", "same-origin");
  }

  /**
   * Reads a JSON object body of at most {@link #MAX_BODY_BYTES}.
   *
   * @throws ApiException 415 unless the body is declared {@code application/json} (so that a plain
   *     HTML form on another site cannot post here), 413 if too large, 400 if not a JSON object
   */
  static JsonNode readJsonObject(HttpExchange exchange, ObjectMapper mapper)
      throws IOException, ApiException {
    String type = exchange.getRequestHeaders().getFirst("Content-Type");
    if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
      throw new ApiException(415, "UNSUPPORTED_MEDIA_TYPE",
          "Send the request body as JSON with Content-Type: application/json");
    }
    byte[] body = readBounded(exchange.getRequestBody());
    JsonNode node;
    try {
      node = mapper.readTree(body);
    } catch (JsonProcessingException e) {
      // Jackson's message may quote the body, which may hold secrets: never pass it on.
      throw new ApiException(400, "INVALID_JSON", "The request body is not valid JSON");
    }
    if (node == null || !node.isObject()) {
      throw new ApiException(400, "INVALID_JSON", "The request body must be a JSON object");
    }
    return node;
  }

  private static byte[] readBounded(InputStream in) throws IOException, ApiException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    int total = 0;
    for (int n; (n = in.read(buffer)) != -1; ) {
      total += n;
      if (total > MAX_BODY_BYTES) {
        throw new ApiException(413, "BODY_TOO_LARGE",
            "The request body is larger than " + MAX_BODY_BYTES / 1024 + " KiB");
      }
      out.write(buffer, 0, n);
    }
    return out.toByteArray();
  }

  /** Returns the text of a field, or {@code null} when absent, null or blank. */
  static @Nullable String text(JsonNode node, String field) throws ApiException {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw new ApiException(400, "INVALID_REQUEST", field + " must be a string", field);
    }
    String text = value.asText();
    return text.isBlank() ? null : text;
  }

  /** Sends a JSON body. */
  static void sendJson(HttpExchange exchange, int status, JsonNode body, ObjectMapper mapper)
      throws IOException {
    send(exchange, status, "application/json; charset=utf-8", mapper.writeValueAsBytes(body));
  }

  /** Sends {@code {"error":{"code","message","field"}}}. */
  static void sendError(HttpExchange exchange, ApiException e, ObjectMapper mapper)
      throws IOException {
    sendJson(exchange, e.status(), errorBody(e, mapper), mapper);
  }

  static ObjectNode errorBody(ApiException e, ObjectMapper mapper) {
    ObjectNode body = mapper.createObjectNode();
    ObjectNode error = body.putObject("error");
    error.put("code", e.code());
    error.put("message", e.getMessage());
    error.put("field", e.field());
    return body;
  }

  /** Sends a complete body of known length; the exchange is closed. */
  static void send(HttpExchange exchange, int status, String contentType, byte[] body)
      throws IOException {
    Headers headers = exchange.getResponseHeaders();
    headers.set("Content-Type", contentType);
    if (!headers.containsKey("Cache-Control")) {
      headers.set("Cache-Control", "no-store");
    }
    boolean noBody = status == 204 || "HEAD".equals(exchange.getRequestMethod());
    exchange.sendResponseHeaders(status, noBody ? -1 : body.length == 0 ? -1 : body.length);
    if (!noBody && body.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
    exchange.close();
  }

  static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
