package dev.deploykit.platform.railway;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.deploykit.platform.railway.RailwayStubs.errors;
import static dev.deploykit.platform.railway.RailwayStubs.gql;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.deploykit.core.spi.PlatformService;
import dev.deploykit.testing.PlatformServiceContractTest;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Railway adapter against the SPI contract, with Railway stubbed by WireMock. */
class RailwayPlatformContractTest extends PlatformServiceContractTest {
  @RegisterExtension
  static WireMockExtension wm = WireMockExtension.newInstance()
      .options(wireMockConfig().dynamicPort()).build();

  private ScheduledExecutorService scheduler;

  @BeforeEach
  void setUp() {
    scheduler = Executors.newScheduledThreadPool(2);
    RailwayStubs.happyPath(wm, sampleProjectName(), "SUCCESS");
  }

  @AfterEach
  void tearDown() {
    scheduler.shutdownNow();
  }

  @Override
  protected PlatformService service() {
    return RailwayPlatform.create().create(
        RailwayStubs.context(wm, scheduler, "account", Map.of()));
  }

  @Override
  protected Optional<Runnable> arrangeAuthFailure() {
    return Optional.of(() -> wm.stubFor(gql("Projects").atPriority(1)
        .willReturn(errors("Not Authorized"))));
  }

  @Override
  protected List<String> expectedBuildLogLines() {
    return RailwayStubs.LOG_LINES;
  }
}
