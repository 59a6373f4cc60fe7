package dev.deploykit.examples.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.deploykit.core.DeploymentOrchestrator;
import dev.deploykit.testing.InMemoryPlatform;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web console's server: the JDK {@link HttpServer} on {@code 127.0.0.1}, serving the page, its
 * script and style from the jar's resources, and the JSON and event-stream API under {@code /api}.
 *
 * <p>Threads: one pool of {@value #THREADS} daemon threads ({@code deploykit-web-N}) runs every
 * exchange. An open progress stream holds one of them for its whole life, so at most {@value
 * #MAX_STREAMS} streams are open at once and the others stay free for API calls; the queue of
 * waiting exchanges is bounded ({@value #QUEUE}). The orchestrator brings its own small scheduler.
 *
 * <p>Only loopback is served, and a request whose {@code Host} is not this server's loopback
 * address (DNS rebinding), or a POST from another origin or not declared JSON, is refused. Values
 * typed into sensitive fields arrive in POST bodies; none is ever sent back, logged, or put into a
 * progress frame. {@link #close()} stops everything the console started.
 */
final class WebConsole implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WebConsole.class);

  static final int THREADS = 16;
  static final int MAX_STREAMS = 12;
  static final int QUEUE = 256;

  private static final String RESOURCES = "/dev/deploykit/examples/web/";
  private static final Map<String, String> STATIC = Map.of(
      "/", "index.html",
      "/index.html", "index.html",
      "/static/console.js", "console.js",
      "/static/console.css", "console.css");
  private static final Pattern DEPLOYMENT_PATH =
      Pattern.compile("/api/deployments/([A-Za-z0-9_-]{1,80})(/events|/zip)?");

  private final Options options;
  private final HttpServer server;
  private final ThreadPoolExecutor pool;
  private final InMemoryPlatform memory;
  private final DeploymentOrchestrator orchestrator;
  private final ObjectMapper mapper = new ObjectMapper();
  private final ConsoleApi api;
  private final EventStreams streams;
  private final Map<String, byte[]> resources;
  private final Set<String> allowedHosts;
  private final CompletableFuture<Void> closed = new CompletableFuture<>();

  private WebConsole(Options options, HttpServer server, ThreadPoolExecutor pool) {
    this.options = options;
    this.server = server;
    this.pool = pool;
    this.resources = loadResources();
    int port = server.getAddress().getPort();
    this.allowedHosts = Set.of("127.0.0.1:" + port, "localhost:" + port);
    this.memory = InMemoryPlatform.builder()
        .buildDuration(options.buildDuration())
        .buildLogs(options.buildLogs())
        .serveDeployments(true)
        .build();
    this.orchestrator = DeploymentOrchestrator.builder()
        .discoverPlatforms(options.discoverPlatforms())
        .platform(memory)
        .pollInterval(Duration.ofMillis(100), Duration.ofSeconds(1))
        .build();
    this.api = new ConsoleApi(orchestrator, memory, mapper,
        new GeneratedSecrets(1024, Duration.ofHours(1), Clock.systemUTC()),
        options.deploymentTimeout());
    this.streams = new EventStreams(orchestrator.progress(), options.sseRetry(),
        options.keepAlive(), MAX_STREAMS);
  }

  /**
   * Starts a console on {@code 127.0.0.1} at {@code options.port()} (0 picks a free port).
   *
   * @throws IOException if the port cannot be bound
   */
  static WebConsole start(Options options) throws IOException {
    Objects.requireNonNull(options, "options");
    HttpServer server = HttpServer.create(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), options.port()), 64);
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor pool = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(QUEUE), r -> {
          Thread t = new Thread(r, "deploykit-web-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    pool.allowCoreThreadTimeOut(true);
    WebConsole console;
    try {
      console = new WebConsole(options, server, pool);
    } catch (RuntimeException e) {
      server.stop(0);
      pool.shutdownNow();
      throw e;
    }
    server.setExecutor(pool);
    server.createContext("/", console::handle);
    server.start();
    log.info("deploykit web console listening on {}", console.uri());
    return console;
  }

  /** Returns the console's address, e.g. {@code http://127.0.0.1:8080/}. */
  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
  }

  /** Returns the in-memory platform the console deploys to by default. */
  InMemoryPlatform memoryPlatform() {
    return memory;
  }

  /** Returns the orchestrator. */
  DeploymentOrchestrator orchestrator() {
    return orchestrator;
  }

  /** Returns the progress streams. */
  EventStreams streams() {
    return streams;
  }

  /** Returns a future that completes once {@link #close()} has run. */
  CompletableFuture<Void> closed() {
    return closed;
  }

  private void handle(HttpExchange exchange) {
    String method = exchange.getRequestMethod();
    String path = exchange.getRequestURI().getPath();
    try {
      HttpIo.commonHeaders(exchange.getResponseHeaders());
      checkOrigin(exchange, method);
      route(exchange, method, path);
    } catch (ApiException e) {
      respond(exchange, e);
    } catch (IOException e) {
      log.debug("{} {}: the connection failed", method, path);
      exchange.close();
    } catch (RuntimeException e) {
      log.warn("{} {} failed", method, path, e);
      respond(exchange, new ApiException(500, "INTERNAL",
          "The console failed to answer; see its log"));
    }
  }

  private void checkOrigin(HttpExchange exchange, String method) throws ApiException {
    String host = exchange.getRequestHeaders().getFirst("Host");
    if (host == null || !allowedHosts.contains(host.toLowerCase(Locale.ROOT))) {
      throw new ApiException(421, "WRONG_HOST",
          "This console answers only at " + uri() + ": open that address");
    }
    String origin = exchange.getRequestHeaders().getFirst("Origin");
    if (!method.equals("GET") && !method.equals("HEAD") && origin != null
        && !allowedHosts.contains(origin.replaceFirst("^http://", ""))) {
      throw new ApiException(403, "WRONG_ORIGIN", "Requests from other sites are refused");
    }
  }

  private void route(HttpExchange exchange, String method, String path)
      throws IOException, ApiException {
    String resource = STATIC.get(path);
    if (resource != null) {
      requireMethod(exchange, method, "GET");
      exchange.getResponseHeaders().set("Cache-Control", "no-cache");
      HttpIo.send(exchange, 200, contentType(resource), resources.get(resource));
      return;
    }
    switch (path) {
      case "/api/options" -> {
        requireMethod(exchange, method, "GET");
        HttpIo.sendJson(exchange, 200, api.options(), mapper);
        return;
      }
      case "/api/schema" -> {
        requireMethod(exchange, method, "POST");
        HttpIo.sendJson(exchange, 200, api.schema(body(exchange)), mapper);
        return;
      }
      case "/api/validate" -> {
        requireMethod(exchange, method, "POST");
        HttpIo.sendJson(exchange, 200, api.validate(body(exchange)), mapper);
        return;
      }
      case "/api/generate" -> {
        requireMethod(exchange, method, "POST");
        HttpIo.sendJson(exchange, 200, api.generate(body(exchange)), mapper);
        return;
      }
      case "/api/deploy" -> {
        requireMethod(exchange, method, "POST");
        deploy(exchange);
        return;
      }
      default -> { }
    }
    Matcher m = DEPLOYMENT_PATH.matcher(path);
    if (!m.matches()) {
      throw new ApiException(404, "NOT_FOUND", "Nothing here: open " + uri());
    }
    requireMethod(exchange, method, "GET");
    String id = m.group(1);
    String tail = m.group(2);
    if (tail == null) {
      HttpIo.sendJson(exchange, 200, api.deployment(id), mapper);
    } else if (tail.equals("/events")) {
      streams.serve(exchange, id);
    } else {
      ConsoleApi.Zip zip = api.zip(id);
      exchange.getResponseHeaders().set("Content-Disposition",
          "attachment; filename=\"" + zip.fileName() + "\"");
      HttpIo.send(exchange, 200, "application/zip", zip.bytes());
    }
  }

  private void deploy(HttpExchange exchange) throws IOException, ApiException {
    CompletableFuture<ObjectNode> started;
    try {
      started = api.deploy(body(exchange));
    } catch (ConsoleApi.InvalidVariables e) {
      HttpIo.sendJson(exchange, 422, e.body(), mapper);
      return;
    }
    // Answered when the orchestrator has recorded the deployment; no thread waits for it.
    started.whenComplete((body, error) -> {
      try {
        if (body != null) {
          HttpIo.sendJson(exchange, 202, body, mapper);
          return;
        }
        Throwable cause = error instanceof CompletionException && error.getCause() != null
            ? error.getCause() : error;
        log.warn("A deployment did not start: {}", cause.getClass().getName());
        respond(exchange, new ApiException(500, "NOT_STARTED",
            cause instanceof TimeoutException
                ? "The deployment was not recorded within 10 s; see the console's log"
                : "The deployment could not start; see the console's log"));
      } catch (IOException e) {
        exchange.close();
      }
    });
  }

  private JsonNode body(HttpExchange exchange) throws IOException, ApiException {
    return HttpIo.readJsonObject(exchange, mapper);
  }

  private static void requireMethod(HttpExchange exchange, String method, String allowed)
      throws ApiException {
    if (!method.equals(allowed) && !(allowed.equals("GET") && method.equals("HEAD"))) {
      exchange.getResponseHeaders().set("Allow", allowed);
      throw new ApiException(405, "METHOD_NOT_ALLOWED", "Use " + allowed + " here");
    }
  }

  private void respond(HttpExchange exchange, ApiException e) {
    try {
      HttpIo.sendError(exchange, e, mapper);
    } catch (IOException io) {
      exchange.close();
    }
  }

  private static String contentType(String resource) {
    if (resource.endsWith(".html")) {
      return "text/html; charset=utf-8";
    }
    if (resource.endsWith(".js")) {
      return "text/javascript; charset=utf-8";
    }
    return "text/css; charset=utf-8";
  }

  private static Map<String, byte[]> loadResources() {
    Map<String, byte[]> out = new HashMap<>();
    for (String name : Set.copyOf(STATIC.values())) {
      try (InputStream in = WebConsole.class.getResourceAsStream(RESOURCES + name)) {
        if (in == null) {
          throw new IllegalStateException("The examples jar is damaged: " + RESOURCES + name
              + " is missing; rebuild it with mvn package");
        }
        out.put(name, in.readAllBytes());
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read " + RESOURCES + name, e);
      }
    }
    return Map.copyOf(out);
  }

  /** Stops the server, its threads, the orchestrator and the in-memory platform. Idempotent. */
  @Override
  public void close() {
    if (closed.isDone()) {
      return;
    }
    streams.dropAll();
    server.stop(0);
    pool.shutdownNow();
    orchestrator.close();
    memory.close();
    log.info("deploykit web console stopped");
    closed.complete(null);
  }

  @Override
  public String toString() {
    return "WebConsole[" + uri() + "]";
  }

  /**
   * How a console runs.
   *
   * @param port the loopback port; 0 picks a free one
   * @param buildDuration how long a build on the in-memory platform takes
   * @param buildLogs the build log the in-memory platform prints, spread over the build
   * @param discoverPlatforms whether to offer the adapters found on the classpath besides the
   *     in-memory platform
   * @param sseRetry how long a browser waits before reconnecting a dropped progress stream
   * @param keepAlive how often an idle progress stream gets a keep-alive comment
   * @param deploymentTimeout how long a deployment may take
   */
  record Options(int port, Duration buildDuration, List<String> buildLogs,
      boolean discoverPlatforms, Duration sseRetry, Duration keepAlive,
      Duration deploymentTimeout) {

    /** The in-memory platform's build log in the console: what a Next.js build prints. */
    static final List<String> BUILD_LOG = List.of(
        "Cloning the generated files (14 files, 9.8 kB)",
        "Detected Next.js 15 (App Router)",
        "Running \"npm install\"",
        "added 312 packages, and audited 313 packages in 4s",
        "found 0 vulnerabilities",
        "Running \"next build\"",
        "   Creating an optimized production build ...",
        " ✓ Compiled successfully",
        " ✓ Linting and checking validity of types",
        " ✓ Collecting page data",
        " ✓ Generating static pages (5/5)",
        "Route (app)                Size   First Load JS",
        "┌ ○ /                      142 B  87.2 kB",
        "└ ƒ /api/chat              0 B    0 B",
        "Build completed; uploading the output",
        "Deployment ready");

    Options {
      Objects.requireNonNull(buildDuration, "buildDuration");
      buildLogs = List.copyOf(buildLogs);
      Objects.requireNonNull(sseRetry, "sseRetry");
      Objects.requireNonNull(keepAlive, "keepAlive");
      Objects.requireNonNull(deploymentTimeout, "deploymentTimeout");
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be between 0 and 65535, was " + port);
      }
    }

    /** Port 8080, a 4 s build, discovery on, reconnect after 1 s, keep-alive every 15 s. */
    static Options defaults() {
      return new Options(8080, Duration.ofSeconds(4), BUILD_LOG, true, Duration.ofSeconds(1),
          Duration.ofSeconds(15), Duration.ofMinutes(5));
    }

    Options withPort(int newPort) {
      return new Options(newPort, buildDuration, buildLogs, discoverPlatforms, sseRetry, keepAlive,
          deploymentTimeout);
    }

    Options withBuild(Duration duration, List<String> logs) {
      return new Options(port, duration, logs, discoverPlatforms, sseRetry, keepAlive,
          deploymentTimeout);
    }

    Options withDiscoverPlatforms(boolean discover) {
      return new Options(port, buildDuration, buildLogs, discover, sseRetry, keepAlive,
          deploymentTimeout);
    }

    Options withSseRetry(Duration retry) {
      return new Options(port, buildDuration, buildLogs, discoverPlatforms, retry, keepAlive,
          deploymentTimeout);
    }
  }
}
