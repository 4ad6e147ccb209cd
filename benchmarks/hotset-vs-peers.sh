#!/usr/bin/env bash
# Side-by-side: `preheat hotset` vs a mawk counting pipeline vs GoAccess on the same generated log.
# The tools run interleaved (round 1: each tool once, round 2: each tool once, ...), so a change in
# the machine's load hits them alike; prints the load average before and after, wall time (median
# of RUNS), CPU time, peak RSS and the ratios of both ways of running Preheat (`java -jar` and the
# launcher samples/cli/preheat) to mawk, plus an accuracy check of Preheat's top-1000 against an
# independent awk count (exact mode) and of bounded mode against exact mode.
#
#   benchmarks/hotset-vs-peers.sh [LINES] [DISTINCT_DOMAIN]     (defaults: 2000000 800000)
#   env: RUNS=5  SKIP_GOACCESS=1  WORK=benchmarks/work
set -euo pipefail
cd "$(dirname "$0")/.."
LINES="${1:-2000000}"
DOMAIN="${2:-800000}"
RUNS="${RUNS:-5}"
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
  mvn -B -q -DskipTests package -pl samples/cli,benchmarks -am
fi
if [ ! -f "$LOG" ]; then
  echo "generating $LOG ($LINES lines, Zipf over $DOMAIN URLs)..." >&2
  java -cp benchmarks/target/benchmarks.jar dev.preheat.benchmarks.GenerateLog "$LOG" "$LINES" "$DOMAIN"
fi
cat "$LOG" > /dev/null  # warm the page cache so every tool reads from memory

# measure NAME CMD... : runs CMD once, appends wall seconds, CPU seconds and peak RSS (KiB)
declare -A WALLS CPUS RSS CMDS
measure() {
  local name="$1"; shift
  /usr/bin/time -f "%e %U %S %M" -o "$WORK/time.out" bash -c "$*" > /dev/null 2> "$WORK/$name.err" || {
    echo "$name failed:" >&2; cat "$WORK/$name.err" >&2; exit 1; }
  read -r t u s m < <(tail -1 "$WORK/time.out")
  WALLS[$name]+="$t "
  CPUS[$name]+="$(awk -v u="$u" -v s="$s" 'BEGIN {print u + s}') "
  (( m > ${RSS[$name]:-0} )) && RSS[$name]=$m
  return 0
}
median() { printf '%s\n' $1 | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

TOOLS=(wc mawk preheat launcher)
CMDS[wc]="wc -l '$LOG'"
CMDS[mawk]="mawk '{c[\$7]++} END {for (u in c) print c[u], u}' '$LOG' | sort -rn | head"
CMDS[preheat]="java -jar samples/cli/target/preheat.jar hotset --log '$LOG' --top 1000 --output urls"
CMDS[launcher]="samples/cli/preheat hotset --log '$LOG' --top 1000 --output urls"
if [ -z "${SKIP_GOACCESS:-}" ]; then
  TOOLS+=(goaccess)
  CMDS[goaccess]="goaccess '$LOG' --log-format=COMBINED --no-global-config -o '$WORK/goaccess.json'"
fi
samples/cli/preheat --version > /dev/null  # the launcher's first run creates its start-up archive
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
for round in $(seq "$RUNS"); do
  for t in "${TOOLS[@]}"; do
    measure "$t" "${CMDS[$t]}"
  done
  echo "round $round: $(for t in "${TOOLS[@]}"; do w=(${WALLS[$t]}); printf '%s %ss  ' "$t" "${w[-1]}"; done)" >&2
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
declare -A WALL CPU
for t in "${TOOLS[@]}"; do
  WALL[$t]=$(median "${WALLS[$t]}")
  CPU[$t]=$(median "${CPUS[$t]}")
done

echo
echo "hotset on $LOG ($(wc -l < "$LOG") lines, $(du -h "$LOG" | cut -f1)), $RUNS interleaved rounds, $(nproc) cores, $(date -u +%F)"
echo "load average (1/5/15 min): before $LOAD_BEFORE, after $LOAD_AFTER"
echo "(preheat = java -jar samples/cli/target/preheat.jar; launcher = samples/cli/preheat)"
printf '%-10s %8s %8s %12s %10s %10s  %s\n' tool wall_s cpu_s peak_rss_MiB jar/tool launcher/tool "all wall times"
for t in "${TOOLS[@]}"; do
  r1=$(awk -v p="${WALL[preheat]}" -v x="${WALL[$t]}" 'BEGIN {printf "%.2f", (x > 0 ? p / x : 0)}')
  r2=$(awk -v p="${WALL[launcher]}" -v x="${WALL[$t]}" 'BEGIN {printf "%.2f", (x > 0 ? p / x : 0)}')
  printf '%-10s %8s %8s %12d %10s %10s  %s\n' "$t" "${WALL[$t]}" "${CPU[$t]}" $(( ${RSS[$t]} / 1024 )) \
    "$r1" "$r2" "${WALLS[$t]}"
done

awk -v p="${WALL[preheat]}" -v l="${WALL[launcher]}" -v m="${WALL[mawk]}" 'BEGIN {
  printf "java -jar / mawk = %.2f, launcher / mawk = %.2f (target <= 0.33)\n", p / m, l / m }'

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
