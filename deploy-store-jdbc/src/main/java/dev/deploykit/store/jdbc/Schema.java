package dev.deploykit.store.jdbc;

import dev.deploykit.core.DeploymentException;
import dev.deploykit.core.ErrorCode;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The versioned schema: {@code deploykit_schema} holds the version; each version's statements run
 * once, in order, on first use. Portable SQL that H2 2.x and PostgreSQL 12+ both accept.
 */
final class Schema {
  /** The version this code writes and reads. */
  static final int CURRENT = 1;

  private static final List<List<String>> VERSIONS = List.of(List.of(
      "CREATE TABLE IF NOT EXISTS deploykit_deployment ("
          + " id VARCHAR(100) NOT NULL PRIMARY KEY,"
          + " user_id VARCHAR(500) NOT NULL,"
          + " project_name VARCHAR(200) NOT NULL,"
          + " platform VARCHAR(100) NOT NULL,"
          + " status VARCHAR(32) NOT NULL,"
          + " deployment_url VARCHAR(4000),"
          + " platform_project_id VARCHAR(500),"
          + " platform_deployment_id VARCHAR(500),"
          + " idempotency_key VARCHAR(500),"
          + " error_json VARCHAR(1000000),"
          + " log_tail_json VARCHAR(1000000),"
          + " url_check_json VARCHAR(8000),"
          + " created_at TIMESTAMP WITH TIME ZONE NOT NULL,"
          + " updated_at TIMESTAMP WITH TIME ZONE NOT NULL)",
      "CREATE INDEX IF NOT EXISTS deploykit_deployment_key"
          + " ON deploykit_deployment (idempotency_key)",
      "CREATE INDEX IF NOT EXISTS deploykit_deployment_status ON deploykit_deployment (status)",
      "CREATE TABLE IF NOT EXISTS deploykit_checkpoint ("
          + " deployment_id VARCHAR(100) NOT NULL PRIMARY KEY,"
          + " step VARCHAR(32) NOT NULL,"
          + " manifest_hash VARCHAR(64),"
          + " platform_project_id VARCHAR(500),"
          + " platform_deployment_id VARCHAR(500),"
          + " checkpoint_json VARCHAR(1000000) NOT NULL,"
          + " updated_at TIMESTAMP WITH TIME ZONE NOT NULL)",
      "CREATE TABLE IF NOT EXISTS deploykit_log_line ("
          + " deployment_id VARCHAR(100) NOT NULL,"
          + " line_no BIGINT NOT NULL,"
          + " line VARCHAR(100000) NOT NULL,"
          + " PRIMARY KEY (deployment_id, line_no))"));

  private Schema() {}

  /** Brings the schema to {@link #CURRENT}; commits. */
  static void migrate(Connection c, String where) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("CREATE TABLE IF NOT EXISTS deploykit_schema (version INTEGER NOT NULL)");
      int version = 0;
      try (ResultSet rs = st.executeQuery("SELECT MAX(version) FROM deploykit_schema")) {
        if (rs.next()) {
          version = rs.getInt(1);
        }
      }
      if (version > CURRENT) {
        c.rollback();
        throw new DeploymentException(ErrorCode.INVALID_CONFIG, "The deployment store at " + where
            + " has deploykit schema version " + version + ", newer than this deploy-store-jdbc"
            + " understands (" + CURRENT + "): upgrade dev.deploykit:deploy-store-jdbc");
      }
      for (int v = version + 1; v <= CURRENT; v++) {
        for (String sql : VERSIONS.get(v - 1)) {
          st.execute(sql);
        }
        st.executeUpdate("INSERT INTO deploykit_schema (version) VALUES (" + v + ")");
      }
      c.commit();
    }
  }
}
