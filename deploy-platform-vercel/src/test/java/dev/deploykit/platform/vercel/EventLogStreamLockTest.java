package dev.deploykit.platform.vercel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.deploykit.core.spi.Credentials;
import dev.deploykit.core.spi.PlatformContext;
import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The build-event stream never runs the HTTP client's code while holding its own lock: cancelling
 * the client's exchange runs the client's code on the calling thread, while the client's thread
 * may be delivering a line and waiting for that lock. In the fault matrix, a deployment whose
 * status poll failed closed its stream under the lock and deadlocked with the shared client's
 * thread: the deployment never ended and every later request of that client timed out.
 */
class EventLogStreamLockTest {
  private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
  }

  @Test
  void close_cancelsTheInFlightEventRequestOutsideTheStreamsLock() {
    AtomicReference<EventLogStream> stream = new AtomicReference<>();
    LockProbe probe = new LockProbe(stream);
    PlatformContext context = new PlatformContext("vercel",
        Credentials.of("vercel", "token-for-lock-test"), probe, new ObjectMapper(), scheduler,
        scheduler, Clock.systemUTC(), Map.of("apiUrl", "http://127.0.0.1:9"));
    VercelSettings settings = VercelSettings.from(Map.of());
    VercelApi api = new VercelApi(context, settings, null);
    stream.set(new EventLogStream(api, settings, "dpl_1", line -> { }, CompletableFuture::new));

    stream.get().start();
    await().atMost(Duration.ofSeconds(5)).until(() -> probe.sent.get() != null);
    stream.get().close();

    assertThat(probe.sent.get()).isCancelled();
    assertThat(probe.cancelledHoldingTheStreamsLock.get())
        .as("the exchange was cancelled while the stream's lock was held").isFalse();
    assertThat(stream.get().done()).isCompleted();
  }

  /**
   * A client whose exchanges never answer and record, when cancelled, whether the cancelling
   * thread held the stream's lock. Nothing else is used by the stream.
   */
  private static final class LockProbe extends HttpClient {
    final AtomicReference<CompletableFuture<?>> sent = new AtomicReference<>();
    final AtomicReference<Boolean> cancelledHoldingTheStreamsLock = new AtomicReference<>();
    private final AtomicReference<EventLogStream> stream;

    LockProbe(AtomicReference<EventLogStream> stream) {
      this.stream = stream;
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request,
        HttpResponse.BodyHandler<T> handler) {
      CompletableFuture<HttpResponse<T>> f = new CompletableFuture<>() {
        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
          cancelledHoldingTheStreamsLock.compareAndSet(null, Thread.holdsLock(stream.get()));
          return super.cancel(mayInterruptIfRunning);
        }
      };
      sent.set(f);
      return f;
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request,
        HttpResponse.BodyHandler<T> handler, HttpResponse.PushPromiseHandler<T> push) {
      return sendAsync(request, handler);
    }

    @Override
    public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
        throws IOException {
      throw new IOException("not used by the stream");
    }

    @Override
    public Optional<CookieHandler> cookieHandler() {
      return Optional.empty();
    }

    @Override
    public Optional<Duration> connectTimeout() {
      return Optional.empty();
    }

    @Override
    public Redirect followRedirects() {
      return Redirect.NEVER;
    }

    @Override
    public Optional<ProxySelector> proxy() {
      return Optional.empty();
    }

    @Override
    public SSLContext sslContext() {
      try {
        return SSLContext.getDefault();
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public SSLParameters sslParameters() {
      return new SSLParameters();
    }

    @Override
    public Optional<Authenticator> authenticator() {
      return Optional.empty();
    }

    @Override
    public Version version() {
      return Version.HTTP_1_1;
    }

    @Override
    public Optional<Executor> executor() {
      return Optional.empty();
    }
  }
}
