package dev.deploykit.platform.render;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.unauthorized;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.deploykit.core.GeneratedFile;
import dev.deploykit.core.spi.Credentials;
import dev.deploykit.core.spi.PlatformService;
import dev.deploykit.testing.PlatformServiceContractTest;
import dev.deploykit.testing.TestPlatformContexts;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

class RenderPlatformContractTest extends PlatformServiceContractTest {
  @RegisterExtension
  static WireMockExtension render = WireMockExtension.newInstance()
      .options(wireMockConfig().dynamicPort()).build();

  @RegisterExtension
  static WireMockExtension github = WireMockExtension.newInstance()
      .options(wireMockConfig().dynamicPort()).build();

  private ScheduledExecutorService scheduler;

  @BeforeEach
  void setUp() {
    scheduler = Executors.newSingleThreadScheduledExecutor();
    Stubs.firstDeployment(render, github);
  }

  @AfterEach
  void tearDown() {
    scheduler.shutdownNow();
    assertThat(Stubs.logFile()).doesNotContain(Stubs.CANARY);
  }

  @Override
  protected PlatformService service() {
    return RenderPlatform.builder()
        .githubCredentials(c -> Optional.of(Credentials.of("github", Stubs.GITHUB_TOKEN)))
        .build()
        .create(TestPlatformContexts.create("render", Stubs.RENDER_TOKEN, scheduler, Map.of(
            "apiUrl", render.baseUrl() + "/v1",
            "githubApiUrl", github.baseUrl(),
            "logPollInterval", "50")));
  }

  /** Render's Node runtime needs a package.json with a start script. */
  @Override
  protected List<GeneratedFile> sampleFiles() {
    return Stubs.files();
  }

  @Override
  protected String sampleProjectName() {
    return "my-app";
  }

  @Override
  protected Optional<Runnable> arrangeAuthFailure() {
    return Optional.of(() -> render.stubFor(get(urlPathEqualTo("/v1/owners"))
        .atPriority(1).willReturn(unauthorized())));
  }
}
