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
import dev.deploykit.core.UploadProgress;
import dev.deploykit.platform.vercel.VercelPlatform;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Deploys files through the orchestrator and the Vercel adapter to a loopback stub of the Vercel
 * API that answers as the real API does ({@code missing_files} for unknown SHA-1s, 200 with an
 * empty body for {@code POST /v2/files}, READY at once), first deploy then re-deploy of the same
 * contents, and measures in the same run the baselines the figures are compared with: a Node.js
 * keep-alive client sending the same uploads, the JDK {@code HttpClient} alone sending them, and
 * {@code sha1sum} hashing the same bytes.
 *
 * <p>Two file sets: {@code small} (2,000 files of 0.25 to 2 KiB, seed 42) and {@code large} (20
 * files of 1 MiB). The stub is {@code examples/src/main/node/vercel-stub.js} when {@code node} is
 * on the PATH (as the issue asks), else the JDK {@link HttpServer} stub below ({@code --java-stub}
 * forces it).
 *
 * <p>Run: {@code java -cp examples/target/deploykit.jar
 * dev.deploykit.examples.bench.VercelUploadBenchmark [rounds=5] [uploadConcurrency=8]
 * [--java-stub]}. Not a test: the numbers depend on the machine.
 */
public final class VercelUploadBenchmark {
  static final int SMALL_FILES = 2_000;
  static final int LARGE_FILES = 20;
  static final int LARGE_SIZE = 1024 * 1024;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private VercelUploadBenchmark() {}

  /** Runs the benchmark. */
  public static void main(String[] args) throws Exception {
    List<String> positional = new ArrayList<>();
    boolean javaStub = false;
    for (String a : args) {
      if (a.equals("--java-stub")) {
        javaStub = true;
      } else {
        positional.add(a);
      }
    }
    int rounds = positional.size() > 0 ? Integer.parseInt(positional.get(0)) : 5;
    int concurrency = positional.size() > 1 ? Integer.parseInt(positional.get(1)) : 8;
    Path nodeDir = Path.of("examples/src/main/node");
    boolean node = !javaStub && Files.isRegularFile(nodeDir.resolve("vercel-stub.js"))
        && commandWorks("node", "--version");
    System.out.printf(Locale.ROOT, "%d cores, %s, stub: %s, upload concurrency %d, %d rounds"
            + " after 1 warm-up, load average %s%n", Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
        node ? "Node.js " + output("node", "--version").strip() : "JDK HttpServer", concurrency,
        rounds, loadAverage());
    System.out.println("reproduce: java -cp examples/target/deploykit.jar "
        + VercelUploadBenchmark.class.getName() + " " + String.join(" ", args));

    try (Stub stub = node ? NodeStub.start(nodeDir) : JavaStub.start()) {
      for (String set : List.of("small", "large")) {
        byte[][] contents = set.equals("small") ? smallContents() : largeContents();
        Path dir = Files.createTempDirectory("deploykit-bench-" + set);
        try {
          write(dir, contents);
          runSet(set, contents, dir, stub, rounds, concurrency, node ? nodeDir : null);
        } finally {
          deleteTree(dir);
        }
      }
    }
  }

