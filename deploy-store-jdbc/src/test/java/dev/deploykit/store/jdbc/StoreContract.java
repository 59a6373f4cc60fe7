package dev.deploykit.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.deploykit.core.Deployment;
import dev.deploykit.core.DeploymentError;
import dev.deploykit.core.DeploymentException;
import dev.deploykit.core.DeploymentStatus;
import dev.deploykit.core.DeploymentTarget;
import dev.deploykit.core.ErrorCode;
import dev.deploykit.core.UrlCheck;
import dev.deploykit.core.spi.DeploymentCheckpoint;
import dev.deploykit.core.spi.PlatformDeployment;
import dev.deploykit.core.spi.PlatformProject;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every database the JDBC store runs on must do; H2 and PostgreSQL extend it. */
abstract class StoreContract {
  static final Instant T0 = Instant.parse("2026-03-01T10:15:30.123456Z");

  JdbcDeploymentStore store;

  abstract JdbcDeploymentStore newStore();

  @BeforeEach
  void open() {
    store = newStore();
  }

  @AfterEach
  void closeStore() {
    if (store != null) {
      store.close();
    }
  }

  static Deployment deployment(String id, DeploymentStatus status, String key, Instant created) {
    return new Deployment(id, "user-1", "my-app", "memory", status, null, null, null, null, key,
        created, created, List.of(), null);
  }

  @Test
  void save_thenFind_returnsEveryFieldAsSaved() {
    DeploymentError error = new DeploymentError(ErrorCode.RATE_LIMIT_EXCEEDED, "Slow down", "vercel",
        429, Duration.ofSeconds(7), "req_1", List.of("a", "b"));
    UrlCheck check = new UrlCheck("https://x.example/", 200, Duration.ofMillis(42), T0, null);
    Deployment d = new Deployment("dep_1", "user-1", "my-app", "vercel", DeploymentStatus.FAILED,
        "https://x.example", "prj_1", "dpl_1", error, "key-1", T0, T0.plusSeconds(5),
        List.of("line 1", "line 2"), check);

    store.save(d);

    assertThat(store.find("dep_1")).contains(d);
    assertThat(store.find("dep_missing")).isEmpty();
  }

  @Test
  void save_whenSavedAgain_replacesTheSnapshot() {
    store.save(deployment("dep_1", DeploymentStatus.PENDING, null, T0));
    Deployment building = deployment("dep_1", DeploymentStatus.BUILDING, null, T0)
        .withPlatformProjectId("prj_1").withPlatformDeploymentId("dpl_1");

    store.save(building);

    assertThat(store.find("dep_1")).contains(building);
  }

  @Test
  void findByIdempotencyKey_whenTheKeyWasUsedTwice_returnsTheLatest() {
    store.save(deployment("dep_1", DeploymentStatus.FAILED, "key-1", T0));
    store.save(deployment("dep_2", DeploymentStatus.SUCCESS, "key-1", T0.plusSeconds(60)));
    store.save(deployment("dep_3", DeploymentStatus.SUCCESS, "key-2", T0.plusSeconds(120)));

    assertThat(store.findByIdempotencyKey("key-1")).map(Deployment::id).contains("dep_2");
    assertThat(store.findByIdempotencyKey("key-3")).isEmpty();
  }

  @Test
  void findUnfinished_returnsOnlyDeploymentsNotTerminal_oldestFirst() {
    store.save(deployment("dep_b", DeploymentStatus.BUILDING, null, T0.plusSeconds(2)));
    store.save(deployment("dep_a", DeploymentStatus.UPLOADING, null, T0.plusSeconds(1)));
    for (DeploymentStatus s : DeploymentStatus.values()) {
      if (s.isTerminal()) {
        store.save(deployment("dep_" + s, s, null, T0));
      }
    }

    assertThat(store.findUnfinished()).map(Deployment::id).containsExactly("dep_a", "dep_b");
  }

  @Test
  void saveCheckpoint_thenFind_returnsEveryFieldAsSaved_andASecondSaveReplacesIt() {
    store.save(deployment("dep_1", DeploymentStatus.UPLOADING, null, T0));
    DeploymentCheckpoint first = new DeploymentCheckpoint("dep_1", DeploymentStatus.CREATING_PROJECT,
        DeploymentTarget.PREVIEW, Map.of("teamId", "team_1"), List.of("DATABASE_URL", "LOG_LEVEL"),
        false, "/health", Duration.ofMinutes(3), "ab12", null, null, T0);
    store.saveCheckpoint(first);
    assertThat(store.findCheckpoint("dep_1")).contains(first);

    DeploymentCheckpoint second = first.withProject(
            new PlatformProject("prj_1", "my-app", Map.of("framework", "nextjs")))
        .withPlatformDeployment(new PlatformDeployment("dpl_1", "https://my-app.example"))
        .withStep(DeploymentStatus.BUILDING, T0.plusSeconds(3));
    store.saveCheckpoint(second);

    assertThat(store.findCheckpoint("dep_1")).contains(second);
    assertThat(store.findCheckpoint("dep_2")).isEmpty();
  }

  @Test
  void appendLogLines_keepsEveryLineInOrder_acrossCallsAndDeployments() {
    store.appendLogLines("dep_1", List.of("a", "b"));
    store.appendLogLines("dep_2", List.of("other"));
    store.appendLogLines("dep_1", List.of());
    store.appendLogLines("dep_1", IntStream.range(0, 50).mapToObj(i -> "line " + i).toList());

    assertThat(store.logLines("dep_1")).hasSize(52).startsWith("a", "b", "line 0")
        .endsWith("line 49");
    assertThat(store.logLines("dep_2")).containsExactly("other");
    assertThat(store.logLines("dep_3")).isEmpty();
  }

  @Test
  void timestamps_areKeptToTheMicrosecond() {
    Instant nanos = Instant.parse("2026-03-01T10:15:30.123456789Z");
    store.save(deployment("dep_1", DeploymentStatus.PENDING, null, nanos));

    assertThat(store.find("dep_1").orElseThrow().createdAt())
        .isEqualTo(nanos.truncatedTo(ChronoUnit.MICROS));
  }

  @Test
  void schema_isCreatedOnFirstUse_andASecondStoreOnTheSameDatabaseReadsTheFirstsRows() {
    store.save(deployment("dep_1", DeploymentStatus.SUCCESS, "key-1", T0));
    store.close();

    store = reopen();

    assertThat(store.find("dep_1")).isPresent();
    assertThat(store.findByIdempotencyKey("key-1")).isPresent();
  }

  /** A second store on the database of the current one. */
  abstract JdbcDeploymentStore reopen();

  /** Runs SQL on the database of the current store, outside it. */
  abstract void execute(String sql);

  @Test
  void schema_whenTheDatabaseHasANewerVersion_failsWithInvalidConfigSayingToUpgrade() {
    store.find("dep_1");
    execute("INSERT INTO deploykit_schema (version) VALUES (" + (Schema.CURRENT + 1) + ")");
    store.close();
    store = reopen();

    assertThatThrownBy(() -> store.find("dep_1"))
        .isInstanceOfSatisfying(DeploymentException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIG);
          assertThat(e.getMessage()).contains("schema version " + (Schema.CURRENT + 1))
              .contains("upgrade dev.deploykit:deploy-store-jdbc");
        });
  }
}
