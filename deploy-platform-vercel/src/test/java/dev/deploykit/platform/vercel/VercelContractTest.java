package dev.deploykit.platform.vercel;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.unauthorized;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
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

/** The SPI contract, against a WireMock Vercel. */
class VercelContractTest extends PlatformServiceContractTest {
  @RegisterExtension
  static WireMockExtension wm =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private ScheduledExecutorService scheduler;

  @BeforeEach
  void setUp() {
    scheduler = Executors.newScheduledThreadPool(2);
    wm.stubFor(post(urlPathEqualTo("/v11/projects")).inScenario("project")
        .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("exists")
        .willReturn(okJson("{\"id\":\"prj_contract\",\"name\":\"contract-test-app\"}")));
    wm.stubFor(post(urlPathEqualTo("/v11/projects")).inScenario("project")
        .whenScenarioStateIs("exists").willReturn(aResponse().withStatus(409)
            .withHeader("Content-Type", "application/json")
            .withBody("{\"error\":{\"code\":\"conflict\",\"message\":\"exists\"}}")));
    wm.stubFor(get(urlPathEqualTo("/v10/projects/contract-test-app"))
        .willReturn(okJson("{\"id\":\"prj_contract\",\"name\":\"contract-test-app\"}")));
    wm.stubFor(post(urlPathEqualTo("/v10/projects/prj_contract/env"))
        .willReturn(okJson("{\"created\":[],\"failed\":[]}")));
    wm.stubFor(post(urlPathEqualTo("/v13/deployments"))
        .willReturn(okJson(VercelFixtures.deploymentJson("QUEUED", "production"))));
    wm.stubFor(post(urlPathEqualTo("/v2/files")).willReturn(aResponse().withStatus(200)));
    wm.stubFor(get(urlPathEqualTo("/v13/deployments/" + VercelFixtures.DEPLOYMENT_ID))
        .willReturn(okJson(VercelFixtures.readyJson())));
    VercelFixtures.stubAnyEvents(wm);
    wm.stubFor(patch(urlPathMatching("/v12/deployments/.*/cancel"))
        .willReturn(okJson("{\"id\":\"" + VercelFixtures.DEPLOYMENT_ID
            + "\",\"readyState\":\"CANCELED\"}")));
  }

  @AfterEach
  void tearDown() {
    scheduler.shutdownNow();
  }

  @Override
  protected PlatformService service() {
    return new VercelPlatform().create(TestPlatformContexts.create("vercel", VercelFixtures.TOKEN,
        scheduler, Map.of("apiUrl", wm.baseUrl(), "logStatusIntervalMillis", "100")));
  }

  @Override
  protected List<String> expectedBuildLogLines() {
    return VercelFixtures.EVENT_LINES;
  }

  @Override
  protected Optional<Runnable> arrangeAuthFailure() {
    return Optional.of(() -> wm.stubFor(post(urlPathEqualTo("/v11/projects")).atPriority(1)
        .willReturn(unauthorized())));
  }
}