  private static void runSet(String set, byte[][] contents, Path dir, Stub stub, int rounds,
      int concurrency, @Nullable Path nodeDir) throws Exception {
    long totalBytes = 0;
    for (byte[] c : contents) {
      totalBytes += c.length;
    }
    System.out.printf(Locale.ROOT, "%n== %s: %d files, %.2f MiB ==%n", set, contents.length,
        totalBytes / 1048576.0);
    List<long[]> first = new ArrayList<>();
    List<long[]> again = new ArrayList<>();
    List<Long> jdk = new ArrayList<>();
    List<Long> jdkCpu = new ArrayList<>();
    List<Long> jdkLike = new ArrayList<>();
    List<Long> jdkLikeCpu = new ArrayList<>();
    List<Long> javaHash = new ArrayList<>();
    List<Long> sha1sum = new ArrayList<>();
    List<Double> nodeMs = new ArrayList<>();
    try (DeploymentOrchestrator orchestrator = DeploymentOrchestrator.builder()
        .discoverPlatforms(false)
        .platform(VercelPlatform.create())
        .token("bench", "vercel", "bench-token-not-secret")
        .setting("vercel.apiUrl", stub.url())
        .setting("vercel.uploadConcurrency", Integer.toString(concurrency))
        .pollInterval(Duration.ofMillis(20), Duration.ofMillis(50))
        .deploymentTimeout(Duration.ofMinutes(5))
        .build()) {
      HttpClient plain = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      // The client the orchestrator builds by default: HTTP/2 preferred (h2c upgrade offered on
      // cleartext), its executor the orchestrator's two-thread scheduler.
      ScheduledThreadPoolExecutor twoThreads = new ScheduledThreadPoolExecutor(2);
      HttpClient likeOrchestrator = HttpClient.newBuilder().executor(twoThreads)
          .connectTimeout(Duration.ofSeconds(10)).followRedirects(HttpClient.Redirect.NEVER)
          .build();
      for (int round = 0; round <= rounds; round++) {
        stub.forget();
        long[] a = deploy(orchestrator, stub, contents, "bench-" + set + "-" + round);
        long[] b = deploy(orchestrator, stub, contents, "bench-" + set + "-" + round);
        stub.forget();
        long cpu0 = processCpuNanos();
        long j = jdkAlone(plain, stub.url(), contents, concurrency);
        long jCpu = processCpuNanos() - cpu0;
        stub.forget();
        long cpu1 = processCpuNanos();
        long j2 = jdkAlone(likeOrchestrator, stub.url(), contents, concurrency);
        long j2Cpu = processCpuNanos() - cpu1;
        long h = hashTime(contents);
        long s = sha1sumTime(dir);
        double nodeRound = Double.NaN;
        if (nodeDir != null) {
          // Three measured Node.js rounds (after its own warm-up round) per round, interleaved with
          // ours, so that both see the same load on this shared machine.
          stub.forget();
          nodeRound = MAPPER.readTree(output("node",
              nodeDir.resolve("upload-client.js").toString(), stub.url(), dir.toString(),
              Integer.toString(concurrency), "3")).path("medianMs").asDouble();
        }
        if (round > 0) { // round 0 warms up the JIT, the connections and the stub
          nodeMs.add(nodeRound);
          first.add(a);
          again.add(b);
          jdk.add(j);
          jdkCpu.add(jCpu);
          jdkLike.add(j2);
          jdkLikeCpu.add(j2Cpu);
          javaHash.add(h);
          sha1sum.add(s);
        }
      }
      twoThreads.shutdown();
    }
    if (nodeDir != null) {
      List<Double> sorted = nodeMs.stream().sorted().toList();
      System.out.printf(Locale.ROOT, "node keep-alive client   %d uploads: median %7.1f ms (min %7.1f,"
              + " max %7.1f) of the medians of 3 rounds run after each of ours%n", contents.length,
          sorted.get(sorted.size() / 2), sorted.get(0), sorted.get(sorted.size() - 1));
    }
    long jdkMedian = median(jdk);
    System.out.printf(Locale.ROOT, "JDK HttpClient alone     %d uploads: median %7.1f ms (min %7.1f,"
            + " max %7.1f); client CPU %.1f ms = %.0f us per upload%n", contents.length,
        jdkMedian / 1e6, min(jdk) / 1e6, max(jdk) / 1e6, median(jdkCpu) / 1e6,
        median(jdkCpu) / 1e3 / contents.length);
    System.out.printf(Locale.ROOT, "JDK HttpClient as the orchestrator builds it %d uploads: median"
            + " %7.1f ms (min %7.1f, max %7.1f); client CPU %.1f ms = %.0f us per upload%n",
        contents.length, median(jdkLike) / 1e6, min(jdkLike) / 1e6, max(jdkLike) / 1e6,
        median(jdkLikeCpu) / 1e6, median(jdkLikeCpu) / 1e3 / contents.length);
    report("deploykit first deploy", first);
    report("deploykit re-deploy", again);
    if (nodeDir != null) {
      List<Double> step = new ArrayList<>();
      List<Double> files = new ArrayList<>();
      List<Double> alone = new ArrayList<>();
      for (int i = 0; i < first.size(); i++) {
        double n = nodeMs.get(i);
        step.add(first.get(i)[1] / 1e6 / n);
        files.add(first.get(i)[6] / 1e6 / n);
        alone.add(jdk.get(i) / 1e6 / n);
      }
      System.out.printf(Locale.ROOT, "deploykit uploads only   median %7.1f ms (first upload"
              + " progress to the last file)%n",
          median(first.stream().map(r -> r[6]).toList()) / 1e6);
      System.out.printf(Locale.ROOT, "ratio (median of the rounds' ratios): deploykit uploads only"
              + " / node = %.2fx; deploykit upload step (with both create-deployment calls) / node"
              + " = %.2fx; JDK alone / node = %.2fx%n", medianOf(files), medianOf(step),
          medianOf(alone));
    }
    double mib = 0;
    for (byte[] c : contents) {
      mib += c.length / 1048576.0;
    }
    long jh = median(javaHash);
    long sh = median(sha1sum);
    System.out.printf(Locale.ROOT, "hashing: GeneratedFile.sha1() %7.1f ms (%.0f MiB/s), sha1sum"
            + " %7.1f ms (%.0f MiB/s, process start included), ratio %.2fx of sha1sum's"
            + " throughput%n", jh / 1e6, mib / (jh / 1e9), sh / 1e6, mib / (sh / 1e9),
        (double) sh / jh);
  }

