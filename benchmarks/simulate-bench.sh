#!/usr/bin/env bash
# `preheat simulate` on a generated 2M-line log with a sweep of 8 hotset sizes: wall time (median
# of RUNS) and peak RSS, with the default JVM and with a capped heap, and with 1h windows (48 of
# them) in a 64 MiB heap, since memory follows the window, not the log; then an accuracy check of the
# simulator against an independent replay written in Python (OrderedDict LRU) on the first
# CHECK_LINES lines: hit counts must be equal.
#
#   benchmarks/simulate-bench.sh [LINES] [DISTINCT_DOMAIN]     (defaults: 2000000 800000)
#   env: RUNS=3  CHECK_LINES=200000  WORK=benchmarks/work
set -euo pipefail
cd "$(dirname "$0")/.."
LINES="${1:-2000000}"
DOMAIN="${2:-800000}"
RUNS="${RUNS:-3}"
CHECK_LINES="${CHECK_LINES:-200000}"
WORK="${WORK:-benchmarks/work}"
mkdir -p "$WORK"
LOG="$WORK/access-$LINES.log"
SIZES=100,300,1000,3000,10000,30000,100000,300000
ARGS=(--window 6h --sizes "$SIZES" --cache-size 200000 --ttl 4h)
HOURLY=(--window 1h --sizes "$SIZES" --cache-size 200000 --ttl 4h)
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

command -v /usr/bin/time >/dev/null || { echo "missing /usr/bin/time (apt-get install time)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "missing python3" >&2; exit 2; }
if [ ! -f samples/cli/target/preheat.jar ] || [ ! -f benchmarks/target/benchmarks.jar ]; then
  mvn -B -q -DskipTests package
fi
if [ ! -f "$LOG" ]; then
  echo "generating $LOG ($LINES lines, Zipf over $DOMAIN URLs)..." >&2
  java -cp benchmarks/target/benchmarks.jar dev.preheat.benchmarks.GenerateLog "$LOG" "$LINES" "$DOMAIN"
fi
cat "$LOG" > /dev/null  # page cache

# run NAME CMD... : median wall seconds, max peak RSS (KiB), median CPU seconds over RUNS runs
declare -A WALL RSS CPU
run() {
  local name="$1"; shift
  local times=() cpus=() rss=0
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f "%e %M %U %S" -o "$WORK/time.out" "$@" > "$WORK/$name.out" 2> "$WORK/$name.err" || {
      echo "$name failed:" >&2; cat "$WORK/$name.err" >&2; exit 1; }
    read -r t m u s < <(tail -1 "$WORK/time.out")
    times+=("$t"); cpus+=("$(awk -v u="$u" -v s="$s" 'BEGIN {print u + s}')")
    (( m > rss )) && rss=$m
  done
  WALL[$name]=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  CPU[$name]=$(printf '%s\n' "${cpus[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  RSS[$name]=$rss
}

run default java -jar samples/cli/target/preheat.jar simulate --log "$LOG" "${ARGS[@]}"
run xmx256m java -Xmx256m -jar samples/cli/target/preheat.jar simulate --log "$LOG" "${ARGS[@]}"
run 1h_xmx64m java -Xmx64m -jar samples/cli/target/preheat.jar simulate --log "$LOG" "${HOURLY[@]}"

echo
echo "simulate on $LOG ($(wc -l < "$LOG") lines, $(du -h "$LOG" | cut -f1)), sizes $SIZES, ${ARGS[*]}"
echo "median of $RUNS runs, $(nproc) cores, load average $LOAD_BEFORE before, $(cut -d' ' -f1-3 /proc/loadavg) after, $(date -u +%F)"
printf '%-10s %8s %8s %14s\n' jvm wall_s cpu_s peak_rss_MiB
for t in default xmx256m 1h_xmx64m; do
  printf '%-10s %8s %8s %14d\n' "$t" "${WALL[$t]}" "${CPU[$t]}" $(( ${RSS[$t]} / 1024 ))
done
echo "(1h_xmx64m: ${HOURLY[*]}, -Xmx64m)"
awk -v w="${WALL[default]}" 'BEGIN { printf "target: under 60 s -> %s\n", (w < 60 ? "met" : "NOT met") }'
sed -n '1,14p' "$WORK/default.out"

# Accuracy: an independent replay of the first CHECK_LINES lines, keyed on the raw request target.
CHECK="$WORK/access-check.log"
head -n "$CHECK_LINES" "$LOG" > "$CHECK"
java -jar samples/cli/target/preheat.jar simulate --log "$CHECK" --window 1h --sizes 10,1000,20000 \
  --cache-size 5000 --ttl 30m --cache-key as-logged --output json > "$WORK/check.json"
python3 - "$CHECK" "$WORK/check.json" <<'PY'
import collections, json, re, sys
from datetime import datetime
log, report = sys.argv[1], json.load(open(sys.argv[2]))
W, CAP, TTL = 3600_000, 5000, 1800_000
line = re.compile(r'^\S+ \S+ \S+ \[([^\]]+)\] "(\S+) (\S+)[^"]*" (\d{3}) (\S+) "[^"]*" "([^"]*)"')
bots = ("bot", "crawler", "spider", "slurp", "facebookexternalhit", "bingpreview")
reqs = []
for l in open(log, encoding="latin-1"):
    m = line.match(l)
    if not m:
        continue
    method, target, status, agent = m.group(2), m.group(3), m.group(4), m.group(6).lower()
    if method in ("GET", "HEAD") and status in ("200", "304") and not any(b in agent for b in bots):
        t = int(datetime.strptime(m.group(1), "%d/%b/%Y:%H:%M:%S %z").timestamp() * 1000)
        reqs.append((t, target))
reqs.sort(key=lambda r: r[0])  # stable
first = reqs[0][0] // W
by_window = collections.defaultdict(collections.Counter)
for t, u in reqs:
    by_window[t // W][u] += 1
def top(w, n):
    return [u for u, c in sorted(by_window[w].items(), key=lambda e: (-e[1], e[0]))[:n]]
def replay(size, oracle):
    cache, hits, total, cur = collections.OrderedDict(), 0, 0, first
    def fresh(u, now):
        if u in cache and now - cache[u] < TTL:
            cache.move_to_end(u); return True
        return False
    def store(u, now):
        cache[u] = now; cache.move_to_end(u)
        while len(cache) > CAP:
            cache.popitem(last=False)
    for t, u in reqs:
        w = t // W
        while cur < w:
            cur += 1
            cache.clear()
            for v in (top(cur if oracle else cur - 1, size) if size else []):
                if not fresh(v, cur * W):
                    store(v, cur * W)
        hit = fresh(u, t)
        if not hit:
            store(u, t)
        if w > first:
            total += 1; hits += hit
    return total, hits
ok = True
base = replay(0, False)
print(f"independent replay of {len(reqs)} requests: baseline hits {base[1]}/{base[0]}, preheat {report['baseline']['hits']}/{report['baseline']['requests']}")
ok &= base == (report['baseline']['requests'], report['baseline']['hits'])
for p in report["points"]:
    w, o = replay(p["size"], False)[1], replay(p["size"], True)[1]
    print(f"  size {p['size']}: warmed hits {w} vs preheat {p['warmed']['hits']}, oracle {o} vs {p['oracle']['hits']}")
    ok &= w == p["warmed"]["hits"] and o == p["oracle"]["hits"]
print("accuracy: hit counts", "EQUAL" if ok else "DIFFER")
sys.exit(0 if ok else 1)
PY
