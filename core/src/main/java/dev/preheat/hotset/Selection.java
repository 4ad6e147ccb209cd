package dev.preheat.hotset;

import dev.preheat.internal.count.DistinctCounter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/** Merges the sinks of a tally and runs the selection pipeline described on HotsetSelector. */
final class Selection {

  /** One URL's demand in one window. */
  record Candidate(String url, long count, long bytes, long weight, long error) {}

  private static final Comparator<Candidate> RANKING = (a, b) -> {
    int byWeight = Long.compare(b.weight(), a.weight());
    return byWeight != 0 ? byWeight : a.url().compareTo(b.url());
  };

  private final HotsetSelector config;
  private final List<CountingSink> sinks;
  private final List<BlendList> lists;

  /** Ranked candidates per window, heaviest first. */
  private final List<List<Candidate>> ranked = new ArrayList<>();
  private final long[] totals;
  /** The latest window's candidates by URL, for blend lists; built only when lists are used. */
  private final Map<String, Candidate> latest = new HashMap<>();
  /** The merged exact counts, or null when bounded. */
  private CountingSink.@Nullable CountTable table;
  /** The latest window's candidate weights in ascending order, for the coverage curve. */
  private long[] weightsAscending = new long[0];
  /** How many candidates the ranking wanted when only a prefix was ranked (max not applied). */
  private int prefixWanted;
  private CountingMode mode = CountingMode.EXACT;
  private int sketchCapacity;
  private long errorBound;
  private long distinct;
  private long switchedAtDistinct;
  /** Entries the traffic selection picked (before blending). */
  private int trafficCount;
  /** Entries the traffic selection wanted beyond {@code max}. */
  private long maxCutTraffic;

  Selection(HotsetSelector config, List<CountingSink> sinks, List<BlendList> lists) {
    this.config = config;
    this.sinks = sinks;
    this.lists = lists;
    this.totals = new long[config.windowCount];
  }

  Hotset run() {
    long recordsSeen = 0;
    long requestsSeen = 0;
    long demandRecords = 0;
    long untimed = 0;
    Map<FilterReason, Long> filtered = new EnumMap<>(FilterReason.class);
    for (FilterReason r : FilterReason.values()) {
      filtered.put(r, 0L);
    }
    for (CountingSink s : sinks) {
      recordsSeen += s.recordsSeen;
      requestsSeen += s.requestsSeen;
      demandRecords += s.demandRecords;
      untimed += s.untimedRecords;
      for (FilterReason r : FilterReason.values()) {
        filtered.merge(r, s.filtered[r.ordinal()], Long::sum);
      }
    }
    merge();
    List<Clamp> clamps = new ArrayList<>();
    if (mode == CountingMode.BOUNDED) {
      clamps.add(new Clamp(Clamp.Kind.MEMORY_BUDGET, switchedAtDistinct, String.format(Locale.ROOT,
          "memory budget %d bytes reached after %d distinct URLs; counted in a bounded sketch of"
              + " capacity %d, weights overestimate by at most %d",
          config.memoryBudget, switchedAtDistinct, sketchCapacity, errorBound)));
    }

    List<Candidate> picks = selectTraffic(clamps);
    List<Built> blended = blend(picks, clamps);

    long total = totals[0];
    List<HotsetEntry> entries = new ArrayList<>(blended.size());
    long cum = 0;
    for (Built b : blended) {
      Candidate c = b.traffic;
      long weight = c == null ? 0 : c.weight();
      cum += weight;
      entries.add(new HotsetEntry(
          entries.size() + 1,
          b.url,
          c == null ? 0 : c.count(),
          c == null ? 0 : c.bytes(),
          weight,
          share(weight, total),
          share(cum, total),
          b.provenance,
          c == null ? 0 : c.error()));
    }
    double reached = share(cum, total);
    if (config.coverage > 0 && !covered(cum, total)) {
      clamps.add(new Clamp(Clamp.Kind.COVERAGE_NOT_REACHED, entries.size(), String.format(
          Locale.ROOT, "coverage %.4f not reached: %.4f with %d entries (%s)",
          config.coverage, reached, entries.size(), coverageLimits(clamps))));
    }
    return new Hotset(
        entries,
        curve(entries.size()),
        recordsSeen,
        requestsSeen,
        demandRecords,
        total,
        filtered,
        untimed,
        distinct,
        reached,
        mode,
        sketchCapacity,
        errorBound,
        config.weight,
        clamps);
  }

