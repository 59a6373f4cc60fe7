package dev.deploykit.core.spi;

import com.fasterxml.jackson.databind.JsonNode;
import dev.deploykit.core.internal.StandardErrorBodyReader;
import org.jspecify.annotations.Nullable;

/**
 * Reads a platform's error code and message from the JSON body of an error response. Used by
 * {@link PlatformHttp} when it maps a non-2xx answer to a {@link dev.deploykit.core.DeploymentError}.
 *
 * <p>Implementations must be thread-safe, must not throw (return {@code null} for a body they do not
 * understand) and must not keep the node.
 */
@FunctionalInterface
public interface ErrorBodyReader {

  /**
   * Returns the error the body describes, or {@code null} when the body has no shape this reader
   * knows.
   *
   * @param body the parsed body; any JSON value, not only objects
   */
  @Nullable PlatformErrorBody read(JsonNode body);

  /**
   * Returns the reader {@link PlatformHttp} uses by default. It understands these shapes, in this
   * order:
   *
   * <ul>
   *   <li>Vercel: {@code {"error": {"code": "...", "message": "..."}}} (and OAuth's {@code {"error":
   *       "...", "error_description": "..."}});
   *   <li>GraphQL (Railway): {@code {"errors": [{"message": "...", "extensions": {"code": "..."}}]}};
   *       with a top-level {@code message} too (GitHub's 422), both are combined;
   *   <li>Render and GitHub: {@code {"message": "...", "code"|"id": "..."}}.
   * </ul>
   */
  static ErrorBodyReader standard() {
    return StandardErrorBodyReader.INSTANCE;
  }
}
