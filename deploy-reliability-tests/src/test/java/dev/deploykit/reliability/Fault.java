package dev.deploykit.reliability;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import dev.deploykit.core.ErrorCode;

/**
 * What the platform does wrong in one cell of the matrix. Error bodies echo the token, so that a
 * message quoting the platform must redact it.
 */
enum Fault {
  HTTP_400("HTTP 400", 400, ErrorCode.INVALID_CONFIG, false),
  HTTP_401("HTTP 401", 401, ErrorCode.AUTH_FAILED, false),
  HTTP_403("HTTP 403", 403, ErrorCode.INSUFFICIENT_PERMISSIONS, false),
  HTTP_404("HTTP 404", 404, ErrorCode.INVALID_CONFIG, false),
  HTTP_409("HTTP 409", 409, ErrorCode.PROJECT_NAME_TAKEN, false),
  HTTP_429_RETRY_AFTER("HTTP 429, Retry-After 0.3 s", 429, ErrorCode.RATE_LIMIT_EXCEEDED, true),
  HTTP_429("HTTP 429, no Retry-After", 429, ErrorCode.RATE_LIMIT_EXCEEDED, true),
  HTTP_500("HTTP 500", 500, ErrorCode.PLATFORM_UNAVAILABLE, true),
  HTTP_502("HTTP 502", 502, ErrorCode.PLATFORM_UNAVAILABLE, true),
  HTTP_503("HTTP 503", 503, ErrorCode.PLATFORM_UNAVAILABLE, true),
  CONNECTION_RESET("connection reset", 0, ErrorCode.PLATFORM_UNAVAILABLE, true),
  NO_RESPONSE("no response (request timeout 300 ms)", 0, ErrorCode.PLATFORM_UNAVAILABLE, true),
  BODY_CUT_SHORT("body cut short", 200, ErrorCode.PLATFORM_UNAVAILABLE, true),
  MALFORMED_JSON("malformed JSON (200)", 200, ErrorCode.PLATFORM_UNAVAILABLE, true),
  HTML_PAGE("HTML error page (502)", 502, ErrorCode.PLATFORM_UNAVAILABLE, true),
  EMPTY_BODY("empty body (200)", 200, ErrorCode.PLATFORM_UNAVAILABLE, true);

  /** What an HTML error page holds; a message that quotes it is wrong. */
  static final String HTML_MARKER = "ProxyErrorPageMarker";
  /** How long the platform waits before a response that "never comes". */
  static final int NO_RESPONSE_DELAY_MILLIS = 1_500;

  final String label;
  final int status;
  /** The code the shared HTTP mapping gives this fault on its own. */
  final ErrorCode code;
  /** Whether repeating the request may succeed. */
  final boolean temporary;

  Fault(String label, int status, ErrorCode code, boolean temporary) {
    this.label = label;
    this.status = status;
    this.code = code;
    this.temporary = temporary;
  }

  /** The answer, whose error body echoes {@code token}. */
  ResponseDefinitionBuilder response(String token) {
    String echo = "{\"error\":{\"code\":\"bad_thing\",\"message\":\"Bearer " + token
        + " is not allowed here (" + name() + ")\"},\"message\":\"token " + token + "\"}";
    return switch (this) {
      case HTTP_400, HTTP_401, HTTP_403, HTTP_404, HTTP_409, HTTP_500, HTTP_502, HTTP_503 ->
          json(status, echo);
      case HTTP_429_RETRY_AFTER -> json(429, echo).withHeader("Retry-After", "0.3");
      case HTTP_429 -> json(429, echo);
      case CONNECTION_RESET -> aResponse().withFault(
          com.github.tomakehurst.wiremock.http.Fault.CONNECTION_RESET_BY_PEER);
      case NO_RESPONSE -> json(200, "{}").withFixedDelay(NO_RESPONSE_DELAY_MILLIS);
      case BODY_CUT_SHORT -> aResponse().withFault(
          com.github.tomakehurst.wiremock.http.Fault.MALFORMED_RESPONSE_CHUNK);
      case MALFORMED_JSON -> json(200, "{\"id\": \"prj_1\", \"name\": [oops");
      case HTML_PAGE -> aResponse().withStatus(502).withHeader("Content-Type", "text/html")
          .withBody("<html><head><title>502 Bad Gateway</title></head><body><h1>"
              + HTML_MARKER + "</h1><p>" + token + "</p></body></html>");
      case EMPTY_BODY -> aResponse().withStatus(200).withHeader("Content-Type", "application/json");
    };
  }

  private static ResponseDefinitionBuilder json(int status, String body) {
    return aResponse().withStatus(status).withHeader("Content-Type", "application/json")
        .withHeader("x-request-id", "req_fault_1").withBody(body);
  }
}