  private String coverageLimits(List<Clamp> clamps) {
    Set<String> why = new TreeSet<>();
    for (Clamp c : clamps) {
      switch (c.kind()) {
        case MAX -> why.add("limited by max " + config.max);
        case SUSTAIN -> why.add("limited by sustain");
        case NEW_ENTRIES -> why.add("limited by maxNewEntries " + config.maxNewEntries);
        default -> { }
      }
    }
    if (config.top > 0 && trafficCount >= config.top) {
      why.add("limited by top " + config.top);
    }
    if (why.isEmpty()) {
      why.add("not enough qualifying demand");
    }
    return String.join(", ", why);
  }

  private static double share(long part, long total) {
    return total <= 0 ? 0.0 : Math.min(1.0, (double) part / total);
  }

  private boolean covered(long cum, long total) {
    return total > 0 && (double) cum >= config.coverage * (double) total * (1 - 1e-12);
  }

  private boolean targetMet(int count, long cum, long total) {
    return (config.top > 0 && count >= config.top)
        || (config.coverage > 0 && covered(cum, total));
  }

  /**
   * Whether only a ranked prefix of the latest window is needed: one window, no sustain and no
   * cap on new entries, so the selection takes candidates strictly in ranking order.
   */
  private boolean prefixOnly() {
    return config.windowCount == 1 && config.sustainK == 0 && config.maxNewEntries < 0;
  }

  /** Merges the sinks' counts into ranked candidates per window. */
  private void merge() {
    int windows = config.windowCount;
    boolean allExact = sinks.stream().allMatch(s -> s.exact != null);
    if (allExact) {
      // Sinks the log reader filled with disjoint sets of URLs are merged without lookups, or,
      // when only the ranked prefix is needed and no list asks for a URL's count, not at all.
      boolean disjoint = sinks.stream().allMatch(s -> s.disjoint);
      if (disjoint && prefixOnly() && lists.isEmpty() && !sinks.isEmpty()) {
        List<CountingSink.CountTable> tables = new ArrayList<>();
        for (CountingSink s : sinks) {
          tables.add(s.exact);
        }
        rankPrefix(tables);
        return;
      }
      CountingSink.CountTable merged = null;
      for (CountingSink s : sinks) {
        CountingSink.CountTable t = s.exact;
        if (merged == null || t.size > merged.size) {
          CountingSink.CountTable smaller = merged;
          merged = t;
          t = smaller;
        }
        if (t != null) {
          merged.addAll(t, disjoint);
        }
      }
      table = merged;
      if (merged == null) {
        for (int w = 0; w < windows; w++) {
          ranked.add(new ArrayList<>());
        }
        weightsAscending = new long[0];
        return;
      }
      if (prefixOnly()) {
        rankPrefix(List.of(merged));
        return;
      }
      for (int w = 0; w < windows; w++) {
        List<Candidate> list = new ArrayList<>();
        for (int e = 0; e < merged.size; e++) {
          long count = merged.requests(e, w);
          if (count > 0) {
            long bytes = merged.bytes(e, w);
            long weight = config.weight == Weight.REQUESTS ? count : bytes;
            list.add(new Candidate(merged.keys[e], count, bytes, weight, 0));
            totals[w] += weight;
          }
        }
        ranked.add(list);
      }
      distinct = ranked.get(0).size();
    } else {
      mode = CountingMode.BOUNDED;
      DistinctCounter hll = new DistinctCounter();
      HeavyHitters[] merged = new HeavyHitters[windows];
      int[] capacity = new int[windows];
      List<HeavyHitters[]> parts = new ArrayList<>();
      for (CountingSink s : sinks) {
        HeavyHitters[] sk;
        CountingSink.CountTable t = s.exact;
        if (t != null) {
          sk = CountingSink.toSketches(
              t, config.weight, windows, Math.max(1, Math.min(HeavyHitters.MAX_CAPACITY, t.size)));
          for (int e = 0; e < t.size; e++) {
            if (t.requests(e, 0) > 0) {
              hll.add(t.keys[e]);
            }
          }
        } else {
          sk = s.sketches;
          hll.merge(s.distinct);
          switchedAtDistinct += s.switchedAtDistinct;
        }
        parts.add(sk);
        for (int w = 0; w < windows; w++) {
          capacity[w] = (int) Math.min(HeavyHitters.MAX_CAPACITY, (long) capacity[w]
              + sk[w].capacity());
        }
      }
      for (HeavyHitters[] sk : parts) {
        for (int w = 0; w < windows; w++) {
          merged[w] = merged[w] == null ? sk[w] : merged[w].merge(sk[w], capacity[w]);
        }
      }
      for (int w = 0; w < windows; w++) {
        List<Candidate> list = new ArrayList<>();
        for (HeavyHitters.Estimate e : merged[w].entries()) {
          long count = config.weight == Weight.REQUESTS ? e.weight() : e.companion();
          long bytes = config.weight == Weight.REQUESTS ? e.companion() : e.weight();
          list.add(new Candidate(e.item(), count, bytes, e.weight(), e.error()));
        }
        ranked.add(list);
        totals[w] = merged[w].totalWeight();
      }
      sketchCapacity = merged[0].capacity();
      errorBound = merged[0].errorBound();
      distinct = hll.estimate();
    }
    for (List<Candidate> list : ranked) {
      list.sort(RANKING);
    }
    List<Candidate> latestWindow = ranked.get(0);
    weightsAscending = new long[latestWindow.size()];
    for (int i = 0; i < weightsAscending.length; i++) {
      weightsAscending[weightsAscending.length - 1 - i] = latestWindow.get(i).weight();
    }
  }

