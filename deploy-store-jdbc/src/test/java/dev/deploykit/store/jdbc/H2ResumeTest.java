package dev.deploykit.store.jdbc;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;

/** Resume on an embedded H2 file database. */
class H2ResumeTest extends ResumeContract {
  private Path file;

  @Override
  JdbcDeploymentStore newStore() {
    file = Databases.h2File("resume");
    return JdbcDeploymentStore.h2(file);
  }

  @Override
  List<String> dump() throws SQLException {
    store.close();
    try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + file)) {
      return dump(c);
    }
  }
}
