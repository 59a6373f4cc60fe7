package dev.deploykit.platform.railway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.deploykit.core.DeploymentOrchestrator;
import dev.deploykit.core.spi.PlatformProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class RailwayPlatformTest {

  @Test
  void serviceLoader_findsTheRailwayProviderByItsServicesFile() {
    List<PlatformProvider> found = new ArrayList<>();
    ServiceLoader.load(PlatformProvider.class, RailwayPlatform.class.getClassLoader())
        .forEach(found::add);

    assertThat(found).filteredOn(p -> p.id().equals("railway")).singleElement()
        .isInstanceOf(RailwayPlatform.class)
        .satisfies(p -> assertThat(p.displayName()).isEqualTo("Railway"));
  }

  @Test
  void orchestrator_whenDiscovering_listsRailway() {
    try (DeploymentOrchestrator o = DeploymentOrchestrator.builder().build()) {
      assertThat(o.platforms()).contains("railway");
    }
  }

  @Test
  void create_returnsAStatelessFactoryWithTheDocumentedDefaults() {
    assertThat(RailwayPlatform.create().id()).isEqualTo(RailwayPlatform.ID);
    assertThat(RailwayPlatform.DEFAULT_API_URL)
        .isEqualTo("https://backboard.railway.com/graphql/v2");
  }
}