  /**
   * Returns {wall ns, upload-phase ns, requests, body bytes, files uploaded, process CPU ns,
   * uploads-only ns}.
   */
  static long[] deploy(DeploymentOrchestrator orchestrator, Stub stub,
      byte[][] contents, String name) throws Exception {
    List<GeneratedFile> files = files(contents);
    long[] before = stub.counters();
    long[] uploadStart = {0};
    long[] uploadEnd = {0};
    // The uploads alone: from the first update carrying upload progress to the one saying every
    // file is there, by the updates' own timestamps (delivery to this listener is asynchronous).
    Instant[] filesWindow = new Instant[2];
    DeploymentConfig config = DeploymentConfig.builder(name, "vercel").files(files)
        .verifyUrl(false).build();
    long cpu0 = processCpuNanos();
    long start = System.nanoTime();
    Deployment d = orchestrator.deployAsync(config, "bench", (ProgressUpdate u) -> {
      UploadProgress p = u.upload();
      if (p != null && filesWindow[0] == null) {
        filesWindow[0] = u.timestamp();
      }
      if (p != null && p.filesDone() == p.filesTotal() && filesWindow[1] == null) {
        filesWindow[1] = u.timestamp();
      }
      if (u.status() == DeploymentStatus.UPLOADING && uploadStart[0] == 0) {
        uploadStart[0] = System.nanoTime();
      } else if (u.status() == DeploymentStatus.BUILDING && uploadEnd[0] == 0) {
        uploadEnd[0] = System.nanoTime();
      }
    }).join();
    long wall = System.nanoTime() - start;
    long cpu = processCpuNanos() - cpu0;
    if (d.status() != DeploymentStatus.SUCCESS) {
      throw new IllegalStateException("deployment failed: " + d.error());
    }
    long[] after = stub.counters();
    long filesOnly = filesWindow[0] == null || filesWindow[1] == null ? 0
        : Duration.between(filesWindow[0], filesWindow[1]).toNanos();
    return new long[] {wall, uploadEnd[0] - uploadStart[0], after[0] - before[0],
        after[1] - before[1], after[2] - before[2], cpu, filesOnly};
  }

  static List<GeneratedFile> files(byte[][] contents) {
    List<GeneratedFile> files = new ArrayList<>(contents.length);
    for (int i = 0; i < contents.length; i++) {
      files.add(GeneratedFile.of("assets/" + (i / 100) + "/file-" + i + ".bin", contents[i],
          GeneratedFile.REGULAR));
    }
    return files;
  }