  /**
   * Ranks only the candidates the selection can take, of one window counted exactly. How many
   * the ranking loop wants follows from the weights alone (ties have equal weight), so a primitive
   * sort of the weights gives that number, the weight threshold of the last pick and the coverage
   * curve; only candidates at or above the threshold become objects and are sorted by the full
   * ranking (weight, then URL), which fixes the order among ties at the threshold.
   */
  private void rankPrefix(List<CountingSink.CountTable> tables) {
    int n = 0;
    for (CountingSink.CountTable t : tables) {
      n += t.size;
    }
    long[] weights = new long[n];
    long total = 0;
    int i = 0;
    for (CountingSink.CountTable t : tables) {
      for (int e = 0; e < t.size; e++) {
        long w = config.weight == Weight.REQUESTS ? t.requests(e, 0) : t.bytes(e, 0);
        weights[i++] = w;
        total += w;
      }
    }
    long[] sorted = weights.clone();
    Arrays.sort(sorted);
    weightsAscending = sorted;
    totals[0] = total;
    distinct = n;
    int wanted = 0;
    long cum = 0;
    while (wanted < n && !targetMet(wanted, cum, total)) {
      cum += sorted[n - 1 - wanted];
      wanted++;
    }
    prefixWanted = wanted;
    int take = Math.min(wanted, config.max);
    List<Candidate> prefix = new ArrayList<>(take);
    if (take > 0) {
      long threshold = sorted[n - take];
      i = 0;
      for (CountingSink.CountTable t : tables) {
        for (int e = 0; e < t.size; e++, i++) {
          if (weights[i] >= threshold) {
            prefix.add(new Candidate(t.keys[e], t.requests(e, 0), t.bytes(e, 0), weights[i], 0));
          }
        }
      }
      prefix.sort(RANKING);
      if (prefix.size() > take) {
        prefix = new ArrayList<>(prefix.subList(0, take));
      }
    }
    ranked.add(prefix);
  }

