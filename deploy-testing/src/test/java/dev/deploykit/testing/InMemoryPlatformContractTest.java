package dev.deploykit.testing;

import dev.deploykit.core.ErrorCode;
import dev.deploykit.core.spi.PlatformService;
import dev.deploykit.testing.InMemoryPlatform.Operation;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** Proves the in-memory platform honours the {@link PlatformServiceContractTest}. */
class InMemoryPlatformContractTest extends PlatformServiceContractTest {
  private ScheduledExecutorService scheduler;
  private InMemoryPlatform memory;

  @BeforeEach
  void setUp() {
    scheduler = Executors.newScheduledThreadPool(2);
    memory = InMemoryPlatform.builder().buildDuration(Duration.ofMillis(200)).build();
  }

  @AfterEach
  void tearDown() {
    memory.close();
    scheduler.shutdownNow();
  }

  @Override
  protected PlatformService service() {
    return memory.create(TestPlatformContexts.create("memory", "token-1", scheduler));
  }

  @Override
  protected List<String> expectedBuildLogLines() {
    return InMemoryPlatform.DEFAULT_BUILD_LOGS;
  }

  @Override
  protected Optional<Runnable> arrangeAuthFailure() {
    return Optional.of(() -> memory.failNext(Operation.CREATE_PROJECT, ErrorCode.AUTH_FAILED));
  }
}
