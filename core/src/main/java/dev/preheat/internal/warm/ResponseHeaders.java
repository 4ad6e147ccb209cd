package dev.preheat.internal.warm;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The immutable, case-insensitive header map behind {@link dev.preheat.warm.WarmResponse}: names
 * in {@link String#CASE_INSENSITIVE_ORDER} (the spelling of a name's first line is kept), values
 * in arrival order as unmodifiable lists. It iterates, compares and hashes like the
 * {@code TreeMap(CASE_INSENSITIVE_ORDER)} it replaces, but is built in one pass from the header
 * lines and looks names up by length and {@link String#equalsIgnoreCase} (a few headers) or a
 * binary search (many), so a transport can hand {@code WarmResponse} a map it need not copy.
 *
 * <p>Every mutator throws {@link UnsupportedOperationException}. Lookups of {@code null} or of a
 * non-{@code String} find nothing.
 */
public final class ResponseHeaders extends AbstractMap<String, List<String>> {

  private static final ResponseHeaders EMPTY = new ResponseHeaders(new String[0], new List[0]);

  /** Up to this many names, lookups scan (a length check first); beyond, they binary-search. */
  private static final int SCAN_LIMIT = 12;

  private final String[] names;
  private final List<String>[] values;
  private @Nullable Set<Entry<String, List<String>>> entrySet;

  private ResponseHeaders(String[] names, List<String>[] values) {
    this.names = names;
    this.values = values;
  }

  /** The empty map. */
  public static ResponseHeaders empty() {
    return EMPTY;
  }

  /**
   * A builder for about {@code expectedLines} header lines.
   *
   * @param expectedLines a sizing hint, {@code >= 0}
   */
  public static Builder builder(int expectedLines) {
    return new Builder(expectedLines);
  }

  /**
   * The given map as a {@code ResponseHeaders}: itself when it already is one, else a copy that
   * merges names equal ignoring case (values in the map's iteration order).
   *
   * @throws NullPointerException if the map, a name, a value list or a value is null
   */
  public static ResponseHeaders of(Map<String, ? extends List<String>> headers) {
    if (headers instanceof ResponseHeaders r) {
      return r;
    }
    Builder b = new Builder(headers.size());
    headers.forEach((name, list) -> {
      Objects.requireNonNull(name, "header name");
      Objects.requireNonNull(list, "header values");
      for (String v : list) {
        b.add(name, v);
      }
      if (list.isEmpty()) {
        b.addName(name);
      }
    });
    return b.build();
  }

  private int indexOf(@Nullable Object key) {
    if (!(key instanceof String name)) {
      return -1;
    }
    String[] n = names;
    if (n.length <= SCAN_LIMIT) {
      int len = name.length();
      for (int i = 0; i < n.length; i++) {
        if (n[i].length() == len && n[i].equalsIgnoreCase(name)) {
          return i;
        }
      }
      return -1;
    }
    int i = Arrays.binarySearch(n, name, String.CASE_INSENSITIVE_ORDER);
    return i >= 0 ? i : -1;
  }

  @Override
  public @Nullable List<String> get(@Nullable Object key) {
    int i = indexOf(key);
    return i < 0 ? null : values[i];
  }

  @Override
  public boolean containsKey(@Nullable Object key) {
    return indexOf(key) >= 0;
  }

  @Override
  public int size() {
    return names.length;
  }

  @Override
  public boolean isEmpty() {
    return names.length == 0;
  }

  @Override
  public Set<Entry<String, List<String>>> entrySet() {
    Set<Entry<String, List<String>>> s = entrySet;
    if (s == null) {
      s = new AbstractSet<>() {
        @Override
        public Iterator<Entry<String, List<String>>> iterator() {
          return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
              return next < names.length;
            }

            @Override
            public Entry<String, List<String>> next() {
              if (next >= names.length) {
                throw new NoSuchElementException();
              }
              int i = next++;
              return new SimpleImmutableEntry<>(names[i], values[i]);
            }
          };
        }

        @Override
        public int size() {
          return names.length;
        }
      };
      entrySet = s;
    }
    return s;
  }

  @Override
  public void forEach(java.util.function.BiConsumer<? super String, ? super List<String>> action) {
    for (int i = 0; i < names.length; i++) {
      action.accept(names[i], values[i]);
    }
  }

  @Override
  public List<String> put(String key, List<String> value) {
    throw new UnsupportedOperationException();
  }

  @Override
  public List<String> remove(Object key) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void putAll(Map<? extends String, ? extends List<String>> m) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void clear() {
    throw new UnsupportedOperationException();
  }

  @Override
  public void replaceAll(BiFunction<? super String, ? super List<String>, ? extends List<String>> f) {
    throw new UnsupportedOperationException();
  }

  @Override
  public List<String> putIfAbsent(String key, List<String> value) {
    throw new UnsupportedOperationException();
  }

  @Override
  public boolean remove(Object key, Object value) {
    throw new UnsupportedOperationException();
  }

  @Override
  public boolean replace(String key, List<String> oldValue, List<String> newValue) {
    throw new UnsupportedOperationException();
  }

  @Override
  public List<String> replace(String key, List<String> value) {
    throw new UnsupportedOperationException();
  }

  @Override
  public List<String> computeIfAbsent(String key, Function<? super String, ? extends List<String>> f) {
    throw new UnsupportedOperationException();
  }

  @Override
  public List<String> computeIfPresent(
      String key, BiFunction<? super String, ? super List<String>, ? extends List<String>> f) {
    throw new UnsupportedOperationException();
  }

  @Override
  public List<String> compute(
      String key, BiFunction<? super String, ? super List<String>, ? extends List<String>> f) {
    throw new UnsupportedOperationException();
  }

  @Override
  public List<String> merge(String key, List<String> value,
      BiFunction<? super List<String>, ? super List<String>, ? extends List<String>> f) {
    throw new UnsupportedOperationException();
  }

  /** Collects header lines in arrival order; not thread-safe, single use. */
  public static final class Builder {
    private String[] names;
    private String[] lineValues;
    private int count;

    private Builder(int expectedLines) {
      if (expectedLines < 0) {
        throw new IllegalArgumentException("expectedLines must be >= 0 but was " + expectedLines);
      }
      int n = Math.max(4, expectedLines);
      names = new String[n];
      lineValues = new String[n];
    }

    /**
     * Adds one header line.
     *
     * @throws NullPointerException if {@code name} or {@code value} is null
     */
    public Builder add(String name, String value) {
      Objects.requireNonNull(name, "header name");
      Objects.requireNonNull(value, "header value");
      append(name, value);
      return this;
    }

    /** A name with no value line (kept as an empty list, as a copied map may hold one). */
    private void addName(String name) {
      append(name, null);
    }

    private void append(String name, @Nullable String value) {
      if (count == names.length) {
        names = Arrays.copyOf(names, count * 2);
        lineValues = Arrays.copyOf(lineValues, count * 2);
      }
      names[count] = name;
      lineValues[count] = value;
      count++;
    }

    /** The immutable map of the lines added so far. */
    @SuppressWarnings("unchecked")
    public ResponseHeaders build() {
      int n = count;
      if (n == 0) {
        return EMPTY;
      }
      // Stable insertion sort of line indexes by name, ignoring case: header counts are small,
      // and equal names keep their arrival order.
      int[] order = new int[n];
      for (int i = 0; i < n; i++) {
        int j = i;
        String name = names[i];
        while (j > 0 && String.CASE_INSENSITIVE_ORDER.compare(names[order[j - 1]], name) > 0) {
          order[j] = order[j - 1];
          j--;
        }
        order[j] = i;
      }
      String[] outNames = new String[n];
      List<String>[] outValues = new List[n];
      int out = 0;
      int i = 0;
      while (i < n) {
        int first = order[i];
        int end = i + 1;
        while (end < n
            && String.CASE_INSENSITIVE_ORDER.compare(names[order[end]], names[first]) == 0) {
          end++;
        }
        outNames[out] = names[first];
        outValues[out] = valuesOf(i, end, order);
        out++;
        i = end;
      }
      if (out < n) {
        outNames = Arrays.copyOf(outNames, out);
        outValues = Arrays.copyOf(outValues, out);
      }
      return new ResponseHeaders(outNames, outValues);
    }

    private List<String> valuesOf(int from, int to, int[] order) {
      if (to - from == 1) {
        String v = lineValues[order[from]];
        return v == null ? List.of() : List.of(v);
      }
      String[] vs = new String[to - from];
      int k = 0;
      for (int i = from; i < to; i++) {
        String v = lineValues[order[i]];
        if (v != null) {
          vs[k++] = v;
        }
      }
      return List.of(Arrays.copyOf(vs, k));
    }
  }
}