  /** The latest window's candidate for {@code url}; the index is built on first use. */
  private @Nullable Candidate latest(String url) {
    CountingSink.CountTable t = table;
    if (t != null) {
      int e = t.find(url, url.hashCode());
      if (e < 0 || t.requests(e, 0) <= 0) {
        return null;
      }
      long count = t.requests(e, 0);
      long bytes = t.bytes(e, 0);
      return new Candidate(url, count, bytes, config.weight == Weight.REQUESTS ? count : bytes, 0);
    }
    if (latest.isEmpty()) {
      for (Candidate c : ranked.get(0)) {
        latest.put(c.url(), c);
      }
    }
    return latest.get(url);
  }

  /** The top set of one window: the selection rule without sustain and new-entry caps. */
  private Set<String> topSet(int window) {
    Set<String> set = new HashSet<>();
    long cum = 0;
    for (Candidate c : ranked.get(window)) {
      if (set.size() >= config.max || targetMet(set.size(), cum, totals[window])) {
        break;
      }
      set.add(c.url());
      cum += c.weight();
    }
    return set;
  }

  private List<Candidate> selectTraffic(List<Clamp> clamps) {
    int windows = config.windowCount;
    List<Set<String>> topSets = new ArrayList<>();
    if (windows > 1 || config.sustainK > 0) {
      for (int w = 0; w < windows; w++) {
        topSets.add(topSet(w));
      }
    }
    @Nullable Set<String> previous = windows > 1 ? topSets.get(1) : null;
    boolean capNew = config.maxNewEntries >= 0;
    List<Candidate> picks = new ArrayList<>();
    long wantedWeight = 0;
    int wanted = 0;
    int newTaken = 0;
    long sustainSkipped = 0;
    long newSkipped = 0;
    long maxCut = 0;
    long total = totals[0];
    if (prefixOnly() && mode == CountingMode.EXACT) {
      // rankPrefix already applied the target and max
      picks.addAll(ranked.get(0));
      trafficCount = picks.size();
      maxCutTraffic = prefixWanted - picks.size();
      return picks;
    }
    for (Candidate c : ranked.get(0)) {
      if (targetMet(wanted, wantedWeight, total)) {
        break;
      }
      if (config.sustainK > 0) {
        int hot = 0;
        for (Set<String> s : topSets) {
          if (s.contains(c.url())) {
            hot++;
          }
        }
        if (hot < config.sustainK) {
          sustainSkipped++;
          continue;
        }
      }
      if (capNew && previous != null && !previous.contains(c.url())) {
        if (newTaken >= config.maxNewEntries) {
          newSkipped++;
          continue;
        }
        newTaken++;
      }
      wanted++;
      wantedWeight += c.weight();
      if (picks.size() < config.max) {
        picks.add(c);
      } else {
        maxCut++;
      }
    }
    trafficCount = picks.size();
    if (sustainSkipped > 0) {
      clamps.add(new Clamp(Clamp.Kind.SUSTAIN, sustainSkipped, String.format(Locale.ROOT,
          "sustain %d/%d skipped %d entries that were in the top set of fewer than %d of the last"
              + " %d windows", config.sustainK, windows, sustainSkipped, config.sustainK,
          windows)));
    }
    if (newSkipped > 0) {
      clamps.add(new Clamp(Clamp.Kind.NEW_ENTRIES, newSkipped, String.format(Locale.ROOT,
          "maxNewEntries %d dropped %d entries that were not in the previous window's top set",
          config.maxNewEntries, newSkipped)));
    }
    this.maxCutTraffic = maxCut;
    return picks;
  }

  /** A blended entry under construction. */
  private static final class Built {
    final String url;
    final List<String> provenance = new ArrayList<>(2);
    final @Nullable Candidate traffic;

    Built(String url, @Nullable Candidate traffic) {
      this.url = url;
      this.traffic = traffic;
    }
  }

