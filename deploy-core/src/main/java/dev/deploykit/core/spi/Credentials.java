package dev.deploykit.core.spi;

import java.util.Objects;

/**
 * A token for one platform. {@link #toString()} never shows it.
 *
 * @param platform the platform id
 * @param token the secret token
 * @param type how the platform should receive it, e.g. {@code account}, {@code project}, {@code
 *     team}; adapters document their types, {@code default} otherwise
 */
public record Credentials(String platform, String token, String type) {
  /** The type of a plain bearer token. */
  public static final String DEFAULT_TYPE = "default";

  /** Checks the arguments. */
  public Credentials {
    Objects.requireNonNull(platform, "platform");
    Objects.requireNonNull(token, "token");
    type = type == null || type.isBlank() ? DEFAULT_TYPE : type;
    if (token.isBlank()) {
      throw new IllegalArgumentException("The " + platform + " token is empty");
    }
  }

  /** Returns credentials of the default type. */
  public static Credentials of(String platform, String token) {
    return new Credentials(platform, token, DEFAULT_TYPE);
  }

  @Override
  public String toString() {
    return "Credentials[platform=" + platform + ", type=" + type + ", token=****]";
  }
}
