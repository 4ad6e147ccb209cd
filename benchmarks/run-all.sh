#!/usr/bin/env bash
# Every peer comparison, side by side on this machine, in one table of ratios:
#
#   hotset   `preheat hotset` vs a mawk counting pipeline and GoAccess      (hotset-vs-peers.sh)
#   warm     Preheat vs xargs+curl and wrk through nginx proxy_cache on tmpfs (warm-vs-peers.sh)
#   2nd pass body bytes of a second warm pass with the first pass's validators (warm-vs-peers.sh)
#   redis    the Redis primer vs `redis-cli --pipe`                (benchmarks/redis*.sh, if built)
#   spring   the sample app's first-request p99 with and without Preheat
#                                                 (benchmarks/spring-first-request.sh, if built)
#
# A comparison whose script is not in benchmarks/ yet prints "not built"; one whose peer tool is
# missing prints "not run" with the package to install. Never a made-up figure: every number in
# the table is parsed from the output of the script run just now, kept under $OUT.
#
#   benchmarks/run-all.sh [--quick] [--no-build]
#     --quick     smoke size (200k log lines, 2,000 URLs, 1 run each): a few minutes
#     --no-build  use the jars already in */target (default: build them with Maven first)
#   env: OUT=benchmarks/work/all    where every script's full output is kept
#        MVN_FLAGS="-o"            extra Maven flags for the build (e.g. offline)
#        GOACCESS=0                skip GoAccess even when installed (it takes ~2 min per run)
#        INSTALL=0                 do not apt-get the peer tools that are missing (default: install
#                                  them, as .ci/run does: wrk, goaccess, mawk, curl, time, nginx,
#                                  redis-server, redis-tools)
#
# Scripts added later join the table when they print lines of the form
#   SUMMARY <label> | <preheat figure> | <peer figure> | <ratio> | <target>
# (otherwise their last output line is shown). They are run with QUICK=1 under --quick.
set -euo pipefail
cd "$(dirname "$0")/.."
QUICK=0
BUILD=1
for arg in "$@"; do
  case "$arg" in
    --quick) QUICK=1 ;;
    --no-build) BUILD=0 ;;
    -h|--help) sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run-all: unknown argument '$arg' (use --quick, --no-build, --help)" >&2; exit 2 ;;
  esac
done
OUT="${OUT:-benchmarks/work/all}"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
START=$(date -u '+%F %H:%M UTC')

