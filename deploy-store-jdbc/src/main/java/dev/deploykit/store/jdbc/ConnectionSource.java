package dev.deploykit.store.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/** Where the store's connections come from. Callers hold the store's lock around a use. */
abstract class ConnectionSource implements AutoCloseable {

  /** Returns a connection for one unit of work; give it back with {@link #release}. */
  abstract Connection acquire() throws SQLException;

  /** Gives a connection back; {@code broken} when a statement on it failed. */
  abstract void release(Connection connection, boolean broken);

  /** A short description for messages: never a password. */
  abstract String describe();

  @Override
  public abstract void close();

  /** A data source the application configured (and pools): a connection per unit of work. */
  static ConnectionSource of(DataSource dataSource) {
    return new ConnectionSource() {
      @Override
      Connection acquire() throws SQLException {
        return dataSource.getConnection();
      }

      @Override
      void release(Connection connection, boolean broken) {
        closeQuietly(connection);
      }

      @Override
      String describe() {
        return "the configured DataSource";
      }

      @Override
      public void close() {}
    };
  }

  /**
   * A JDBC URL: one connection kept open (an embedded H2 database stays open while it is) and
   * opened again after a failure.
   */
  static ConnectionSource of(String url, @Nullable String user, @Nullable String password) {
    return new ConnectionSource() {
      private @Nullable Connection open;

      @Override
      Connection acquire() throws SQLException {
        Connection c = open;
        if (c == null || c.isClosed()) {
          Properties props = new Properties();
          if (user != null) {
            props.setProperty("user", user);
          }
          if (password != null) {
            props.setProperty("password", password);
          }
          c = DriverManager.getConnection(url, props);
          open = c;
        }
        return c;
      }

      @Override
      void release(Connection connection, boolean broken) {
        if (broken) {
          closeQuietly(connection);
          open = null;
        }
      }

      @Override
      String describe() {
        return JdbcUrls.withoutSecrets(url);
      }

      @Override
      public void close() {
        Connection c = open;
        open = null;
        if (c != null) {
          closeQuietly(c);
        }
      }
    };
  }

  static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException | RuntimeException ignored) {
      // Nothing to do: the connection is gone either way.
    }
  }
}
