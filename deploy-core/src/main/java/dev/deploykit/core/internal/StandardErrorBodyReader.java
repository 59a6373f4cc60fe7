package dev.deploykit.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deploykit.core.spi.ErrorBodyReader;
import dev.deploykit.core.spi.PlatformErrorBody;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** The default {@link ErrorBodyReader}; see {@link ErrorBodyReader#standard()}. */
public final class StandardErrorBodyReader implements ErrorBodyReader {
  /** The one instance. */
  public static final StandardErrorBodyReader INSTANCE = new StandardErrorBodyReader();

  private static final int MAX_NESTED_MESSAGES = 3;

  private StandardErrorBodyReader() {}

  @Override
  public @Nullable PlatformErrorBody read(JsonNode body) {
    if (!body.isObject()) {
      return null;
    }
    JsonNode error = body.get("error");
    if (error != null && error.isObject()) {
      String code = text(error.get("code"));
      String message = text(error.get("message"));
      if (code != null || message != null) {
        return new PlatformErrorBody(code, message);
      }
    } else if (error != null && error.isTextual()) {
      // OAuth style: {"error": "invalid_token", "error_description": "..."}
      return new PlatformErrorBody(text(error), text(body.get("error_description")));
    }
    String topMessage = text(body.get("message"));
    String topCode = text(body.get("code"));
    if (topCode == null) {
      topCode = text(body.get("id"));
    }
    JsonNode errors = body.get("errors");
    if (errors != null && errors.isArray() && !errors.isEmpty()) {
      List<String> messages = new ArrayList<>();
      String firstCode = null;
      for (JsonNode entry : errors) {
        if (messages.size() == MAX_NESTED_MESSAGES) {
          break;
        }
        String m = entryMessage(entry);
        if (m != null) {
          messages.add(m);
        }
        if (firstCode == null && entry.isObject()) {
          firstCode = text(entry.path("extensions").get("code"));
          if (firstCode == null) {
            firstCode = text(entry.get("code"));
          }
        }
      }
      String joined = messages.isEmpty() ? null : String.join("; ", messages);
      String message = topMessage == null ? joined
          : joined == null ? topMessage
          : stripPeriod(topMessage) + " (" + joined + ")";
      String code = topCode != null ? topCode : firstCode;
      if (message != null || code != null) {
        return new PlatformErrorBody(code, message);
      }
    }
    if (topMessage != null || topCode != null) {
      return new PlatformErrorBody(topCode, topMessage);
    }
    return null;
  }

  private static @Nullable String entryMessage(JsonNode entry) {
    if (entry.isTextual()) {
      return blankToNull(entry.asText());
    }
    if (!entry.isObject()) {
      return null;
    }
    String message = text(entry.get("message"));
    if (message != null) {
      return message;
    }
    // GitHub validation errors: {resource, field, code}
    String field = text(entry.get("field"));
    String code = text(entry.get("code"));
    if (field != null && code != null) {
      return field + " " + code.replace('_', ' ');
    }
    return null;
  }

  private static String stripPeriod(String s) {
    return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
  }

  private static @Nullable String text(@Nullable JsonNode node) {
    if (node == null || !(node.isTextual() || node.isNumber())) {
      return null;
    }
    return blankToNull(node.asText());
  }

  private static @Nullable String blankToNull(String s) {
    String t = s.strip();
    return t.isEmpty() ? null : t;
  }
}
