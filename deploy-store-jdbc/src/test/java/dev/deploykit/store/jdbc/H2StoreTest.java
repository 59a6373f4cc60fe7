package dev.deploykit.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.deploykit.core.DeploymentException;
import dev.deploykit.core.DeploymentStatus;
import dev.deploykit.core.ErrorCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

/** The store on an embedded H2 file database in target/. */
class H2StoreTest extends StoreContract {
  private Path file;

  @Override
  JdbcDeploymentStore newStore() {
    file = Databases.h2File("store");
    return JdbcDeploymentStore.h2(file);
  }

  @Override
  JdbcDeploymentStore reopen() {
    return JdbcDeploymentStore.h2(file);
  }

  @Override
  void execute(String sql) {
    store.close();
    try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + file);
        Statement st = c.createStatement()) {
      st.execute(sql);
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void h2_createsTheDatabaseFileAndItsFolderOnFirstUse_notBefore() {
    assertThat(file.getParent().resolve(file.getFileName() + ".mv.db")).doesNotExist();

    store.save(deployment("dep_1", DeploymentStatus.PENDING, null, T0));

    assertThat(Files.exists(file.getParent().resolve(file.getFileName() + ".mv.db"))).isTrue();
  }

  @Test
  void create_onADataSource_usesItsConnections() {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL("jdbc:h2:file:" + Databases.h2File("datasource"));
    try (JdbcDeploymentStore s = JdbcDeploymentStore.create(ds)) {
      s.save(deployment("dep_1", DeploymentStatus.PENDING, "k", T0));
      assertThat(s.findByIdempotencyKey("k")).isPresent();
    }
  }

  @Test
  void create_whenTheUrlIsNotJdbc_failsWithInvalidConfigWithoutThePassword() {
    assertThatThrownBy(() -> JdbcDeploymentStore.create(
            "postgresql://localhost/db?password=Cnry7pw", "u", "Cnry7pw"))
        .isInstanceOfSatisfying(DeploymentException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIG);
          assertThat(e.getMessage()).contains("jdbc:").doesNotContain("Cnry7pw");
        });
  }

  @Test
  void anyCall_whenTheDatabaseIsUnreachable_failsWithUnknownNamingTheStoreButNotThePassword() {
    try (JdbcDeploymentStore s = JdbcDeploymentStore.create(
        "jdbc:postgresql://127.0.0.1:1/none?password=Cnry8pw&connectTimeout=2", "u", "Cnry8pw")) {
      assertThatThrownBy(() -> s.find("dep_1"))
          .isInstanceOfSatisfying(DeploymentException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN);
            assertThat(e.getMessage()).contains("deployment store").contains("127.0.0.1:1")
                .contains("password=****").doesNotContain("Cnry8pw");
          });
      assertThat(s.toString()).doesNotContain("Cnry8pw");
    }
  }
}
