#!/usr/bin/env bash
# Side-by-side: `preheat hotset` vs a mawk counting pipeline vs GoAccess on the same generated log.
# Prints wall time (median of RUNS), peak RSS and the ratios, plus an accuracy check of Preheat's
# top-1000 against an independent awk count (exact mode) and of bounded mode against exact mode.
#
#   benchmarks/hotset-vs-peers.sh [LINES] [DISTINCT_DOMAIN]     (defaults: 2000000 800000)
#   env: RUNS=3  SKIP_GOACCESS=1  WORK=benchmarks/work
set -euo pipefail
cd "$(dirname "$0")/.."
LINES="${1:-2000000}"
DOMAIN="${2:-800000}"
RUNS="${RUNS:-3}"
WORK="${WORK:-benchmarks/work}"
mkdir -p "$WORK"
LOG="$WORK/access-$LINES.log"

for tool in mawk /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install mawk time)" >&2; exit 2; }
done
if [ -z "${SKIP_GOACCESS:-}" ] && ! command -v goaccess >/dev/null; then
  echo "missing goaccess (apt-get install goaccess), or set SKIP_GOACCESS=1" >&2; exit 2
fi

if [ ! -f samples/cli/target/preheat.jar ] || [ ! -f benchmarks/target/benchmarks.jar ]; then
  mvn -B -q -DskipTests package
fi
if [ ! -f "$LOG" ]; then
  echo "generating $LOG ($LINES lines, Zipf over $DOMAIN URLs)..." >&2
  java -cp benchmarks/target/benchmarks.jar dev.preheat.benchmarks.GenerateLog "$LOG" "$LINES" "$DOMAIN"
fi
cat "$LOG" > /dev/null  # warm the page cache so every tool reads from memory

# run NAME CMD... : runs CMD RUNS times, records median wall seconds and max peak RSS (KiB)
declare -A WALL RSS
run() {
  local name="$1"; shift
  local times=() rss=0
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f "%e %M" -o "$WORK/time.out" bash -c "$*" > /dev/null 2> "$WORK/$name.err" || {
      echo "$name failed:" >&2; cat "$WORK/$name.err" >&2; exit 1; }
    read -r t m < <(tail -1 "$WORK/time.out")
    times+=("$t"); (( m > rss )) && rss=$m
  done
  WALL[$name]=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  RSS[$name]=$rss
}

run wc "wc -l '$LOG'"
run mawk "mawk '{c[\$7]++} END {for (u in c) print c[u], u}' '$LOG' | sort -rn | head"
run preheat "java -jar samples/cli/target/preheat.jar hotset --log '$LOG' --top 1000 --output urls"
samples/cli/preheat --version > /dev/null  # the launcher's first run creates its CDS archive
run launcher "samples/cli/preheat hotset --log '$LOG' --top 1000 --output urls"
if [ -z "${SKIP_GOACCESS:-}" ]; then
  run goaccess "goaccess '$LOG' --log-format=COMBINED --no-global-config -o '$WORK/goaccess.json'"
fi

echo
echo "hotset on $LOG ($(wc -l < "$LOG") lines, $(du -h "$LOG" | cut -f1)), median of $RUNS runs, $(nproc) cores, $(date -u +%F)"
printf '%-10s %10s %12s %14s\n' tool wall_s peak_rss_MiB "preheat/tool"
echo "(preheat = java -jar samples/cli/target/preheat.jar; launcher = samples/cli/preheat, C1 + SerialGC + CDS)"
for t in wc mawk goaccess preheat launcher; do
  [ -n "${WALL[$t]:-}" ] || continue
  ratio=$(awk -v p="${WALL[preheat]}" -v x="${WALL[$t]}" 'BEGIN {printf "%.2f", (x > 0 ? p / x : 0)}')
  printf '%-10s %10s %12d %14s\n' "$t" "${WALL[$t]}" $(( ${RSS[$t]} / 1024 )) "$ratio"
done

awk -v p="${WALL[preheat]}" -v l="${WALL[launcher]}" -v m="${WALL[mawk]}" 'BEGIN {
  printf "preheat / mawk = %.2f, launcher / mawk = %.2f (target <= 0.33)\n", p / m, l / m }'

# Accuracy: Preheat's top-1000 (exact counting) vs an independent awk count applying the same
# demand rules (GET/HEAD, status 200/304, no crawler user agents, utm_* stripped).
java -jar samples/cli/target/preheat.jar hotset --log "$LOG" --top 1000 --output json > "$WORK/preheat-exact.json"
mawk -F'"' '{
    split($2, req, " "); split($3, st, " ");
    if ((req[1] == "GET" || req[1] == "HEAD") && (st[1] == 200 || st[1] == 304) && tolower($6) !~ /bot|crawl|spider|slurp/) {
      u = req[2]; sub(/[?&]utm_source=[^&]*$/, "", u); c[u]++ }
  } END { for (u in c) print c[u], u }' "$LOG" | sort -k1,1nr -k2,2 > "$WORK/awk-all.txt"
head -1000 "$WORK/awk-all.txt" > "$WORK/awk-top.txt"  # not in the pipe: pipefail + SIGPIPE
java -jar samples/cli/target/preheat.jar hotset --log "$LOG" --top 1000 --memory-budget 8m --output json > "$WORK/preheat-bounded.json"
python3 - "$WORK" <<'PY'
import json, sys
w = sys.argv[1]
exact = json.load(open(f"{w}/preheat-exact.json"))
bounded = json.load(open(f"{w}/preheat-bounded.json"))
awk = [line.split(" ", 1) for line in open(f"{w}/awk-top.txt").read().splitlines()]
awk_counts = {u: int(c) for c, u in awk}
e = {x["url"]: x["count"] for x in exact["entries"]}
same = sum(1 for u, c in e.items() if awk_counts.get(u) == c)
# ties at the 1000th place make membership ambiguous: compare counts above the cut
cut = min(awk_counts.values())
above = {u for u, c in awk_counts.items() if c > cut}
print(f"exact top-1000: {same}/{len(e)} URLs with the same count as awk; "
      f"{len(above & set(e))}/{len(above)} of awk's top (above the tie at {cut}) present")
b = {x["url"] for x in bounded["entries"]}
print(f"bounded mode ({bounded['summary']['countingMode']}): recall of exact top-1000 = "
      f"{len(b & set(e)) / len(e):.4f}")
PY
