package dev.deploykit.platform.vercel;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.binaryEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.deploykit.platform.vercel.VercelFixtures.CANARY;
import static dev.deploykit.platform.vercel.VercelFixtures.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.deploykit.core.Deployment;
import dev.deploykit.core.DeploymentOrchestrator;
import dev.deploykit.core.DeploymentStatus;
import dev.deploykit.core.ErrorCode;
import dev.deploykit.core.GeneratedFile;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The upload transport as a user sees it: whole deployments through the orchestrator, with the
 * default transport, {@code vercel.uploadTransport=jdk}, a proxy, TLS, and {@code close()}.
 */
class VercelUploadTransportTest {
  private static final String PASSWORD = "changeit-test";

  @RegisterExtension
  static WireMockExtension wm =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  /** Made with keytool when the class loads: nothing is downloaded, nothing kept. */
  private static final Path KEY_STORE = keyStoreOrFail();

  @RegisterExtension
  static WireMockExtension tls = WireMockExtension.newInstance()
      .options(wireMockConfig().dynamicPort().dynamicHttpsPort()
          .keystorePath(KEY_STORE.toString()).keystoreType("PKCS12")
          .keystorePassword(PASSWORD).keyManagerPassword(PASSWORD))
      .build();

  private static Path keyStoreOrFail() {
    try {
      return keyStore();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
  }

  private DeploymentOrchestrator orchestrator(VercelPlatform platform, String apiUrl,
      HttpClient client, String... settings) {
    DeploymentOrchestrator.Builder b = DeploymentOrchestrator.builder()
        .discoverPlatforms(false)
        .platform(platform)
        .token("user-1", "vercel", TOKEN)
        .setting("vercel.apiUrl", apiUrl)
        .setting("vercel.uploadRetryDelayMillis", "10")
        .setting("vercel.uploadRetryMaxDelayMillis", "40")
        .setting("vercel.logStatusIntervalMillis", "200")
        .setting("vercel.logReconnectDelayMillis", "20")
        .deploymentTimeout(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(20), Duration.ofMillis(100))
        .uploadRetry(VercelFixtures.fastRetry(1));
    if (client != null) {
      b.httpClient(client);
    }
    for (int i = 0; i + 1 < settings.length; i += 2) {
      b.setting("vercel." + settings[i], settings[i + 1]);
    }
    DeploymentOrchestrator o = b.build();
    closeables.add(o);
    return o;
  }

  private static Deployment deploy(DeploymentOrchestrator o) {
    return o.deploy(VercelFixtures.config("happy-app"), "user-1");
  }

  private static void verifyUploads(WireMockExtension server, List<GeneratedFile> missing) {
    for (GeneratedFile f : missing) {
      server.verify(1, postRequestedFor(urlPathEqualTo("/v2/files"))
          .withHeader("Authorization", equalTo("Bearer " + TOKEN))
          .withHeader("x-vercel-digest", equalTo(f.sha1()))
          .withHeader("Content-Length", equalTo(Long.toString(f.size())))
          .withHeader("Content-Type", equalTo("application/octet-stream"))
          .withRequestBody(binaryEqualTo(f.bytes())));
    }
  }

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
  void defaultTransport_sendsTheApiRequestsOnItsOwnConnections() {
    List<GeneratedFile> files = VercelFixtures.files();
    List<GeneratedFile> missing = List.of(files.get(1), files.get(3));
    VercelFixtures.stubHappyPath(wm, missing);
    VercelPlatform platform = VercelPlatform.create();

    Deployment d = deploy(orchestrator(platform, wm.baseUrl(), null));

    assertThat(d.status()).as("error: %s", d.error()).isEqualTo(DeploymentStatus.SUCCESS);
    verifyUploads(wm, missing);
    wm.verify(1, postRequestedFor(urlPathEqualTo("/v11/projects"))
        .withHeader("Authorization", equalTo("Bearer " + TOKEN))
        .withHeader("Content-Type", equalTo("application/json"))
        .withRequestBody(equalToJson("{\"name\":\"happy-app\",\"framework\":\"nextjs\"}")));
    assertThat(platform.transport().connectionsOpened()).isPositive();
  }

  @Test
  void jdkTransport_sendsNothingThroughHttp1Transport() {
    List<GeneratedFile> files = VercelFixtures.files();
    List<GeneratedFile> missing = List.of(files.get(0), files.get(2));
    VercelFixtures.stubHappyPath(wm, missing);
    VercelPlatform platform = VercelPlatform.create();

    Deployment d = deploy(orchestrator(platform, wm.baseUrl(), null, "uploadTransport", " JDK "));

    assertThat(d.status()).as("error: %s", d.error()).isEqualTo(DeploymentStatus.SUCCESS);
    verifyUploads(wm, missing);
    assertThat(platform.transport().connectionsOpened()).isZero();
  }

  @Test
  void invalidUploadTransport_failsWithInvalidConfigNamingTheKeyAndTheValues() {
    VercelFixtures.stubHappyPath(wm, List.of());
    VercelPlatform platform = VercelPlatform.create();

    Deployment d = deploy(orchestrator(platform, wm.baseUrl(), null, "uploadTransport", "netty"));

    assertThat(d.status()).isEqualTo(DeploymentStatus.FAILED);
    assertThat(d.error().code()).isEqualTo(ErrorCode.INVALID_CONFIG);
    assertThat(d.error().message()).contains("vercel.uploadTransport").contains("netty")
        .contains("http1").contains("jdk");
    wm.verify(0, anyRequestedFor(anyUrl()));
  }

  @Test
  void clientWithAProxy_sendsThroughTheJdkClientAndTheProxy() {
    List<GeneratedFile> files = VercelFixtures.files();
    List<GeneratedFile> missing = List.of(files.get(3));
    VercelFixtures.stubHappyPath(wm, missing);
    VercelPlatform platform = VercelPlatform.create();
    // WireMock is the proxy; the API host does not resolve, so only the proxy can reach it.
    HttpClient proxied = HttpClient.newBuilder()
        .proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", wm.getPort()))).build();

    Deployment d = deploy(orchestrator(platform, "http://vercel-api.invalid", proxied));

    assertThat(d.status()).as("error: %s", d.error()).isEqualTo(DeploymentStatus.SUCCESS);
    verifyUploads(wm, missing);
    wm.verify(postRequestedFor(urlPathEqualTo("/v2/files"))
        .withHeader("Host", equalTo("vercel-api.invalid")));
    assertThat(platform.transport().connectionsOpened()).isZero();
  }

  // ---- TLS ----------------------------------------------------------------------------------

  /** A PKCS12 key store with a self-signed certificate for localhost and 127.0.0.1. */
  private static Path keyStore() throws Exception {
    Path tmp = Files.createTempDirectory("vercel-tls");
    tmp.toFile().deleteOnExit();
    Path ks = tmp.resolve("wiremock.p12");
    ks.toFile().deleteOnExit();
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool")
        .toString(), "-genkeypair", "-alias", "wiremock", "-keyalg", "EC", "-groupname",
        "secp256r1", "-validity", "2", "-dname", "CN=localhost",
        "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-keystore", ks.toString(),
        "-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD)
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("keytool failed: " + out);
    }
    return ks;
  }

