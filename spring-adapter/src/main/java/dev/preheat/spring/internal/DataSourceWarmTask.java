package dev.preheat.spring.internal;

import dev.preheat.spring.TaskOutcome;
import dev.preheat.spring.WarmTask;
import dev.preheat.spring.WarmTaskContext;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.util.ClassUtils;

/**
 * Opens each {@link DataSource}'s minimum idle connections before traffic: all at once, checked
 * with {@code isValid}, then handed back to the pool, so the first requests find them open.
 * For Hikari the number is the pool's {@code minimumIdle}; otherwise {@code
 * preheat.datasource.connections}.
 */
public final class DataSourceWarmTask implements WarmTask {

  private static final boolean HIKARI = ClassUtils.isPresent(
      "com.zaxxer.hikari.HikariDataSource", DataSourceWarmTask.class.getClassLoader());

  private final Map<String, DataSource> dataSources;
  private final int connections;

  /** A task for the named data sources, opening {@code connections} when the pool does not say. */
  public DataSourceWarmTask(Map<String, DataSource> dataSources, int connections) {
    this.dataSources = dataSources;
    this.connections = connections;
  }

  @Override
  public String name() {
    return "datasource";
  }

  @Override
  public TaskOutcome warm(WarmTaskContext context) throws Exception {
    long opened = 0;
    long failed = 0;
    List<String> details = new ArrayList<>();
    for (Map.Entry<String, DataSource> e : dataSources.entrySet()) {
      int n = HIKARI ? Hikari.minimumIdle(e.getValue(), connections) : connections;
      List<Connection> held = new ArrayList<>();
      try {
        for (int i = 0; i < n && !context.isCancelled(); i++) {
          try {
            Connection c = e.getValue().getConnection();
            held.add(c);
            if (c.isValid(2)) {
              opened++;
            } else {
              failed++;
            }
          } catch (java.sql.SQLException ex) {
            failed++;
            details.add(e.getKey() + ": " + ex.getMessage());
            break;
          }
        }
      } finally {
        for (Connection c : held) {
          try {
            c.close();
          } catch (java.sql.SQLException ignored) {
            // returning a connection to the pool; nothing to do
          }
        }
      }
      details.add(e.getKey() + ": " + held.size() + "/" + n);
    }
    return TaskOutcome.of(opened, failed, String.join(", ", details));
  }

  /** Hikari's minimum idle, in its own class so Hikari stays optional. */
  private static final class Hikari {
    static int minimumIdle(DataSource ds, int fallback) {
      try {
        if (ds.isWrapperFor(com.zaxxer.hikari.HikariDataSource.class)) {
          com.zaxxer.hikari.HikariDataSource h = ds.unwrap(com.zaxxer.hikari.HikariDataSource.class);
          return Math.max(1, Math.min(h.getMinimumIdle(), h.getMaximumPoolSize()));
        }
      } catch (java.sql.SQLException e) {
        // not a Hikari pool
      }
      return fallback;
    }
  }
}
