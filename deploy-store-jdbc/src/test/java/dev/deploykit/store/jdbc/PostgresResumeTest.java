package dev.deploykit.store.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;

/** Resume on PostgreSQL; skipped without {@code DEPLOYKIT_TEST_POSTGRES_URL} unless CI is set. */
class PostgresResumeTest extends ResumeContract {
  private String[] pg;

  @Override
  JdbcDeploymentStore newStore() {
    pg = Databases.postgres();
    Databases.dropTables(pg);
    return JdbcDeploymentStore.create(pg[0], pg[1], pg[2]);
  }

  @Override
  List<String> dump() throws SQLException {
    try (Connection c = DriverManager.getConnection(pg[0], pg[1], pg[2])) {
      return dump(c);
    }
  }
}
