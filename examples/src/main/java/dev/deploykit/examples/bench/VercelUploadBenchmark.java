package dev.deploykit.examples.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.deploykit.core.Deployment;
import dev.deploykit.core.DeploymentConfig;
import dev.deploykit.core.DeploymentOrchestrator;
import dev.deploykit.core.DeploymentStatus;
import dev.deploykit.core.GeneratedFile;
import dev.deploykit.core.ProgressUpdate;
import dev.deploykit.platform.vercel.VercelPlatform;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Deploys 2,000 files of 4 KiB and 20 files of 1 MiB through the orchestrator and the Vercel
 * adapter to a stub of the Vercel API on loopback (a JDK {@link HttpServer} that answers as the
 * real API does: {@code missing_files} for unknown SHA-1s, 200 with an empty body for {@code POST
 * /v2/files}, READY at once), then re-deploys the same contents. Prints wall time, requests and
 * request-body bytes for each, and the share of the time spent hashing.
 *
 * <p>Run: {@code java -cp examples/target/deploykit.jar
 * dev.deploykit.examples.bench.VercelUploadBenchmark [rounds] [uploadConcurrency]} (defaults 5 and
 * 8). Not a test: the numbers depend on the machine.
 */
public final class VercelUploadBenchmark {
  private static final int SMALL_FILES = 2_000;
  private static final int SMALL_SIZE = 4 * 1024;
  private static final int LARGE_FILES = 20;
  private static final int LARGE_SIZE = 1024 * 1024;

  private VercelUploadBenchmark() {}

  /** Runs the benchmark. */
  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    byte[][] contents = contents();
    long totalBytes = 0;
    for (byte[] c : contents) {
      totalBytes += c.length;
    }
    System.out.printf(Locale.ROOT, "files: %d (%d x 4 KiB + %d x 1 MiB), %.1f MiB; upload"
        + " concurrency %d; %d rounds after 1 warm-up; %d cores%n", contents.length, SMALL_FILES,
        LARGE_FILES, totalBytes / 1048576.0, concurrency, rounds,
        Runtime.getRuntime().availableProcessors());

    ExecutorService serverThreads = Executors.newFixedThreadPool(32);
    StubVercel stub = new StubVercel();
    HttpServer server = HttpServer.create(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
    server.createContext("/", stub::handle);
    server.setExecutor(serverThreads);
    server.start();
    String apiUrl = "http://127.0.0.1:" + server.getAddress().getPort();

    List<long[]> first = new ArrayList<>();
    List<long[]> again = new ArrayList<>();
    List<Long> hashing = new ArrayList<>();
    try (DeploymentOrchestrator orchestrator = DeploymentOrchestrator.builder()
        .discoverPlatforms(false)
        .platform(VercelPlatform.create())
        .token("bench", "vercel", "bench-token-not-secret")
        .setting("vercel.apiUrl", apiUrl)
        .setting("vercel.uploadConcurrency", Integer.toString(concurrency))
        .pollInterval(Duration.ofMillis(20), Duration.ofMillis(50))
        .deploymentTimeout(Duration.ofMinutes(5))
        .build()) {
      for (int round = 0; round <= rounds; round++) {
        stub.forget();
        long[] a = deploy(orchestrator, stub, contents, "bench-app-" + round);
        long[] b = deploy(orchestrator, stub, contents, "bench-app-" + round);
        long h = hashTime(contents);
        if (round > 0) { // round 0 warms up the JIT, the connections and the stub
          first.add(a);
          again.add(b);
          hashing.add(h);
        }
      }
    } finally {
      server.stop(0);
      serverThreads.shutdownNow();
    }
    report("first deploy", first, hashing);
    report("re-deploy (unchanged)", again, hashing);
  }

  /** Returns {wall ns, upload-phase ns, requests, body bytes, files uploaded}. */
  private static long[] deploy(DeploymentOrchestrator orchestrator, StubVercel stub,
      byte[][] contents, String name) {
    List<GeneratedFile> files = new ArrayList<>(contents.length);
    for (int i = 0; i < contents.length; i++) {
      String dir = i < SMALL_FILES ? "assets/" + (i / 100) + "/" : "media/";
      files.add(GeneratedFile.of(dir + "file-" + i + ".bin", contents[i], GeneratedFile.REGULAR));
    }
    long requests0 = stub.requests.get();
    long bytes0 = stub.bodyBytes.get();
    long uploads0 = stub.uploads.get();
    long[] uploadStart = {0};
    long[] uploadEnd = {0};
    DeploymentConfig config = DeploymentConfig.builder(name, "vercel").files(files)
        .verifyUrl(false).build();
    long start = System.nanoTime();
    Deployment d = orchestrator.deployAsync(config, "bench", (ProgressUpdate u) -> {
      if (u.status() == DeploymentStatus.UPLOADING && uploadStart[0] == 0) {
        uploadStart[0] = System.nanoTime();
      } else if (u.status() == DeploymentStatus.BUILDING && uploadEnd[0] == 0) {
        uploadEnd[0] = System.nanoTime();
      }
    }).join();
    long wall = System.nanoTime() - start;
    if (d.status() != DeploymentStatus.SUCCESS) {
      throw new IllegalStateException("deployment failed: " + d.error());
    }
    return new long[] {wall, uploadEnd[0] - uploadStart[0], stub.requests.get() - requests0,
        stub.bodyBytes.get() - bytes0, stub.uploads.get() - uploads0};
  }