  private static SSLContext trusting(Path ks) throws Exception {
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(ks)) {
      keys.load(in, PASSWORD.toCharArray());
    }
    Certificate cert = keys.getCertificate("wiremock");
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    trust.setCertificateEntry("wiremock", cert);
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  @Test
  void https_uploadsThroughTheTransport_withTheClientsSslContext() throws Exception {
    List<GeneratedFile> files = VercelFixtures.files();
    List<GeneratedFile> missing = List.of(files.get(1), files.get(2));
    VercelFixtures.stubHappyPath(tls, missing);
    VercelPlatform platform = VercelPlatform.create();
    HttpClient trustingClient = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY)
        .sslContext(trusting(KEY_STORE)).build();

    Deployment d = deploy(orchestrator(platform,
        "https://localhost:" + tls.getRuntimeInfo().getHttpsPort(), trustingClient));

    assertThat(d.status()).as("error: %s", d.error()).isEqualTo(DeploymentStatus.SUCCESS);
    verifyUploads(tls, missing);

    assertThat(platform.transport().connectionsOpened()).isPositive();
  }

  @Test
  void https_withAnUntrustedCertificate_failsAsPlatformUnavailableNamingTheHost()
      throws Exception {
    VercelFixtures.stubHappyPath(tls, List.of());
    String host = "localhost:" + tls.getRuntimeInfo().getHttpsPort();

    // The transport itself: the handshake fails with an IOException.
    Http1Transport transport = new Http1Transport(2);
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    try {
      HttpRequest r = HttpRequest.newBuilder(URI.create("https://" + host + "/v2/files"))
          .timeout(Duration.ofSeconds(5)).GET().build();
      Throwable e = org.assertj.core.api.Assertions.catchThrowable(() -> transport.send(
          HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).build(), scheduler, r,
          new byte[0], true).get(10, TimeUnit.SECONDS));
      assertThat(e).isInstanceOf(ExecutionException.class);
      assertThat(e.getCause()).isInstanceOf(SSLHandshakeException.class);
      assertThat(transport.connectionsOpened()).isZero();
    } finally {
      transport.close();
      scheduler.shutdownNow();
    }

    // Through the adapter: PLATFORM_UNAVAILABLE, the host named, no token anywhere.
    VercelPlatform platform = VercelPlatform.create();
    Deployment d = deploy(orchestrator(platform, "https://" + host,
        HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).build()));

    assertThat(d.status()).isEqualTo(DeploymentStatus.FAILED);
    assertThat(d.error().code()).isEqualTo(ErrorCode.PLATFORM_UNAVAILABLE);
    tls.verify(0, anyRequestedFor(anyUrl()));
    assertThat(d.error().message()).contains(host).contains("SSLHandshakeException")
        .doesNotContain(CANARY);
    assertThat(d.toString()).doesNotContain(CANARY);
    assertThat(d.error().toString()).doesNotContain(CANARY);
    assertThat(Files.readString(Path.of("target/vercel-test-logs.txt"), StandardCharsets.UTF_8))
        .doesNotContain(CANARY);
  }

  // ---- lifecycle ----------------------------------------------------------------------------

  @Test
  void close_endsTheUploadThreads_andTheProviderStillWorksAfterwards() {
    List<GeneratedFile> files = VercelFixtures.files();
    List<GeneratedFile> missing = List.of(files.get(1));
    VercelFixtures.stubHappyPath(wm, missing);
    VercelPlatform platform = VercelPlatform.create();
    DeploymentOrchestrator o = orchestrator(platform, wm.baseUrl(), null);
    List<Thread> before = uploadThreads();

    assertThat(deploy(o).status()).isEqualTo(DeploymentStatus.SUCCESS);
    List<Thread> first = new ArrayList<>(uploadThreads());
    first.removeAll(before);
    int opened = platform.transport().connectionsOpened();
    assertThat(first).isNotEmpty();
    assertThat(opened).isPositive();

    platform.close();

    await().atMost(Duration.ofSeconds(5)).until(() -> first.stream().noneMatch(Thread::isAlive));

    // A new deployment uploads again, on new threads and a new connection (the idle ones closed).
    wm.resetScenarios();
    assertThat(deploy(o).status()).isEqualTo(DeploymentStatus.SUCCESS);
    wm.verify(2, postRequestedFor(urlPathEqualTo("/v2/files"))
        .withHeader("x-vercel-digest", equalTo(missing.get(0).sha1())));
    assertThat(platform.transport().connectionsOpened()).isGreaterThan(opened);
    List<Thread> second = new ArrayList<>(uploadThreads());
    second.removeAll(before);
    second.removeAll(first);
    assertThat(second).isNotEmpty();

    o.close();

    await().atMost(Duration.ofSeconds(5)).until(() -> second.stream().noneMatch(Thread::isAlive));
  }
}
