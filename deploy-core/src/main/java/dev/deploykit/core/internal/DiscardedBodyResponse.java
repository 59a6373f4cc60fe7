package dev.deploykit.core.internal;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import javax.net.ssl.SSLSession;
import org.jspecify.annotations.Nullable;

/** A response whose body was discarded: {@link #body()} is {@code null}. */
public final class DiscardedBodyResponse implements HttpResponse<Void> {
  private final HttpResponse<?> delegate;

  /** Wraps {@code delegate}, hiding its body. */
  public DiscardedBodyResponse(HttpResponse<?> delegate) {
    this.delegate = delegate;
  }

  @Override
  public int statusCode() {
    return delegate.statusCode();
  }

  @Override
  public HttpRequest request() {
    return delegate.request();
  }

  @Override
  public Optional<HttpResponse<Void>> previousResponse() {
    return delegate.previousResponse().map(DiscardedBodyResponse::new);
  }

  @Override
  public HttpHeaders headers() {
    return delegate.headers();
  }

  @Override
  public @Nullable Void body() {
    return null;
  }

  @Override
  public Optional<SSLSession> sslSession() {
    return delegate.sslSession();
  }

  @Override
  public URI uri() {
    return delegate.uri();
  }

  @Override
  public HttpClient.Version version() {
    return delegate.version();
  }

  @Override
  public String toString() {
    return "(" + request().method() + " " + uri().getRawPath() + ") " + statusCode();
  }
}