  /** SHA-1 of every file, fresh (as the adapter does for new GeneratedFile instances). */
  private static long hashTime(byte[][] contents) throws Exception {
    long start = System.nanoTime();
    for (byte[] c : contents) {
      HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(c));
    }
    return System.nanoTime() - start;
  }

  private static void report(String what, List<long[]> runs, List<Long> hashing) {
    long[] walls = runs.stream().mapToLong(r -> r[0]).sorted().toArray();
    long[] uploads = runs.stream().mapToLong(r -> r[1]).sorted().toArray();
    long hash = hashing.stream().mapToLong(Long::longValue).sorted().toArray()[hashing.size() / 2];
    long[] r = runs.get(0);
    double wallMs = walls[walls.length / 2] / 1e6;
    System.out.printf(Locale.ROOT, "%-22s wall median %7.1f ms (min %7.1f, max %7.1f);"
            + " upload step median %7.1f ms; requests %d; files uploaded %d; body bytes sent %d"
            + " (%.1f MiB); hashing %.1f ms = %.1f%% of wall%n",
        what, wallMs, walls[0] / 1e6, walls[walls.length - 1] / 1e6,
        uploads[uploads.length / 2] / 1e6, r[2], r[4], r[3], r[3] / 1048576.0, hash / 1e6,
        100.0 * hash / walls[walls.length / 2]);
  }

  private static byte[][] contents() {
    Random random = new Random(42);
    byte[][] out = new byte[SMALL_FILES + LARGE_FILES][];
    for (int i = 0; i < out.length; i++) {
      out[i] = new byte[i < SMALL_FILES ? SMALL_SIZE : LARGE_SIZE];
      random.nextBytes(out[i]);
    }
    return out;
  }

  /** A stub of the parts of the Vercel API a deployment uses, keeping uploaded SHA-1s. */
  static final class StubVercel {
    final AtomicLong requests = new AtomicLong();
    final AtomicLong bodyBytes = new AtomicLong();
    final AtomicLong uploads = new AtomicLong();
    private final Set<String> shas = ConcurrentHashMap.newKeySet();
    private final Set<String> projects = ConcurrentHashMap.newKeySet();
    private final ObjectMapper mapper = new ObjectMapper();
    private final AtomicLong ids = new AtomicLong();

    void forget() {
      shas.clear();
    }

    void handle(HttpExchange ex) throws IOException {
      try (ex) {
        requests.incrementAndGet();
        byte[] body;
        try (InputStream in = ex.getRequestBody()) {
          body = in.readAllBytes();
        }
        bodyBytes.addAndGet(body.length);
        String method = ex.getRequestMethod();
        String path = ex.getRequestURI().getPath();
        if (method.equals("POST") && path.equals("/v2/files")) {
          String digest = ex.getRequestHeaders().getFirst("x-vercel-digest");
          String actual = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(body));
          if (digest == null || !digest.equals(actual)) {
            send(ex, 400, "{\"error\":{\"code\":\"bad_request\",\"message\":\"digest mismatch\"}}");
            return;
          }
          shas.add(actual);
          uploads.incrementAndGet();
          send(ex, 200, "");
        } else if (method.equals("POST") && path.equals("/v11/projects")) {
          String name = mapper.readTree(body).path("name").asText();
          if (!projects.add(name)) {
            send(ex, 409, "{\"error\":{\"code\":\"conflict\",\"message\":\"Project \\\"" + name
                + "\\\" already exists.\"}}");
          } else {
            send(ex, 200, "{\"id\":\"prj_" + name + "\",\"name\":\"" + name + "\"}");
          }
        } else if (method.equals("GET") && path.startsWith("/v10/projects/")) {
          String name = path.substring("/v10/projects/".length());
          send(ex, 200, "{\"id\":\"prj_" + name + "\",\"name\":\"" + name + "\"}");
        } else if (method.equals("POST") && path.endsWith("/env")) {
          send(ex, 200, "{\"created\":[],\"failed\":[]}");
        } else if (method.equals("POST") && path.equals("/v13/deployments")) {
          JsonNode req = mapper.readTree(body);
          List<String> missing = new ArrayList<>();
          for (JsonNode f : req.path("files")) {
            String sha = f.path("sha").asText();
            if (!shas.contains(sha)) {
              missing.add("\"" + sha + "\"");
            }
          }
          if (!missing.isEmpty()) {
            send(ex, 400, "{\"error\":{\"code\":\"missing_files\",\"message\":\"Missing files\","
                + "\"missing\":[" + String.join(",", missing) + "]}}");
          } else {
            String id = "dpl_" + ids.incrementAndGet();
            send(ex, 200, "{\"id\":\"" + id + "\",\"url\":\"" + req.path("name").asText()
                + "-" + id + ".vercel.app\",\"readyState\":\"QUEUED\"}");
          }
        } else if (method.equals("GET") && path.startsWith("/v13/deployments/")) {
          String id = path.substring("/v13/deployments/".length());
          send(ex, 200, "{\"id\":\"" + id + "\",\"url\":\"" + id + ".vercel.app\",\"readyState\":"
              + "\"READY\",\"target\":\"production\",\"aliasAssigned\":true,\"alias\":[\"bench-app"
              + ".vercel.app\"]}");
        } else if (method.equals("GET") && path.endsWith("/events")) {
          send(ex, 200, "{\"type\":\"stdout\",\"created\":1,\"id\":\"e1\",\"text\":\"Build done\"}\n");
        } else {
          send(ex, 404, "{\"error\":{\"code\":\"not_found\",\"message\":\"" + method + " " + path
              + "\"}}");
        }
      } catch (Exception e) {
        send(ex, 500, "{\"error\":{\"code\":\"internal_server_error\",\"message\":\"stub\"}}");
      }
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", "application/json");
      ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
      if (bytes.length > 0) {
        try (OutputStream out = ex.getResponseBody()) {
          out.write(bytes);
        }
      }
    }
  }
}