  private List<Built> blend(List<Candidate> picks, List<Clamp> clamps) {
    Instant now = config.clock.instant();
    List<BlendList> active = new ArrayList<>();
    for (BlendList l : lists) {
      if (l.isExpiredAt(now)) {
        clamps.add(new Clamp(Clamp.Kind.EXPIRED_LIST, l.urls().size(), String.format(
            Locale.ROOT, "list '%s' expired at %s (now %s); its %d URLs were ignored",
            l.name(), l.expiry(), now, l.urls().size())));
      } else {
        active.add(l);
      }
    }
    active.sort(Comparator.comparingInt(BlendList::priority).reversed()
        .thenComparing(BlendList::name));
    LinkedHashMap<String, Built> out = new LinkedHashMap<>();
    for (BlendList l : active) {
      if (l.priority() > BlendList.TRAFFIC_PRIORITY) {
        addList(out, l);
      }
    }
    for (Candidate c : picks) {
      out.computeIfAbsent(c.url(), u -> new Built(u, c)).provenance.add(HotsetEntry.TRAFFIC);
    }
    for (BlendList l : active) {
      if (l.priority() <= BlendList.TRAFFIC_PRIORITY) {
        addList(out, l);
      }
    }
    List<Built> all = new ArrayList<>(out.values());
    long cutTraffic = maxCutTraffic;
    long cutLists = 0;
    if (all.size() > config.max) {
      for (Built b : all.subList(config.max, all.size())) {
        if (b.provenance.contains(HotsetEntry.TRAFFIC)) {
          cutTraffic++;
        } else {
          cutLists++;
        }
      }
      all = new ArrayList<>(all.subList(0, config.max));
    }
    if (cutTraffic + cutLists > 0) {
      clamps.add(new Clamp(Clamp.Kind.MAX, cutTraffic + cutLists, String.format(Locale.ROOT,
          "max %d cut %d entries (%d selected by traffic, %d only from lists)",
          config.max, cutTraffic + cutLists, cutTraffic, cutLists)));
    }
    return all;
  }

  private void addList(LinkedHashMap<String, Built> out, BlendList list) {
    for (String raw : list.urls()) {
      String key = sameSiteKey(raw);
      Built b = out.computeIfAbsent(key, k -> new Built(k, latest(k)));
      if (!b.provenance.contains(list.name())) {
        b.provenance.add(list.name());
      }
    }
  }

  /** The origin-form key of an absolute URL on a same-site host, else the URL itself. */
  String sameSiteKey(String url) {
    if (config.sameSiteHosts.isEmpty()) {
      return url;
    }
    int scheme = url.indexOf("://");
    if (scheme <= 0) {
      return url;
    }
    int start = scheme + 3;
    int end = start;
    while (end < url.length() && "/?#".indexOf(url.charAt(end)) < 0) {
      end++;
    }
    String authority = url.substring(start, end);
    int at = authority.lastIndexOf('@');
    String hostPort = at >= 0 ? authority.substring(at + 1) : authority;
    int colon = hostPort.lastIndexOf(':');
    String host = colon >= 0 && hostPort.indexOf(']') < colon
        ? hostPort.substring(0, colon) : hostPort;
    if (!config.sameSiteHosts.contains(host.toLowerCase(Locale.ROOT))) {
      return url;
    }
    String rest = url.substring(end);
    int hash = rest.indexOf('#');
    if (hash >= 0) {
      rest = rest.substring(0, hash);
    }
    if (rest.isEmpty()) {
      return "/";
    }
    return rest.charAt(0) == '?' ? "/" + rest : rest;
  }

  private List<CoveragePoint> curve(int selected) {
    long[] weights = weightsAscending;
    int n = weights.length;
    long total = totals[0];
    if (n == 0 || total <= 0) {
      return List.of();
    }
    TreeSet<Integer> sizes = new TreeSet<>();
    for (long s = 1; s < n; s *= 10) {
      sizes.add((int) s);
    }
    sizes.add(n);
    if (selected >= 1) {
      sizes.add(Math.min(selected, n));
    }
    List<CoveragePoint> points = new ArrayList<>();
    long cum = 0;
    int i = 0;
    for (int size : sizes) {
      while (i < size) {
        cum += weights[n - 1 - i++];
      }
      points.add(new CoveragePoint(size, share(cum, total)));
    }
    return points;
  }
}