  /** The same uploads with the JDK client alone: no orchestrator, no retries, no JSON. */
  static long jdkAlone(HttpClient client, String apiUrl, byte[][] contents, int concurrency)
      throws Exception {
    String[] shas = new String[contents.length];
    for (int i = 0; i < contents.length; i++) {
      shas[i] = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(contents[i]));
    }
    URI uri = URI.create(apiUrl + "/v2/files");
    AtomicInteger next = new AtomicInteger();
    CompletableFuture<Void> all = new CompletableFuture<>();
    AtomicInteger done = new AtomicInteger();
    long start = System.nanoTime();
    Runnable[] pump = new Runnable[1];
    pump[0] = () -> {
      int i = next.getAndIncrement();
      if (i >= contents.length) {
        return;
      }
      HttpRequest r = HttpRequest.newBuilder(uri)
          .header("Authorization", "Bearer bench-token-not-secret")
          .header("Content-Type", "application/octet-stream")
          .header("x-vercel-digest", shas[i])
          .POST(HttpRequest.BodyPublishers.ofByteArray(contents[i])).build();
      client.sendAsync(r, HttpResponse.BodyHandlers.discarding()).whenComplete((resp, e) -> {
        if (e != null || resp.statusCode() != 200) {
          all.completeExceptionally(e != null ? e : new IllegalStateException(
              "HTTP " + resp.statusCode()));
          return;
        }
        if (done.incrementAndGet() == contents.length) {
          all.complete(null);
        } else {
          pump[0].run();
        }
      });
    };
    for (int w = 0; w < Math.min(concurrency, contents.length); w++) {
      pump[0].run();
    }
    all.join();
    return System.nanoTime() - start;
  }

  /** SHA-1 of every file through fresh GeneratedFile objects (as a re-deploy does). */
  static long hashTime(byte[][] contents) {
    List<GeneratedFile> files = files(contents);
    long start = System.nanoTime();
    for (GeneratedFile f : files) {
      f.sha1();
    }
    return System.nanoTime() - start;
  }

  /** {@code sha1sum} over the same bytes, written to files (page cache warm), process included. */
  static long sha1sumTime(Path dir) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add("sha1sum");
    try (Stream<Path> s = Files.list(dir)) {
      s.sorted().forEach(p -> cmd.add(p.toString()));
    }
    long start = System.nanoTime();
    Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    if (p.waitFor() != 0) {
      throw new IllegalStateException("sha1sum failed");
    }
    return System.nanoTime() - start;
  }

  private static void report(String what, List<long[]> runs) {
    List<Long> walls = runs.stream().map(r -> r[0]).toList();
    List<Long> requests = runs.stream().map(x -> x[2]).toList();
    List<Long> uploads = runs.stream().map(x -> x[4]).toList();
    List<Long> bytes = runs.stream().map(x -> x[3]).toList();
    long cpu = median(runs.stream().map(x -> x[5]).toList());
    System.out.printf(Locale.ROOT, "%-24s wall median %7.1f ms (min %7.1f, max %7.1f);"
            + " upload step median %7.1f ms; requests %d-%d; files uploaded %d-%d; body bytes"
            + " %d-%d; process CPU %.1f ms = %.0f us per request%n",
        what, median(walls) / 1e6, min(walls) / 1e6, max(walls) / 1e6,
        median(runs.stream().map(x -> x[1]).toList()) / 1e6, min(requests), max(requests),
        min(uploads), max(uploads), min(bytes), max(bytes), cpu / 1e6,
        cpu / 1e3 / Math.max(1, median(requests)));
  }

  private static double medianOf(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    return sorted.get(sorted.size() / 2);
  }

  /** CPU time of this whole process so far (every thread: the client's, GC and JIT). */
  static long processCpuNanos() {
    java.lang.management.OperatingSystemMXBean os =
        java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean sun
        ? sun.getProcessCpuTime() : 0;
  }

  static long median(List<Long> xs) {
    List<Long> s = new ArrayList<>(xs);
    s.sort(null);
    return s.get(s.size() / 2);
  }

  private static long min(List<Long> xs) {
    return xs.stream().mapToLong(Long::longValue).min().orElse(0);
  }

  private static long max(List<Long> xs) {
    return xs.stream().mapToLong(Long::longValue).max().orElse(0);
  }

  static byte[][] smallContents() {
    Random random = new Random(42);
    byte[][] out = new byte[SMALL_FILES][];
    for (int i = 0; i < out.length; i++) {
      out[i] = new byte[256 + random.nextInt(2048 - 256 + 1)];
      random.nextBytes(out[i]);
    }
    return out;
  }

  static byte[][] largeContents() {
    Random random = new Random(43);
    byte[][] out = new byte[LARGE_FILES][];
    for (int i = 0; i < out.length; i++) {
      out[i] = new byte[LARGE_SIZE];
      random.nextBytes(out[i]);
    }
    return out;
  }

  private static void write(Path dir, byte[][] contents) throws IOException {
    for (int i = 0; i < contents.length; i++) {
      Files.write(dir.resolve(String.format(Locale.ROOT, "file-%05d.bin", i)), contents[i]);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).strip();
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static boolean commandWorks(String... cmd) {
    try {
      return new ProcessBuilder(cmd).redirectErrorStream(true).start().waitFor() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  static String output(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IOException(String.join(" ", cmd) + " failed");
    }
    return out;
  }

  /** A stub of the Vercel API with request counters. */
  interface Stub extends AutoCloseable {
    String url();

    /** Forgets the uploaded SHA-1s. */
    void forget() throws Exception;

    /** Returns {requests, body bytes, uploads} so far. */
    long[] counters() throws Exception;

    @Override
    void close() throws Exception;
  }

  /** The Node.js stub, {@code vercel-stub.js}, in a child process. */
  static final class NodeStub implements Stub {
    private final Process process;
    private final String url;
    private final HttpClient client = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1).build();
    private long requests;
    private long bodyBytes;
    private long uploads;

    private NodeStub(Process process, String url) {
      this.process = process;
      this.url = url;
    }

    static NodeStub start(Path nodeDir) throws IOException {
      Process p = new ProcessBuilder("node", nodeDir.resolve("vercel-stub.js").toString(), "0")
          .redirectError(ProcessBuilder.Redirect.INHERIT).start();
      BufferedReader r = new BufferedReader(
          new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      String line = r.readLine();
      if (line == null || !line.startsWith("listening ")) {
        p.destroy();
        throw new IOException("the Node.js stub did not start: " + line);
      }
      return new NodeStub(p, "http://127.0.0.1:" + line.substring("listening ".length()).strip());
    }

    @Override
    public String url() {
      return url;
    }

    private JsonNode call(String method, String path) throws Exception {
      HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(URI.create(url + path))
          .method(method, HttpRequest.BodyPublishers.noBody()).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      return MAPPER.readTree(r.body());
    }

    @Override
    public void forget() throws Exception {
      long[] c = counters();
      requests = c[0];
      bodyBytes = c[1];
      uploads = c[2];
      call("POST", "/_reset");
    }

    @Override
    public long[] counters() throws Exception {
      JsonNode s = call("GET", "/_stats");
      return new long[] {requests + s.path("requests").asLong(),
          bodyBytes + s.path("bodyBytes").asLong(), uploads + s.path("uploads").asLong()};
    }

    /** Answers the next {@code count} requests whose path starts with {@code path} with 429. */
    void rateLimit(String path, int count) throws Exception {
      call("POST", "/_ratelimit?path=" + path + "&count=" + count);
    }

    @Override
    public void close() {
      process.destroy();
    }
  }

  /** The JDK {@link HttpServer} stub in this process. */
  static final class JavaStub implements Stub {
    private final HttpServer server;
    private final ExecutorService threads;
    private final StubVercel stub;

    private JavaStub(HttpServer server, ExecutorService threads, StubVercel stub) {
      this.server = server;
      this.threads = threads;
      this.stub = stub;
    }

    static JavaStub start() throws IOException {
      ExecutorService serverThreads = Executors.newFixedThreadPool(32);
      StubVercel stub = new StubVercel();
      HttpServer server = HttpServer.create(
          new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
      server.createContext("/", stub::handle);
      server.setExecutor(serverThreads);
      server.start();
      return new JavaStub(server, serverThreads, stub);
    }

    @Override
    public String url() {
      return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void forget() {
      stub.forget();
    }

    @Override
    public long[] counters() {
      return new long[] {stub.requests.get(), stub.bodyBytes.get(), stub.uploads.get()};
    }

    @Override
    public void close() {
      server.stop(0);
      threads.shutdownNow();
    }
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
