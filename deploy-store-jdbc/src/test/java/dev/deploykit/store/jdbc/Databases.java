package dev.deploykit.store.jdbc;

import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;

/** The databases the tests run against: embedded H2 always, PostgreSQL when one is configured. */
final class Databases {
  static final String PG_URL = "DEPLOYKIT_TEST_POSTGRES_URL";
  private static final AtomicInteger COUNTER = new AtomicInteger();

  private Databases() {}

  /** A fresh H2 file database under target/. */
  static Path h2File(String name) {
    return Path.of("target", "h2-tests", name + "-" + ProcessHandle.current().pid() + "-"
        + COUNTER.incrementAndGet() + "-" + System.nanoTime()).toAbsolutePath();
  }

  static JdbcDeploymentStore h2(String name) {
    return JdbcDeploymentStore.h2(h2File(name));
  }

  /**
   * The PostgreSQL settings from the environment. Without them the test is skipped, unless CI is
   * set: then it fails, because .ci/run installs and starts a server.
   */
  static String[] postgres() {
    String url = System.getenv(PG_URL);
    if (url == null || url.isBlank()) {
      if (System.getenv("CI") != null) {
        fail(PG_URL + " is not set but CI is: .ci/run should have installed and started"
            + " PostgreSQL and exported " + PG_URL + ", _USER and _PASSWORD");
      }
      Assumptions.abort(PG_URL + " is not set: PostgreSQL tests skipped");
    }
    String user = System.getenv(PG_URL.replace("_URL", "_USER"));
    String password = System.getenv(PG_URL.replace("_URL", "_PASSWORD"));
    try (Connection c = DriverManager.getConnection(url, user, password)) {
      return new String[] {url, user, password};
    } catch (SQLException e) {
      fail("PostgreSQL at " + JdbcUrls.withoutSecrets(url) + " is not reachable: " + e.getMessage());
      throw new AssertionError(e);
    }
  }

  /** A store on the configured PostgreSQL database, emptied of deploykit's tables first. */
  static JdbcDeploymentStore postgresStore() {
    String[] pg = postgres();
    dropTables(pg);
    return JdbcDeploymentStore.create(pg[0], pg[1], pg[2]);
  }

  static void dropTables(String[] pg) {
    try (Connection c = DriverManager.getConnection(pg[0], pg[1], pg[2]);
        Statement st = c.createStatement()) {
      for (String t : new String[] {"deploykit_log_line", "deploykit_checkpoint",
          "deploykit_deployment", "deploykit_schema"}) {
        st.execute("DROP TABLE IF EXISTS " + t);
      }
    } catch (SQLException e) {
      throw new AssertionError("Could not empty the PostgreSQL test database", e);
    }
  }
}
