package dev.deploykit.platform.vercel;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.io.IOException;
import java.net.Authenticator;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PasswordAuthentication;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The adapter's HTTP/1.1 transport against loopback servers scripted byte by byte. */
class Http1TransportTest {
  private static final Duration WAIT = Duration.ofSeconds(5);

  private final HttpClient client = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY)
      .build();
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private final AtomicLong clock = new AtomicLong(1_000_000_000L);
  private final Http1Transport transport = new Http1Transport(4, clock::get);
  private final List<ScriptedServer> servers = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    transport.close();
    for (ScriptedServer s : servers) {
      s.close();
    }
    scheduler.shutdownNow();
  }

  private ScriptedServer server(ScriptedServer.Script script) throws IOException {
    ScriptedServer s = new ScriptedServer(script);
    servers.add(s);
    return s;
  }

  private static HttpRequest get(String url) {
    return HttpRequest.newBuilder(URI.create(url)).timeout(WAIT).GET().build();
  }

  private static HttpRequest post(String url, byte[] body, Duration timeout) {
    return HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
  }

  private CompletableFuture<Http1Transport.Response> sendAsync(HttpRequest r, byte[] body,
      boolean idempotent) {
    return transport.send(client, scheduler, r, body, idempotent);
  }

  private Http1Transport.Response send(HttpRequest r, byte[] body, boolean idempotent)
      throws Exception {
    return sendAsync(r, body, idempotent).get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  private Http1Transport.Response get(ScriptedServer s, String path) throws Exception {
    return send(get(s.base() + path), new byte[0], true);
  }

  /** The failure of {@code f}, which must fail (never hang, never succeed) within 5 s. */
  private static Throwable failure(CompletableFuture<?> f) {
    Throwable e = org.assertj.core.api.Assertions.catchThrowable(
        () -> f.get(WAIT.toSeconds(), TimeUnit.SECONDS));
    assertThat(e).as("the exchange must fail, not succeed nor hang")
        .isInstanceOf(ExecutionException.class);
    return e.getCause();
  }

  private static String body(Http1Transport.Response r) {
    return new String(r.body(), UTF_8);
  }

  // ---- answers ------------------------------------------------------------------------------

  @Test
  void contentLengthAnswer_givesStatusHeadersAndExactBody() throws Exception {
    ScriptedServer s = server(ScriptedServer.answering("HTTP/1.1 201 Created\r\n"
        + "Content-Length: 5\r\nX-A: 1\r\nx-a: 2\r\nContent-Type: text/plain\r\n\r\nhello"));

    Http1Transport.Response r = get(s, "/a");
    Http1Transport.Response r2 = get(s, "/b");

    assertThat(r.status()).isEqualTo(201);
    assertThat(body(r)).isEqualTo("hello");
    assertThat(r.headers().allValues("X-A")).containsExactly("1", "2");
    assertThat(r.headers().firstValue("content-type")).hasValue("text/plain");
    assertThat(body(r2)).isEqualTo("hello");
    assertThat(transport.connectionsOpened()).isEqualTo(1);
  }

  @Test
  void chunkedAnswer_withExtensionsAndTrailers_isDecodedAndTheConnectionReused() throws Exception {
    ScriptedServer s = server(ScriptedServer.answering("HTTP/1.1 200 OK\r\n"
        + "Transfer-Encoding: chunked\r\n\r\n"
        + "5;name=value\r\nhello\r\n"
        + "6 ; other=\"x\"\r\n world\r\n"
        + "0\r\nX-Trailer: t\r\nX-Other: u\r\n\r\n"));

    Http1Transport.Response r = get(s, "/");
    Http1Transport.Response r2 = get(s, "/");

    assertThat(body(r)).isEqualTo("hello world");
    assertThat(body(r2)).as("the trailers were consumed, the second answer parses")
        .isEqualTo("hello world");
    assertThat(transport.connectionsOpened()).isEqualTo(1);
    assertThat(s.accepted).hasValue(1);
  }

  @Test
  void answerWithoutLength_isReadToTheEndAndTheConnectionNotReused() throws Exception {
    ScriptedServer s = server(conn -> {
      conn.readRequest();
      conn.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end\r\nof it");
    });

    assertThat(body(get(s, "/"))).isEqualTo("until the end\r\nof it");
    assertThat(body(get(s, "/"))).isEqualTo("until the end\r\nof it");

    assertThat(transport.connectionsOpened()).isEqualTo(2);
    assertThat(s.accepted).hasValue(2);
  }

  @Test
  void interimContinue_isSkipped() throws Exception {
    ScriptedServer s = server(ScriptedServer.answering("HTTP/1.1 100 Continue\r\n\r\n"
        + "HTTP/1.1 102 Processing\r\nX-Interim: 1\r\n\r\n"
        + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));

    Http1Transport.Response r = send(post(s.base() + "/v2/files", "abc".getBytes(UTF_8), WAIT),
        "abc".getBytes(UTF_8), true);
    Http1Transport.Response r2 = get(s, "/");

    assertThat(r.status()).isEqualTo(200);
    assertThat(body(r)).isEqualTo("ok");
    assertThat(r.headers().map()).doesNotContainKey("X-Interim");
    assertThat(body(r2)).isEqualTo("ok");
    assertThat(transport.connectionsOpened()).isEqualTo(1);
  }

  @Test
  void http10WithoutKeepAlive_closesTheConnection() throws Exception {
    ScriptedServer s = server(ScriptedServer.answering(
        "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok"));

    assertThat(body(get(s, "/"))).isEqualTo("ok");
    assertThat(body(get(s, "/"))).isEqualTo("ok");

    assertThat(transport.connectionsOpened()).isEqualTo(2);
    assertThat(s.accepted).hasValue(2);
    await("the client closed the first connection").atMost(WAIT)
        .until(() -> s.eofs.contains(1));
  }

  @Test
  void http10WithKeepAlive_reusesTheConnection() throws Exception {
    ScriptedServer s = server(ScriptedServer.answering(
        "HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 2\r\n\r\nok"));

    for (int i = 0; i < 3; i++) {
      assertThat(body(get(s, "/"))).isEqualTo("ok");
    }

    assertThat(transport.connectionsOpened()).isEqualTo(1);
    assertThat(s.accepted).hasValue(1);
    assertThat(s.requests).hasValue(3);
  }

  @Test
  void connectionClose_isHonoured_theNextRequestOpensANewConnection() throws Exception {
    ScriptedServer s = server(ScriptedServer.answering(
        "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok"));

    assertThat(body(get(s, "/1"))).isEqualTo("ok");
    assertThat(s.eofs.poll(5, TimeUnit.SECONDS)).as("the client closed connection 1").isEqualTo(1);
    assertThat(body(get(s, "/2"))).isEqualTo("ok");

    assertThat(transport.connectionsOpened()).isEqualTo(2);
    assertThat(s.accepted).hasValue(2);
    assertThat(s.requests).hasValue(2);
  }

  @Test
  void keepAlive_sequentialRequestsShareOneConnection() throws Exception {
    ScriptedServer s = server(ScriptedServer.answering(
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));

    for (int i = 0; i < 25; i++) {
      byte[] b = ("file-" + i).getBytes(UTF_8);
      assertThat(send(post(s.base() + "/v2/files", b, WAIT), b, true).status()).isEqualTo(200);
    }

    assertThat(transport.connectionsOpened()).isEqualTo(1);
    assertThat(s.accepted).hasValue(1);
    assertThat(s.requests).hasValue(25);
  }

  // ---- the request's bytes ------------------------------------------------------------------

  @Test
  void request_isWrittenExactly_rawPathAndQueryHostHeadersContentLengthBody() throws Exception {
    ScriptedServer s = server(ScriptedServer.answering(
        "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));
    byte[] body = "{\"a\":\"é\"}".getBytes(UTF_8);
    HttpRequest r = HttpRequest.newBuilder(
            URI.create(s.base() + "/v2/files/a%20b%2Fc?teamId=t%26x&q=%C3%A9"))
        .timeout(WAIT)
        .header("Authorization", "Bearer tok")
        .header("X-Multi", "1")
        .header("X-Multi", "2")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();

    send(r, body, false);
    ScriptedServer.Request got = s.received.poll(5, TimeUnit.SECONDS);

    assertThat(got).isNotNull();
    assertThat(got.requestLine())
        .isEqualTo("POST /v2/files/a%20b%2Fc?teamId=t%26x&q=%C3%A9 HTTP/1.1");
    assertThat(got.head()).startsWith("POST /v2/files/a%20b%2Fc?teamId=t%26x&q=%C3%A9 HTTP/1.1\r\n"
        + "Host: 127.0.0.1:" + s.port() + "\r\n");
    assertThat(got.head()).contains("\r\nAuthorization: Bearer tok\r\n")
        .contains("\r\nX-Multi: 1\r\nX-Multi: 2\r\n")
        .contains("\r\nContent-Length: " + body.length + "\r\n")
        .endsWith("\r\n\r\n")
        .doesNotContainIgnoringCase("Transfer-Encoding")
        .doesNotContainIgnoringCase("Connection:");
    assertThat(got.body()).isEqualTo(body);
  }

  @Test
  void bodylessGet_hasNoContentLength_andABodylessPostHasZero() throws Exception {
    ScriptedServer s = server(ScriptedServer.answering(
        "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));

    send(HttpRequest.newBuilder(URI.create(s.base())).timeout(WAIT).GET().build(), new byte[0],
        true);
    send(post(s.base() + "/p", new byte[0], WAIT), new byte[0], false);
    ScriptedServer.Request getRequest = s.received.poll(5, TimeUnit.SECONDS);
    ScriptedServer.Request postRequest = s.received.poll(5, TimeUnit.SECONDS);

    assertThat(getRequest.head()).isEqualTo("GET / HTTP/1.1\r\nHost: 127.0.0.1:" + s.port()
        + "\r\n\r\n");
    assertThat(postRequest.head()).isEqualTo("POST /p HTTP/1.1\r\nHost: 127.0.0.1:" + s.port()
        + "\r\nContent-Length: 0\r\n\r\n");
  }

  @Test
  void hostHeader_omitsTheSchemesDefaultPortOnly() {
    assertThat(hostLine("http://example.com/x")).isEqualTo("Host: example.com");
    assertThat(hostLine("http://example.com:80/x")).isEqualTo("Host: example.com");
    assertThat(hostLine("https://api.vercel.com:443/x")).isEqualTo("Host: api.vercel.com");
    assertThat(hostLine("https://api.vercel.com/x")).isEqualTo("Host: api.vercel.com");
    assertThat(hostLine("https://api.vercel.com:8443/x")).isEqualTo("Host: api.vercel.com:8443");
    assertThat(hostLine("http://example.com:443/x")).isEqualTo("Host: example.com:443");
    assertThat(hostLine("http://[::1]:8080/x")).isEqualTo("Host: [::1]:8080");
  }

  private static String hostLine(String url) {
    URI uri = URI.create(url);
    String head = new String(Http1Transport.head(HttpRequest.newBuilder(uri).GET().build(), uri, 0),
        ISO_8859_1);
    return head.split("\r\n")[1];
  }

  // ---- failures -----------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"HTTX/1.1 200 OK", "HTTP/1.1 2x0 OK", "HTTP/1.1200 OK", "HTTP/1.1 20",
      "<html>hello</html>", "HTTP/2 200"})
  void malformedStatusLine_failsWithIOException(String statusLine) throws Exception {
    ScriptedServer s = server(ScriptedServer.answering(statusLine
        + "\r\nContent-Length: 2\r\n\r\nok"));

    Throwable e = failure(sendAsync(get(s.base()), new byte[0], true));

    assertThat(e).isInstanceOf(IOException.class).hasMessageContaining("malformed HTTP status");
  }

  @Test
  void headerLineWithoutColon_failsWithIOException() throws Exception {
    ScriptedServer s = server(ScriptedServer.answering(
        "HTTP/1.1 200 OK\r\nContent-Length 2\r\n\r\nok"));

    assertThat(failure(sendAsync(get(s.base()), new byte[0], true)))
        .isInstanceOf(IOException.class).hasMessageContaining("malformed HTTP header line");
  }

  @Test
  void headersOver64KiB_failWithIOException() throws Exception {
    StringBuilder big = new StringBuilder("HTTP/1.1 200 OK\r\n");
    for (int i = 0; i < 10; i++) {
      big.append("X-Big-").append(i).append(": ").append("a".repeat(7_000)).append("\r\n");
    }
    ScriptedServer s = server(ScriptedServer.answering(big + "Content-Length: 2\r\n\r\nok"));

    assertThat(failure(sendAsync(get(s.base()), new byte[0], true)))
        .isInstanceOf(IOException.class).hasMessageContaining("exceed 65536 bytes");
  }

  @Test
  void oneLineOver16KiB_failsWithIOException() throws Exception {
    ScriptedServer s = server(ScriptedServer.answering("HTTP/1.1 200 OK\r\nX-Long: "
        + "b".repeat(20_000) + "\r\nContent-Length: 2\r\n\r\nok"));

    assertThat(failure(sendAsync(get(s.base()), new byte[0], true)))
        .isInstanceOf(IOException.class).hasMessageContaining("a line longer than");
  }

  @Test
  void bodyOverTheCap_failsWithIOException_whateverTheFraming() throws Exception {
    ScriptedServer declared = server(ScriptedServer.answering(
        "HTTP/1.1 200 OK\r\nContent-Length: 9000000\r\n\r\n"));
    ScriptedServer chunk = server(ScriptedServer.answering(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n900000\r\n"));
    byte[] nine = new byte[9 * 1024 * 1024];
    ScriptedServer streamed = server(conn -> {
      conn.readRequest();
      conn.write("HTTP/1.1 200 OK\r\n\r\n");
      conn.write(nine);
    });

    assertThat(failure(sendAsync(get(declared.base()), new byte[0], true)))
        .isInstanceOf(IOException.class).hasMessageContaining("at most 8388608");
    assertThat(failure(sendAsync(get(chunk.base()), new byte[0], true)))
        .isInstanceOf(IOException.class).hasMessageContaining("over 8388608");
    assertThat(failure(sendAsync(get(streamed.base()), new byte[0], true)))
        .isInstanceOf(IOException.class).hasMessageContaining("over 8388608");
  }

  @Test
  void connectionClosedMidBody_failsWithIOException() throws Exception {
    ScriptedServer fixed = server(conn -> {
      conn.readRequest();
      conn.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this");
    });
    ScriptedServer chunked = server(conn -> {
      conn.readRequest();
      conn.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nshort");
    });
    ScriptedServer headers = server(conn -> {
      conn.readRequest();
      conn.write("HTTP/1.1 200 OK\r\nContent-Len");
    });

    assertThat(failure(sendAsync(get(fixed.base()), new byte[0], true)))
        .isInstanceOf(IOException.class).hasMessageContaining("closed mid-answer");
    assertThat(failure(sendAsync(get(chunked.base()), new byte[0], true)))
        .isInstanceOf(IOException.class).hasMessageContaining("closed mid-answer");
    assertThat(failure(sendAsync(get(headers.base()), new byte[0], true)))
        .isInstanceOf(IOException.class).hasMessageContaining("closed mid-answer");
  }

  @Test
  void connectionRefused_failsWithIOException() throws Exception {
    int port;
    try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = ss.getLocalPort();
    }

    assertThat(failure(sendAsync(get("http://127.0.0.1:" + port + "/"), new byte[0], true)))
        .isInstanceOf(ConnectException.class);
    assertThat(transport.connectionsOpened()).isZero();
  }

  @Test
  void serverThatNeverAnswers_timesOutWithHttpTimeoutException() throws Exception {
    ScriptedServer s = server(conn -> {
      conn.readRequest();
      conn.hang();
    });
    HttpRequest r = HttpRequest.newBuilder(URI.create(s.base() + "/slow"))
        .timeout(Duration.ofMillis(300)).GET().build();

    long start = System.nanoTime();
    Throwable e = failure(sendAsync(r, new byte[0], true));
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    assertThat(e).isInstanceOf(HttpTimeoutException.class);
    assertThat(tookMillis).isBetween(250L, 3_000L);
    assertThat(s.requests).as("a timeout is not retried").hasValue(1);
  }

  @Test
  void largeBodyToAServerThatNeverReads_timesOutThroughTheWatchdog() throws Exception {
    CountDownLatch accepted = new CountDownLatch(1);
    ScriptedServer s = new ScriptedServer(conn -> {
      accepted.countDown();
      conn.hang();
    }, 4096);
    servers.add(s);
    byte[] body = new byte[16 * 1024 * 1024];

    long start = System.nanoTime();
    Throwable e = failure(sendAsync(post(s.base() + "/v2/files", body, Duration.ofMillis(300)),
        body, true));
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    assertThat(accepted.await(1, TimeUnit.SECONDS)).isTrue();
    assertThat(e).isInstanceOf(HttpTimeoutException.class);
    assertThat(tookMillis).isBetween(250L, 3_000L);
  }

  @Test
  void cancellingTheFuture_closesTheConnection() throws Exception {
    ScriptedServer s = server(conn -> {
      conn.readRequest();
      conn.awaitEof();
    });
    CompletableFuture<Http1Transport.Response> f =
        sendAsync(get(s.base() + "/long"), new byte[0], true);
    assertThat(s.received.poll(5, TimeUnit.SECONDS)).as("the request arrived").isNotNull();

    assertThat(f.cancel(true)).isTrue();

    assertThat(s.eofs.poll(5, TimeUnit.SECONDS)).as("the server saw the connection close")
        .isEqualTo(1);
    assertThat(f).isCancelled();
    assertThatThrownBy(f::join).isInstanceOf(CancellationException.class);
  }

  // ---- stale kept-alive connections ---------------------------------------------------------

  /** A server whose connections answer one request each, then close once the test says so. */
  private ScriptedServer closingAfterOneAnswer(CountDownLatch answered, CountDownLatch closed,
      boolean reset) throws IOException {
    return server(conn -> {
      if (conn.readRequest() == null) {
        return;
      }
      conn.write("HTTP/1.1 200 OK\r\nContent-Length: " + (2 + String.valueOf(conn.index).length())
          + "\r\n\r\nok" + conn.index);
      if (conn.index == 1) {
        answered.await(5, TimeUnit.SECONDS);
        if (reset) {
          conn.reset();
        } else {
          conn.socket.close();
        }
        closed.countDown();
      }
      conn.awaitEof();
    });
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void staleConnection_idempotentRequestIsSentOnceMoreOnANewConnection(boolean reset)
      throws Exception {
    CountDownLatch answered = new CountDownLatch(1);
    CountDownLatch closed = new CountDownLatch(1);
    ScriptedServer s = closingAfterOneAnswer(answered, closed, reset);

    assertThat(body(get(s, "/first"))).isEqualTo("ok1");
    answered.countDown();
    assertThat(closed.await(5, TimeUnit.SECONDS)).isTrue();
    byte[] b = "data".getBytes(UTF_8);
    Http1Transport.Response r = send(post(s.base() + "/v2/files", b, WAIT), b, true);

    assertThat(body(r)).as("answered on connection 2").isEqualTo("ok2");
    assertThat(transport.connectionsOpened()).isEqualTo(2);
    assertThat(s.accepted).hasValue(2);
    assertThat(s.requests).hasValue(2);
  }

  @Test
  void staleConnection_isRetriedExactlyOnce() throws Exception {
    CountDownLatch answered = new CountDownLatch(1);
    CountDownLatch closed = new CountDownLatch(1);
    // Connection 1 answers once and closes; every later connection reads the request and closes.
    ScriptedServer s = server(conn -> {
      conn.readRequest();
      if (conn.index == 1) {
        conn.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        answered.await(5, TimeUnit.SECONDS);
        conn.socket.close();
        closed.countDown();
      }
    });

    assertThat(body(get(s, "/first"))).isEqualTo("ok");
    answered.countDown();
    assertThat(closed.await(5, TimeUnit.SECONDS)).isTrue();
    Throwable e = failure(sendAsync(get(s.base() + "/second"), new byte[0], true));

    assertThat(e).isInstanceOf(IOException.class)
        .hasMessageContaining("closed without an answer");
    assertThat(s.accepted).as("one new connection, not more").hasValue(2);
    assertThat(transport.connectionsOpened()).isEqualTo(2);
  }

  @Test
  void staleConnection_nonIdempotentRequestFailsAndIsNotSentTwice() throws Exception {
    CountDownLatch answered = new CountDownLatch(1);
    CountDownLatch closed = new CountDownLatch(1);
    ScriptedServer s = closingAfterOneAnswer(answered, closed, false);

    assertThat(body(get(s, "/first"))).isEqualTo("ok1");
    answered.countDown();
    assertThat(closed.await(5, TimeUnit.SECONDS)).isTrue();
    byte[] b = "{\"name\":\"x\"}".getBytes(UTF_8);
    Throwable e = failure(sendAsync(post(s.base() + "/v13/deployments", b, WAIT), b, false));

    assertThat(e).isInstanceOf(IOException.class);
    assertThat(s.accepted).as("no second connection for a non-idempotent request").hasValue(1);
    assertThat(s.requests).hasValue(1);
    assertThat(transport.connectionsOpened()).isEqualTo(1);
  }

  @Test
  void nonIdempotentRequest_reusesOnlyAConnectionIdleLessThanTheLimit() throws Exception {
    ScriptedServer s = server(ScriptedServer.answering(
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
    byte[] b = "{}".getBytes(UTF_8);

    get(s, "/1");
    clock.addAndGet(Http1Transport.NON_IDEMPOTENT_MAX_IDLE.toNanos() - 1);
    send(post(s.base() + "/2", b, WAIT), b, false);
    assertThat(transport.connectionsOpened()).as("idle just under the limit: reused")
        .isEqualTo(1);

    clock.addAndGet(Http1Transport.NON_IDEMPOTENT_MAX_IDLE.toNanos());
    send(post(s.base() + "/3", b, WAIT), b, false);
    assertThat(transport.connectionsOpened()).as("idle over the limit: a new connection")
        .isEqualTo(2);
    assertThat(s.accepted).hasValue(2);

    clock.addAndGet(Http1Transport.NON_IDEMPOTENT_MAX_IDLE.toNanos() * 2);
    get(s, "/4");
    get(s, "/5");
    assertThat(transport.connectionsOpened()).as("an idempotent request reuses an older one")
        .isEqualTo(2);

    clock.addAndGet(Http1Transport.IDLE_TIMEOUT.toNanos());
    get(s, "/6");
    assertThat(transport.connectionsOpened()).as("idle past IDLE_TIMEOUT: closed, not reused")
        .isEqualTo(3);
    assertThat(s.requests).hasValue(6);
  }

  // ---- canSend ------------------------------------------------------------------------------

  @Test
  void canSend_onlyForADirectHttpOrHttpsClient() {
    URI loopback = URI.create("http://127.0.0.1:8080/v2/files");
    HttpClient plain = HttpClient.newHttpClient();
    SocketAddress proxyAddress = InetSocketAddress.createUnresolved("proxy.example", 3128);
    HttpClient proxied = HttpClient.newBuilder().proxy(ProxySelector.of(
        new InetSocketAddress("127.0.0.1", 3128))).build();
    HttpClient selective = HttpClient.newBuilder().proxy(new ProxySelector() {
      @Override
      public List<Proxy> select(URI uri) {
        return uri.getHost().endsWith("vercel.com")
            ? List.of(new Proxy(Proxy.Type.HTTP, proxyAddress)) : List.of(Proxy.NO_PROXY);
      }

      @Override
      public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {}
    }).build();
    HttpClient throwing = HttpClient.newBuilder().proxy(new ProxySelector() {
      @Override
      public List<Proxy> select(URI uri) {
        throw new IllegalStateException("no");
      }

      @Override
      public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {}
    }).build();
    HttpClient authenticating = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY)
        .authenticator(new Authenticator() {
          @Override
          protected PasswordAuthentication getPasswordAuthentication() {
            return null;
          }
        }).build();

    assertThat(Http1Transport.canSend(plain, loopback)).isTrue();
    assertThat(Http1Transport.canSend(client, URI.create("https://api.vercel.com/v2/files")))
        .isTrue();
    assertThat(Http1Transport.canSend(proxied, loopback)).isFalse();
    assertThat(Http1Transport.canSend(selective, URI.create("https://api.vercel.com/x"))).isFalse();
    assertThat(Http1Transport.canSend(selective, loopback)).isTrue();
    assertThat(Http1Transport.canSend(throwing, loopback)).isFalse();
    assertThat(Http1Transport.canSend(authenticating, loopback)).isFalse();
    assertThat(Http1Transport.canSend(plain, URI.create("ftp://127.0.0.1/x"))).isFalse();
    assertThat(Http1Transport.canSend(plain, URI.create("ws://127.0.0.1/x"))).isFalse();
    assertThat(Http1Transport.canSend(plain, URI.create("file:///tmp/x"))).isFalse();
  }

  // ---- lifecycle ----------------------------------------------------------------------------

  private static List<Thread> uploadThreads() {
    List<Thread> out = new ArrayList<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.isAlive() && t.getName().startsWith("deploykit-vercel-upload-")) {
        out.add(t);
      }
    }
    return out;
  }

  @Test
  void close_endsTheThreadsClosesIdleConnections_andTheTransportStillWorks() throws Exception {
    ScriptedServer s = server(ScriptedServer.answering(
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
    List<Thread> before = uploadThreads();
    get(s, "/1");
    List<Thread> ours = new ArrayList<>(uploadThreads());
    ours.removeAll(before);
    assertThat(ours).isNotEmpty();

    transport.close();

    await().atMost(WAIT).until(() -> ours.stream().noneMatch(Thread::isAlive));
    assertThat(s.eofs.poll(5, TimeUnit.SECONDS)).as("the idle connection was closed")
        .isEqualTo(1);
    assertThat(body(get(s, "/2"))).isEqualTo("ok");
    assertThat(transport.connectionsOpened()).isEqualTo(2);
  }

  @Test
  void close_failsExchangesInFlightAndQueued_insteadOfLeavingThemHanging() throws Exception {
    Http1Transport single = new Http1Transport(1);
    ScriptedServer s = server(conn -> {
      conn.readRequest();
      conn.awaitEof();
    });
    HttpRequest slow = HttpRequest.newBuilder(URI.create(s.base() + "/slow"))
        .timeout(Duration.ofSeconds(30)).GET().build();
    try {
      CompletableFuture<Http1Transport.Response> running =
          single.send(client, scheduler, slow, new byte[0], true);
      assertThat(s.received.poll(5, TimeUnit.SECONDS)).isNotNull();
      CompletableFuture<Http1Transport.Response> queued =
          single.send(client, scheduler, slow, new byte[0], true);

      single.close();

      assertThat(failure(running)).isInstanceOf(IOException.class);
      assertThat(failure(queued)).isInstanceOf(IOException.class)
          .hasMessageContaining("closed");
      assertThat(s.eofs.poll(5, TimeUnit.SECONDS)).as("the busy connection was closed")
          .isEqualTo(1);
      assertThat(s.accepted).hasValue(1);
    } finally {
      single.close();
    }
  }

  @Test
  void close_abortsALaneThatNeverRan_insteadOfDroppingItSilently() throws Exception {
    Http1Transport single = new Http1Transport(1);
    CountDownLatch busy = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<String> first = new CompletableFuture<>();
    CompletableFuture<String> second = new CompletableFuture<>();
    try {
      single.execute(lane(() -> {
        busy.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        first.complete("ran");
      }, () -> first.complete("aborted")));
      assertThat(busy.await(5, TimeUnit.SECONDS)).isTrue();
      single.execute(lane(() -> second.complete("ran"), () -> second.complete("aborted")));

      single.close();

      assertThat(second.get(5, TimeUnit.SECONDS)).isEqualTo("aborted");
      release.countDown();
      assertThat(first.get(5, TimeUnit.SECONDS)).as("the running lane is not aborted")
          .isEqualTo("ran");
    } finally {
      release.countDown();
      single.close();
    }
  }

  private static Http1Transport.Abortable lane(Runnable run, Runnable abort) {
    return new Http1Transport.Abortable() {
      @Override
      public void run() {
        run.run();
      }

      @Override
      public void abort() {
        abort.run();
      }
    };
  }

  // ---- property: framing does not change the body -------------------------------------------

  @Test
  void anyHeadersAndChunking_giveTheSameBodyAsContentLength() throws Exception {
    BlockingQueue<byte[]> answers = new LinkedBlockingQueue<>();
    ScriptedServer s = server(conn -> {
      while (conn.readRequest() != null) {
        conn.write(answers.take());
      }
    });
    String[] names = {"X-Request-Id", "Cache-Control", "Set-Cookie", "Vary", "Server", "x-empty",
        "Content-Type"};

    // Few shrink cycles and short waits: a failing parser must fail the test fast, not hang it.
    qt().withExamples(60).withShrinkCycles(3).withFixedSeed(7L).forAll(
            lists().of(integers().between(0, 255)).ofSizeBetween(0, 3000),
            lists().of(integers().between(1, 700)).ofSizeBetween(1, 8),
            integers().between(0, 1 << 20))
        .checkAssert((bytes, splits, seed) -> {
          byte[] content = new byte[bytes.size()];
          for (int i = 0; i < content.length; i++) {
            content[i] = (byte) (int) bytes.get(i);
          }
          Random random = new Random(seed);
          StringBuilder headers = new StringBuilder();
          int n = random.nextInt(6);
          for (int i = 0; i < n; i++) {
            String name = names[random.nextInt(names.length)];
            String value = name.equals("x-empty") ? "" : "v" + random.nextInt(1000) + " ; a=b";
            headers.append(random.nextBoolean() ? name : name.toLowerCase())
                .append(random.nextBoolean() ? ": " : ":").append(value)
                .append(random.nextBoolean() ? " " : "").append("\r\n");
          }
          byte[] fixed = concat(("HTTP/1.1 200 OK\r\n" + headers + "Content-Length: "
              + content.length + "\r\n\r\n").getBytes(ISO_8859_1), content);
          byte[] chunked = chunk(content, splits, headers.toString(), random);
          answers.clear();
          answers.add(fixed);
          answers.add(chunked);
          try {
            Http1Transport.Response a = sendAsync(get(s.base() + "/fixed"), new byte[0], true)
                .get(2, TimeUnit.SECONDS);
            Http1Transport.Response b = sendAsync(get(s.base() + "/chunked"), new byte[0], true)
                .get(2, TimeUnit.SECONDS);
            assertThat(a.body()).isEqualTo(content);
            assertThat(b.body()).isEqualTo(content);
            assertThat(b.headers().map().keySet()).containsAll(a.headers().map().keySet()
                .stream().filter(k -> !k.equalsIgnoreCase("Content-Length")).toList());
          } catch (Exception e) {
            throw new AssertionError(e);
          }
        });

    assertThat(s.accepted).as("every answer left the connection reusable").hasValue(1);
  }

  private static byte[] chunk(byte[] content, List<Integer> splits, String headers,
      Random random) {
    StringBuilder head = new StringBuilder("HTTP/1.1 200 OK\r\n").append(headers)
        .append("Transfer-Encoding: chunked\r\n\r\n");
    byte[] out = head.toString().getBytes(ISO_8859_1);
    int off = 0;
    int i = 0;
    while (off < content.length) {
      int size = Math.min(splits.get(i++ % splits.size()), content.length - off);
      String sizeLine = (random.nextBoolean() ? Integer.toHexString(size)
          : Integer.toHexString(size).toUpperCase())
          + (random.nextBoolean() ? ";ext=" + random.nextInt(9) : "") + "\r\n";
      out = concat(out, sizeLine.getBytes(ISO_8859_1));
      byte[] piece = new byte[size];
      System.arraycopy(content, off, piece, 0, size);
      out = concat(out, piece);
      out = concat(out, "\r\n".getBytes(ISO_8859_1));
      off += size;
    }
    StringBuilder end = new StringBuilder(random.nextBoolean() ? "0\r\n" : "000;last\r\n");
    int trailers = random.nextInt(4);
    for (int t = 0; t < trailers; t++) {
      end.append("X-Trailer-").append(t).append(": ").append(random.nextInt(100)).append("\r\n");
    }
    end.append("\r\n");
    return concat(out, end.toString().getBytes(ISO_8859_1));
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