# The peers and servers the comparisons run, as "binary:package" pairs; on a fresh Debian machine
# they are installed here (only the missing ones), so one command runs everything from a clean clone.
if [ "${INSTALL:-1}" = 1 ]; then
  need_pkgs=()
  for pair in wrk:wrk goaccess:goaccess mawk:mawk curl:curl /usr/bin/time:time nginx:nginx-light \
      redis-server:redis-server redis-cli:redis-tools python3:python3; do
    bin="${pair%%:*}"; pkg="${pair##*:}"
    [ "$bin" = goaccess ] && [ "${GOACCESS:-1}" = 0 ] && continue
    command -v "$bin" > /dev/null 2>&1 || [ -x "/usr/sbin/$bin" ] || need_pkgs+=("$pkg")
  done
  if ((${#need_pkgs[@]})); then
    echo "run-all: installing the missing peer tools: ${need_pkgs[*]} (INSTALL=0 to skip)" >&2
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    { $SUDO apt-get update -qq \
      && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
        "${need_pkgs[@]}"; } > "$OUT/install.log" 2>&1 \
      || { tail -20 "$OUT/install.log" >&2
           echo "run-all: could not install ${need_pkgs[*]}; the rows that need them say 'not run'" >&2; }
  fi
fi

if [ "$BUILD" = 1 ]; then
  echo "run-all: building the CLI and benchmark jars (mvn package, tests skipped) ..." >&2
  # shellcheck disable=SC2086  # MVN_FLAGS is a list of flags
  mvn -B -q ${MVN_FLAGS:-} -DskipTests package > "$OUT/build.log" 2>&1 \
    || { tail -40 "$OUT/build.log" >&2; echo "run-all: build failed; see $OUT/build.log" >&2; exit 1; }
fi
for jar in samples/cli/target/preheat.jar benchmarks/target/benchmarks.jar; do
  [ -f "$jar" ] || { echo "run-all: $jar is missing; run without --no-build" >&2; exit 1; }
done

ROWS=()   # "label|preheat|peer|ratio|target|verdict"
row() { ROWS+=("$1|$2|$3|$4|$5|$6"); }
# verdict RATIO OP TARGET -> met / not met
verdict() { awk -v r="$1" -v op="$2" -v t="$3" 'BEGIN {
  ok = (op == "<=" ? r <= t : r >= t); print (ok ? "met" : "NOT met") }'; }
num() { grep -Eo -- '-?[0-9]+(\.[0-9]+)?' <<< "$1" | head -1; }

# --- hotset vs mawk and GoAccess --------------------------------------------------------------
if [ "$QUICK" = 1 ]; then H_ARGS=(200000 80000); H_RUNS=1; else H_ARGS=(2000000 800000); H_RUNS=3; fi
H_ENV=(RUNS="$H_RUNS")
GOACCESS_NOTE=""
if [ "${GOACCESS:-1}" = 0 ]; then
  H_ENV+=(SKIP_GOACCESS=1); GOACCESS_NOTE="skipped (GOACCESS=0)"
elif ! command -v goaccess > /dev/null; then
  H_ENV+=(SKIP_GOACCESS=1); GOACCESS_NOTE="not run: goaccess not installed (apt-get install goaccess)"
fi
echo "run-all: hotset-vs-peers.sh ${H_ARGS[*]} (RUNS=$H_RUNS) ..." >&2
if env "${H_ENV[@]}" benchmarks/hotset-vs-peers.sh "${H_ARGS[@]}" > "$OUT/hotset.txt" 2> "$OUT/hotset.err"; then
  wall() { awk -v t="$1" '$1 == t && $2 ~ /^[0-9.]+$/ { print $2; exit }' "$OUT/hotset.txt"; }
  P=$(wall preheat); L=$(wall launcher); M=$(wall mawk); G=$(wall goaccess)
  R=$(awk -v p="$P" -v m="$M" 'BEGIN { printf "%.2f", p / m }')
  RL=$(awk -v p="$L" -v m="$M" 'BEGIN { printf "%.2f", p / m }')
  row "hotset ${H_ARGS[0]} lines vs mawk (time ratio)" "${P} s" "${M} s" "$R" "<= 0.33" "$(verdict "$R" "<=" 0.33)"
  row "  same, samples/cli/preheat launcher" "${L} s" "${M} s" "$RL" "<= 0.33" "$(verdict "$RL" "<=" 0.33)"
  if [ -n "$G" ]; then
    RG=$(awk -v p="$P" -v g="$G" 'BEGIN { printf "%.3f", p / g }')
    row "hotset ${H_ARGS[0]} lines vs GoAccess (time ratio)" "${P} s" "${G} s" "$RG" "-" \
      "$(awk -v r="$RG" 'BEGIN { print (r < 1 ? "faster" : "slower") }')"
  else
    row "hotset vs GoAccess" "-" "-" "-" "-" "$GOACCESS_NOTE"
  fi
  ACC=$(grep -E '^exact top-1000' "$OUT/hotset.txt" | sed 's/ URLs with the same count as awk.*//; s/exact top-1000: //')
  [ -n "$ACC" ] && row "  accuracy: exact top-1000 = independent awk count" "$ACC" "-" "-" "1000/1000" \
    "$([ "${ACC%%/*}" = "${ACC##*/}" ] && echo met || echo "NOT met")"
else
  row "hotset vs mawk / GoAccess" "-" "-" "-" "-" "FAILED: see $OUT/hotset.err"
fi

# --- warm vs xargs+curl and wrk, second pass --------------------------------------------------
if [ "$QUICK" = 1 ]; then
  W_ARGS=(2000); W_ENV=(RUNS=1 CONCURRENCY=32 CLIENTS=apache C1_OPTS= BASELINE=0 RATE_URLS=500)
else
  W_ARGS=(40000); W_ENV=(RUNS=3)
fi
echo "run-all: warm-vs-peers.sh ${W_ARGS[*]} (${W_ENV[*]}) ..." >&2
if env "${W_ENV[@]}" OUT="$OUT/warm" benchmarks/warm-vs-peers.sh "${W_ARGS[@]}" > "$OUT/warm.txt" 2> "$OUT/warm.err"; then
  rate() { awk -v t="$1" '$1 == t { print $4 }' "$OUT/warm.txt"; }
  WRK_LINE=$(grep -E '^Preheat on [a-z0-9]+ \(best' "$OUT/warm.txt")
  HEAD_CLIENT=$(sed -E 's/^Preheat on ([a-z0-9]+) .*/\1/' <<< "$WRK_LINE")
  BEST_C=$(sed -E 's/.*concurrency ([0-9]+).*/\1/' <<< "$WRK_LINE")
  BEST_W=$(sed -E 's/.*-c ([0-9]+)\).*/\1/' <<< "$WRK_LINE")
  RW=$(sed -E 's/.*\): ([0-9.]+) .*/\1/' <<< "$WRK_LINE")
  RX=$(grep -E '^Preheat / xargs\+curl' "$OUT/warm.txt" | sed -E 's/^[^:]*: ([0-9.]+).*/\1/')
  row "warm ${W_ARGS[0]} cold URLs vs wrk (URLs/s ratio)" "$(rate "preheat-$HEAD_CLIENT-c$BEST_C")/s" "$(rate "wrk-c$BEST_W")/s" "$RW" ">= 0.80" "$(verdict "$RW" ">=" 0.80)"
  row "warm ${W_ARGS[0]} cold URLs vs xargs+curl (URLs/s ratio)" "$(rate "preheat-$HEAD_CLIENT-c$BEST_C")/s" "$(rate "xargs+curl")/s" "$RX" ">= 1.20" "$(verdict "$RX" ">=" 1.20)"
  C1=$(grep -E "^with JVM options" "$OUT/warm.txt" || true)
  if [ -n "$C1" ]; then
    C1W=$(sed -E 's/.*Preheat \/ wrk ([0-9.]+).*/\1/' <<< "$C1")
    C1X=$(sed -E 's/.*Preheat \/ xargs\+curl ([0-9.]+).*/\1/' <<< "$C1")
    row "  same with the launcher's JVM options (C1, SerialGC) vs wrk" "-" "-" "$C1W" ">= 0.80" "$(verdict "$C1W" ">=" 0.80)"
    row "  same with the launcher's JVM options (C1, SerialGC) vs xargs+curl" "-" "-" "$C1X" ">= 1.20" "$(verdict "$C1X" ">=" 1.20)"
  fi
  P2=$(grep -E '^  pass 2: ' "$OUT/warm.txt" | head -1)
  P2PCT=$(sed -E 's/.* = ([0-9.]+)% of pass 1.*/\1/' <<< "$P2")
  P2B=$(sed -E 's/.*body bytes ([0-9]+) = .*/\1/' <<< "$P2")
  P1B=$(grep -E '^  pass 1: ' "$OUT/warm.txt" | sed -E 's/.*body bytes ([0-9]+),.*/\1/')
  row "second pass body bytes (validators; % of first pass)" "$P2B B" "$P1B B" "${P2PCT}%" "<= 2%" "$(verdict "$P2PCT" "<=" 2)"
else
  row "warm vs wrk / xargs+curl, second pass" "-" "-" "-" "-" "FAILED: see $OUT/warm.err"
fi

# --- comparisons built by other work: run when their script exists ---------------------------
# extra LABEL GLOB...: runs the first script matching a glob; SUMMARY lines become rows
extra() {
  local label="$1"; shift
  local script=""
  for g in "$@"; do
    for f in $g; do [ -f "$f" ] && { script="$f"; break 2; }; done
  done
  if [ -z "$script" ]; then
    row "$label" "-" "-" "-" "-" "not built"
    return
  fi
  local name; name=$(basename "$script" .sh)
  echo "run-all: $script ..." >&2
  if QUICK="$QUICK" bash "$script" > "$OUT/$name.txt" 2> "$OUT/$name.err"; then
    if grep -q '^SUMMARY ' "$OUT/$name.txt"; then
      while IFS='|' read -r l p x r t; do
        l="${l#SUMMARY }"
        local v="-"
        case "$t" in *'<='*|*'>='*) v=$(verdict "$(num "$r")" "$(grep -Eo '<=|>=' <<< "$t")" "$(num "$t")") ;; esac
        row "$(xargs <<< "$l")" "$(xargs <<< "$p")" "$(xargs <<< "$x")" "$(xargs <<< "$r")" "$(xargs <<< "$t")" "$v"
      done < <(grep '^SUMMARY ' "$OUT/$name.txt")
    else
      row "$label ($script)" "-" "-" "-" "-" "ran; see: $(grep . "$OUT/$name.txt" | tail -1 | cut -c1-60)"
    fi
  else
    row "$label ($script)" "-" "-" "-" "-" "FAILED: see $OUT/$name.err"
  fi
}
# Redis primer vs redis-cli --pipe (and a synchronous SET loop), parsed from its own output
if [ -f benchmarks/redis-prime-vs-pipe.sh ]; then
  if [ "$QUICK" = 1 ]; then R_ARGS=(100000 100); R_SYNC=10000; else R_ARGS=(1000000 100); R_SYNC=100000; fi
  echo "run-all: redis-prime-vs-pipe.sh ${R_ARGS[*]} (SYNC_KEYS=$R_SYNC) ..." >&2
  if SYNC_KEYS="$R_SYNC" OUT="$OUT/redis" benchmarks/redis-prime-vs-pipe.sh "${R_ARGS[@]}" \
      > "$OUT/redis.txt" 2> "$OUT/redis.err"; then
    kps() { awk -v m="$1" '$1 == m { for (i = 2; i <= NF; i++) if ($i ~ /^keys_per_s=/) { sub(/keys_per_s=/, "", $i); print $i } }' "$OUT/redis.txt" | head -1; }
    PIPE_R=$(kps pipe)
    for mode in primer primer-overwrite; do
      RP=$(awk -v m="$mode" '$1 == m && /redis-cli --pipe/ { sub(/x$/, "", $2); print $2 }' "$OUT/redis.txt")
      RS=$(awk -v m="$mode" '$1 == m && /sync loop/ { for (i = 1; i <= NF; i++) if ($i == "sync") { v = $(i - 1); sub(/x$/, "", v); print v } }' "$OUT/redis.txt")
      what=$([ "$mode" = primer ] && echo "defaults" || echo "overwrite")
      row "redis ${R_ARGS[0]} keys, $mode ($what) vs redis-cli --pipe" "$(kps "$mode")/s" "${PIPE_R}/s" "$RP" ">= 0.7" "$(verdict "$RP" ">=" 0.7)"
      row "  same vs a synchronous SET loop" "$(kps "$mode")/s" "$(kps sync)/s" "$RS" ">= 10" "$(verdict "$RS" ">=" 10)"
    done
  else
    row "redis primer vs redis-cli --pipe" "-" "-" "-" "-" "FAILED: see $OUT/redis.err"
  fi
else
  extra "redis primer vs redis-cli --pipe" 'benchmarks/redis*.sh'
fi
# by name: the glob spring*.sh also matches spring-first-pass-trace.sh, a diagnosis sorted first
extra "spring sample app first-request p99, with vs without Preheat" 'benchmarks/spring-first-request.sh'

# --- the table --------------------------------------------------------------------------------
LOAD=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")
CPU=$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //' || echo "?")
MEM=$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo 2>/dev/null || echo "?")
echo
echo "Preheat peer comparisons, $([ "$QUICK" = 1 ] && echo "QUICK (smoke) size" || echo "full size"), started $START, finished $(date -u '+%H:%M UTC')"
echo "machine: $(nproc) cores, $CPU, $MEM; load average at the end: $LOAD; $(java -version 2>&1 | head -1)"
echo "ratios are Preheat / peer: time ratios (lower is better) for hotset, throughput ratios (higher is better) for warm and redis"
echo "(redis: primer = defaults, per-key lock + freshness check; primer-overwrite = the same SETs as the pipe)"
printf '%s\n' "${ROWS[@]}" | awk -F'|' '
  { for (i = 1; i <= NF; i++) { c[NR, i] = $i; if (length($i) > w[i]) w[i] = length($i) } n = NR }
  END {
    split("comparison|preheat|peer|ratio|target|verdict", h, "|")
    for (i = 1; i <= 6; i++) if (length(h[i]) > w[i]) w[i] = length(h[i])
    line = ""; for (i = 1; i <= 6; i++) line = line sprintf("%-" w[i] "s  ", h[i]); sub(/ +$/, "", line); print line
    line = ""; for (i = 1; i <= 6; i++) { s = ""; for (k = 0; k < w[i]; k++) s = s "-"; line = line s "  " } sub(/ +$/, "", line); print line
    for (r = 1; r <= n; r++) { line = ""; for (i = 1; i <= 6; i++) line = line sprintf("%-" w[i] "s  ", c[r, i]); sub(/ +$/, "", line); print line }
  }'
echo "full outputs: $OUT"
