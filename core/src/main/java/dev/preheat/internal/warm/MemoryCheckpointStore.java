package dev.preheat.internal.warm;

import dev.preheat.spi.CheckpointStore;
import dev.preheat.warm.Outcome;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Checkpoints in memory. */
public final class MemoryCheckpointStore implements CheckpointStore {

  private final Map<String, Set<String>> byPlan = new ConcurrentHashMap<>();

  @Override
  public Set<String> finished(String planHash) {
    return Set.copyOf(byPlan.getOrDefault(planHash, Set.of()));
  }

  @Override
  public void record(String planHash, String targetKey, Outcome outcome) {
    byPlan.computeIfAbsent(planHash, h -> ConcurrentHashMap.newKeySet()).add(targetKey);
  }

  @Override
  public void clear(String planHash) {
    byPlan.remove(planHash);
  }

  @Override
  public String toString() {
    return "CheckpointStore.inMemory()";
  }
}
