package dev.deploykit.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.deploykit.core.DeploymentTarget;
import dev.deploykit.core.GeneratedFile;
import dev.deploykit.core.spi.BuildState;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The loopback HTTP server of an {@link InMemoryPlatform}: {@code 127.0.0.1}, a free port, at most
 * two daemon threads. Serves {@code /<project>/...} (the latest successful production deployment)
 * and {@code /_deployments/<id>/...} (any successful deployment).
 */
final class LoopbackServer {
  static final String DEPLOYMENTS = "_deployments";
  private static final AtomicInteger THREADS = new AtomicInteger();
  private static final Map<String, String> TYPES = Map.ofEntries(
      Map.entry("html", "text/html; charset=utf-8"),
      Map.entry("htm", "text/html; charset=utf-8"),
      Map.entry("css", "text/css; charset=utf-8"),
      Map.entry("js", "text/javascript; charset=utf-8"),
      Map.entry("mjs", "text/javascript; charset=utf-8"),
      Map.entry("json", "application/json"),
      Map.entry("map", "application/json"),
      Map.entry("txt", "text/plain; charset=utf-8"),
      Map.entry("md", "text/markdown; charset=utf-8"),
      Map.entry("xml", "application/xml"),
      Map.entry("svg", "image/svg+xml"),
      Map.entry("png", "image/png"),
      Map.entry("jpg", "image/jpeg"),
      Map.entry("jpeg", "image/jpeg"),
      Map.entry("gif", "image/gif"),
      Map.entry("webp", "image/webp"),
      Map.entry("ico", "image/x-icon"),
      Map.entry("woff", "font/woff"),
      Map.entry("woff2", "font/woff2"),
      Map.entry("wasm", "application/wasm"));

  private final HttpServer server;
  private final ExecutorService executor;
  private final InMemoryPlatform platform;

  private LoopbackServer(HttpServer server, ExecutorService executor, InMemoryPlatform platform) {
    this.server = server;
    this.executor = executor;
    this.platform = platform;
  }

  static LoopbackServer start(InMemoryPlatform platform) throws IOException {
    HttpServer server = HttpServer.create(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    ThreadPoolExecutor executor = new ThreadPoolExecutor(2, 2, 10, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), r -> {
          Thread t = new Thread(r, "deploykit-memory-http-" + THREADS.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    executor.allowCoreThreadTimeOut(true);
    LoopbackServer loopback = new LoopbackServer(server, executor, platform);
    server.setExecutor(executor);
    server.createContext("/", loopback::handle);
    server.start();
    return loopback;
  }

  int port() {
    return server.getAddress().getPort();
  }

  void stop() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      if (!method.equals("GET") && !method.equals("HEAD")) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        send(exchange, 405, "text/plain; charset=utf-8", bytes("Method not allowed\n"));
        return;
      }
      String path = exchange.getRequestURI().getPath();
      String[] parts = path.length() > 1 ? path.substring(1).split("/", 2) : new String[0];
      if (parts.length == 0 || parts[0].isEmpty()) {
        notFound(exchange);
        return;
      }
      MemoryBuild build;
      String rest;
      String base;
      if (parts[0].equals(DEPLOYMENTS)) {
        String[] sub = parts.length > 1 ? parts[1].split("/", 2) : new String[0];
        MemoryBuild b = sub.length > 0 ? platform.builds().get(sub[0]) : null;
        build = b != null && b.state() == BuildState.SUCCESS ? b : null;
        base = "/" + DEPLOYMENTS + "/" + (sub.length > 0 ? sub[0] : "");
        rest = sub.length > 1 ? sub[1] : null;
      } else {
        build = latestProduction(parts[0]).orElse(null);
        base = "/" + parts[0];
        rest = parts.length > 1 ? parts[1] : null;
      }
      if (build == null) {
        notFound(exchange);
        return;
      }
      if (rest == null) {
        exchange.getResponseHeaders().set("Location", base + "/");
        send(exchange, 301, "text/plain; charset=utf-8", bytes("Moved to " + base + "/\n"));
        return;
      }
      serve(exchange, build, rest);
    }
  }

  private void serve(HttpExchange exchange, MemoryBuild build, String rest) throws IOException {
    Map<String, GeneratedFile> files = build.files();
    String key = rest.isEmpty() || rest.endsWith("/") ? rest + "index.html" : rest;
    GeneratedFile file = files.get(key);
    if (file != null) {
      send(exchange, 200, contentType(key), file.bytes());
    } else if (rest.isEmpty()) {
      send(exchange, 200, "text/html; charset=utf-8", bytes(homePage(build)));
    } else {
      notFound(exchange);
    }
  }

  private Optional<MemoryBuild> latestProduction(String projectName) {
    return platform.project(projectName).flatMap(state -> state.deploymentIds().stream()
        .map(id -> platform.builds().get(id))
        .filter(b -> b != null && b.target() == DeploymentTarget.PRODUCTION
            && b.state() == BuildState.SUCCESS)
        .max(Comparator.comparingLong(b -> Long.parseLong(b.id().substring(4)))));
  }

  /** The page of a deployment without an index.html: names, never values. */
  static String homePage(MemoryBuild build) {
    StringBuilder sb = new StringBuilder();
    String name = escape(build.project().name());
    sb.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>")
        .append(name).append("</title></head>\n<body>\n<h1>").append(name).append("</h1>\n")
        .append("<p>Deployment ").append(escape(build.id()))
        .append(" on the in-memory platform.</p>\n<h2>Files</h2>\n<ul>\n");
    for (String path : build.files().keySet().stream().sorted().toList()) {
      sb.append("<li><a href=\"").append(escape(path)).append("\">").append(escape(path))
          .append("</a></li>\n");
    }
    sb.append("</ul>\n<h2>Environment variables</h2>\n<ul>\n");
    for (String key : build.variableNames()) {
      sb.append("<li>").append(escape(key)).append("</li>\n");
    }
    return sb.append("</ul>\n</body>\n</html>\n").toString();
  }

  static String contentType(String path) {
    String file = path.substring(path.lastIndexOf('/') + 1);
    int dot = file.lastIndexOf('.');
    String ext = dot < 0 ? "" : file.substring(dot + 1).toLowerCase(Locale.ROOT);
    return TYPES.getOrDefault(ext, "application/octet-stream");
  }

  private static void notFound(HttpExchange exchange) throws IOException {
    send(exchange, 404, "text/plain; charset=utf-8", bytes("Not found\n"));
  }

  private static void send(HttpExchange exchange, int status, String type, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(status, head ? -1 : body.length == 0 ? -1 : body.length);
    if (!head && body.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String escape(@Nullable String s) {
    if (s == null) {
      return "";
    }
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        .replace("\"", "&quot;").replace("'", "&#39;");
  }
}
