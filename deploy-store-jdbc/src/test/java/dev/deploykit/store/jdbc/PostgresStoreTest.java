package dev.deploykit.store.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The store on PostgreSQL at {@code DEPLOYKIT_TEST_POSTGRES_URL} (with {@code _USER} and {@code
 * _PASSWORD}); skipped when it is not set, failed when it is not set but {@code CI} is.
 */
class PostgresStoreTest extends StoreContract {
  private String[] pg;

  @Override
  JdbcDeploymentStore newStore() {
    pg = Databases.postgres();
    Databases.dropTables(pg);
    return JdbcDeploymentStore.create(pg[0], pg[1], pg[2]);
  }

  @Override
  JdbcDeploymentStore reopen() {
    return JdbcDeploymentStore.create(pg[0], pg[1], pg[2]);
  }

  @Override
  void execute(String sql) {
    try (Connection c = DriverManager.getConnection(pg[0], pg[1], pg[2]);
        Statement st = c.createStatement()) {
      st.execute(sql);
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
  }
}
