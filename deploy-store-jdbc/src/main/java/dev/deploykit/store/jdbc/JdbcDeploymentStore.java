package dev.deploykit.store.jdbc;

import dev.deploykit.core.Deployment;
import dev.deploykit.core.DeploymentError;
import dev.deploykit.core.DeploymentException;
import dev.deploykit.core.DeploymentStatus;
import dev.deploykit.core.ErrorCode;
import dev.deploykit.core.spi.DeploymentCheckpoint;
import dev.deploykit.core.spi.DeploymentStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link DeploymentStore} on JDBC: deployments, their checkpoints and their build-log journal in
 * a database, so that they survive a restart and {@link
 * dev.deploykit.core.DeploymentOrchestrator#resume()} can continue them.
 *
 * <p>{@link #create()} uses an embedded H2 file database in {@code ~/.deploykit/}; {@link
 * #h2(Path)} puts it elsewhere; {@link #create(DataSource)} and {@link #create(String, String,
 * String)} use any database with a JDBC driver that accepts the portable SQL used here (H2 2.x and
 * PostgreSQL 12+ are tested). The schema is versioned and created on first use, not by the factory
 * methods; its tables are named {@code deploykit_*}.
 *
 * <p>Nothing stored is a secret: the orchestrator passes only redacted messages and log lines,
 * variable names without values, and no token. Timestamps are kept to the microsecond.
 *
 * <p>Thread-safe: one unit of work (a statement or two in a transaction) runs at a time. Every
 * method throws a {@link DeploymentException} with {@link ErrorCode#UNKNOWN} when the database
 * fails, or {@link ErrorCode#INVALID_CONFIG} when the database's schema is newer than this class.
 * Calls block on the database; they are short writes of one row (or a few). {@link #close()}
 * closes the connection the store opened itself (not a {@link DataSource}'s).
 */
public final class JdbcDeploymentStore implements DeploymentStore, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(JdbcDeploymentStore.class);
  private static final String COLUMNS = "id, user_id, project_name, platform, status,"
      + " deployment_url, platform_project_id, platform_deployment_id, idempotency_key, error_json,"
      + " log_tail_json, url_check_json, created_at, updated_at";

  private final ConnectionSource connections;
  private final ReentrantLock lock = new ReentrantLock();
  private volatile boolean migrated;

  private JdbcDeploymentStore(ConnectionSource connections) {
    this.connections = connections;
  }

  /** Returns a store in the embedded H2 database {@code ~/.deploykit/deployments}. */
  public static JdbcDeploymentStore create() {
    return h2(Path.of(System.getProperty("user.home"), ".deploykit", "deployments"));
  }

  /**
   * Returns a store in the embedded H2 file database {@code file} (H2 adds {@code .mv.db}); its
   * folder is created when missing. Every commit is written to the file at once, so a killed JVM
   * loses nothing committed.
   */
  public static JdbcDeploymentStore h2(Path file) {
    Objects.requireNonNull(file, "file");
    return new JdbcDeploymentStore(
        ConnectionSource.of("jdbc:h2:file:" + file.toAbsolutePath() + ";WRITE_DELAY=0", null, null));
  }

  /** Returns a store on the application's data source (a pool, typically). */
  public static JdbcDeploymentStore create(DataSource dataSource) {
    return new JdbcDeploymentStore(ConnectionSource.of(Objects.requireNonNull(dataSource, "dataSource")));
  }

  /**
   * Returns a store on a JDBC URL, e.g. {@code jdbc:postgresql://localhost/deploykit}; the driver
   * must be on the classpath. One connection is kept open and opened again after a failure.
   *
   * @param user the database user, or {@code null} when the URL says it
   * @param password the database password, or {@code null}; never logged or shown
   */
  public static JdbcDeploymentStore create(String jdbcUrl, @Nullable String user, @Nullable String password) {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    if (!jdbcUrl.startsWith("jdbc:")) {
      throw new DeploymentException(ErrorCode.INVALID_CONFIG, "The deployment store URL must be a"
          + " JDBC URL starting with jdbc:, such as jdbc:postgresql://localhost/deploykit; was "
          + JdbcUrls.withoutSecrets(jdbcUrl));
    }
    return new JdbcDeploymentStore(ConnectionSource.of(jdbcUrl, user, password));
  }

  // ---- snapshots ---------------------------------------------------------------------------

  @Override
  public void save(Deployment d) {
    Objects.requireNonNull(d, "deployment");
    run("save deployment " + d.id(), c -> write(c, d));
  }

  /** Saves both in one transaction. */
  @Override
  public void save(Deployment d, DeploymentCheckpoint checkpoint) {
    Objects.requireNonNull(d, "deployment");
    Objects.requireNonNull(checkpoint, "checkpoint");
    run("save deployment " + d.id() + " and its checkpoint", c -> {
      write(c, checkpoint);
      return write(c, d);
    });
  }

  private static @Nullable Void write(Connection c, Deployment d) throws SQLException {
    try (PreparedStatement up = c.prepareStatement("UPDATE deploykit_deployment SET user_id = ?,"
        + " project_name = ?, platform = ?, status = ?, deployment_url = ?,"
        + " platform_project_id = ?, platform_deployment_id = ?, idempotency_key = ?,"
        + " error_json = ?, log_tail_json = ?, url_check_json = ?, created_at = ?, updated_at = ?"
        + " WHERE id = ?")) {
      bindDeployment(up, 1, d);
      up.setString(14, d.id());
      if (up.executeUpdate() > 0) {
        return null;
      }
    }
    try (PreparedStatement in = c.prepareStatement("INSERT INTO deploykit_deployment (user_id,"
        + " project_name, platform, status, deployment_url, platform_project_id,"
        + " platform_deployment_id, idempotency_key, error_json, log_tail_json, url_check_json,"
        + " created_at, updated_at, id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      bindDeployment(in, 1, d);
      in.setString(14, d.id());
      in.executeUpdate();
    }
    return null;
  }

  private static void bindDeployment(PreparedStatement ps, int i, Deployment d) throws SQLException {
    ps.setString(i, d.userId());
    ps.setString(i + 1, d.projectName());
    ps.setString(i + 2, d.platform());
    ps.setString(i + 3, d.status().name());
    ps.setString(i + 4, d.deploymentUrl());
    ps.setString(i + 5, d.platformProjectId());
    ps.setString(i + 6, d.platformDeploymentId());
    ps.setString(i + 7, d.idempotencyKey());
    ps.setString(i + 8, Json.error(d.error()));
    ps.setString(i + 9, d.logTail().isEmpty() ? null : Json.strings(d.logTail()));
    ps.setString(i + 10, Json.urlCheck(d.urlCheck()));
    ps.setObject(i + 11, time(d.createdAt()));
    ps.setObject(i + 12, time(d.updatedAt()));
  }

  @Override
  public Optional<Deployment> find(String deploymentId) {
    Objects.requireNonNull(deploymentId, "deploymentId");
    return run("find deployment " + deploymentId, c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT " + COLUMNS + " FROM deploykit_deployment WHERE id = ?")) {
        ps.setString(1, deploymentId);
        return first(ps);
      }
    });
  }

  @Override
  public Optional<Deployment> findByIdempotencyKey(String idempotencyKey) {
    Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    return run("find a deployment by idempotency key", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
          + " FROM deploykit_deployment WHERE idempotency_key = ?"
          + " ORDER BY created_at DESC, id DESC FETCH FIRST 1 ROWS ONLY")) {
        ps.setString(1, idempotencyKey);
        return first(ps);
      }
    });
  }

  @Override
  public List<Deployment> findUnfinished() {
    List<String> terminal = new ArrayList<>();
    for (DeploymentStatus s : DeploymentStatus.values()) {
      if (s.isTerminal()) {
        terminal.add("'" + s.name() + "'");
      }
    }
    return run("find unfinished deployments", c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
          + " FROM deploykit_deployment WHERE status NOT IN (" + String.join(", ", terminal) + ")"
          + " ORDER BY created_at, id")) {
        List<Deployment> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(deployment(rs));
          }
        }
        return out;
      }
    });
  }

  private static Optional<Deployment> first(PreparedStatement ps) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      return rs.next() ? Optional.of(deployment(rs)) : Optional.empty();
    }
  }

  private static Deployment deployment(ResultSet rs) throws SQLException {
    return new Deployment(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
        status(rs.getString(5)), rs.getString(6), rs.getString(7), rs.getString(8),
        Json.error(rs.getString(10)), rs.getString(9), instant(rs, 13), instant(rs, 14),
        Json.strings(rs.getString(11)),
        Json.urlCheck(rs.getString(12)));
  }

  // ---- checkpoints -------------------------------------------------------------------------

  @Override
  public void saveCheckpoint(DeploymentCheckpoint cp) {
    Objects.requireNonNull(cp, "checkpoint");
    run("save the checkpoint of " + cp.deploymentId(), c -> write(c, cp));
  }

  private static @Nullable Void write(Connection c, DeploymentCheckpoint cp) throws SQLException {
    String rest = Json.checkpointRest(cp);
    String projectId = cp.project() == null ? null : cp.project().id();
    String deploymentId = cp.platformDeployment() == null ? null : cp.platformDeployment().id();
    try (PreparedStatement up = c.prepareStatement("UPDATE deploykit_checkpoint SET step = ?,"
        + " manifest_hash = ?, platform_project_id = ?, platform_deployment_id = ?,"
        + " checkpoint_json = ?, updated_at = ? WHERE deployment_id = ?")) {
      bindCheckpoint(up, cp, projectId, deploymentId, rest);
      if (up.executeUpdate() > 0) {
        return null;
      }
    }
    try (PreparedStatement in = c.prepareStatement("INSERT INTO deploykit_checkpoint (step,"
        + " manifest_hash, platform_project_id, platform_deployment_id, checkpoint_json,"
        + " updated_at, deployment_id) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
      bindCheckpoint(in, cp, projectId, deploymentId, rest);
      in.executeUpdate();
    }
    return null;
  }

  private static void bindCheckpoint(PreparedStatement ps, DeploymentCheckpoint cp,
      @Nullable String projectId, @Nullable String deploymentId, String rest) throws SQLException {
    ps.setString(1, cp.step().name());
    ps.setString(2, cp.manifestHash());
    ps.setString(3, projectId);
    ps.setString(4, deploymentId);
    ps.setString(5, rest);
    ps.setObject(6, time(cp.updatedAt()));
    ps.setString(7, cp.deploymentId());
  }

  @Override
  public Optional<DeploymentCheckpoint> findCheckpoint(String deploymentId) {
    Objects.requireNonNull(deploymentId, "deploymentId");
    return run("find the checkpoint of " + deploymentId, c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT step, manifest_hash,"
          + " platform_project_id, platform_deployment_id, updated_at, checkpoint_json"
          + " FROM deploykit_checkpoint WHERE deployment_id = ?")) {
        ps.setString(1, deploymentId);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return Optional.empty();
          }
          return Optional.of(Json.checkpoint(deploymentId, status(rs.getString(1)),
              rs.getString(2), rs.getString(3), rs.getString(4), instant(rs, 5), rs.getString(6)));
        }
      }
    });
  }

  // ---- build-log journal -------------------------------------------------------------------

  @Override
  public void appendLogLines(String deploymentId, List<String> lines) {
    Objects.requireNonNull(deploymentId, "deploymentId");
    if (lines.isEmpty()) {
      return;
    }
    run("journal " + lines.size() + " build-log lines of " + deploymentId, c -> {
      long next = 0;
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT MAX(line_no) FROM deploykit_log_line WHERE deployment_id = ?")) {
        ps.setString(1, deploymentId);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            long max = rs.getLong(1);
            next = rs.wasNull() ? 0 : max + 1;
          }
        }
      }
      try (PreparedStatement in = c.prepareStatement(
          "INSERT INTO deploykit_log_line (deployment_id, line_no, line) VALUES (?, ?, ?)")) {
        for (String line : lines) {
          in.setString(1, deploymentId);
          in.setLong(2, next++);
          in.setString(3, line);
          in.addBatch();
        }
        in.executeBatch();
      }
      return null;
    });
  }

  @Override
  public List<String> logLines(String deploymentId) {
    Objects.requireNonNull(deploymentId, "deploymentId");
    return run("read the build log of " + deploymentId, c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT line FROM deploykit_log_line WHERE deployment_id = ? ORDER BY line_no")) {
        ps.setString(1, deploymentId);
        List<String> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(rs.getString(1));
          }
        }
        return List.copyOf(out);
      }
    });
  }

  /** Closes the connection the store opened; a {@link DataSource}'s connections are the pool's. */
  @Override
  public void close() {
    lock.lock();
    try {
      connections.close();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public String toString() {
    return "JdbcDeploymentStore[" + connections.describe() + "]";
  }

  // ---- plumbing ----------------------------------------------------------------------------

  private interface Work<T> {
    T apply(Connection c) throws SQLException;
  }

  /** Runs one unit of work in a transaction, migrating the schema first if it has not been. */
  private <T> T run(String what, Work<T> work) {
    lock.lock();
    Connection c = null;
    boolean broken = false;
    try {
      c = connections.acquire();
      c.setAutoCommit(false);
      if (!migrated) {
        Schema.migrate(c, connections.describe());
        migrated = true;
      }
      T result = work.apply(c);
      c.commit();
      return result;
    } catch (SQLException e) {
      broken = true;
      rollback(c);
      LOG.debug("The deployment store could not {}: SQL state {}", what, e.getSQLState());
      throw new DeploymentException(DeploymentError.of(ErrorCode.UNKNOWN, "The deployment store ("
          + connections.describe() + ") could not " + what + ": " + e.getMessage()
          + " (SQL state " + e.getSQLState() + "). Check that the database is reachable and"
          + " writable."), e);
    } catch (RuntimeException e) {
      broken = true;
      rollback(c);
      throw e;
    } finally {
      if (c != null) {
        connections.release(c, broken);
      }
      lock.unlock();
    }
  }

  private static void rollback(@Nullable Connection c) {
    if (c != null) {
      try {
        c.rollback();
      } catch (SQLException | RuntimeException ignored) {
        // The connection is released as broken.
      }
    }
  }

  private static OffsetDateTime time(Instant instant) {
    return OffsetDateTime.ofInstant(instant.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
  }

  private static Instant instant(ResultSet rs, int column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t.toInstant();
  }

  private static DeploymentStatus status(String name) {
    try {
      return DeploymentStatus.valueOf(name);
    } catch (IllegalArgumentException e) {
      throw new DeploymentException(ErrorCode.UNKNOWN, "The deployment store holds an unknown"
          + " status '" + name + "': it was written by a newer deploykit");
    }
  }
}
