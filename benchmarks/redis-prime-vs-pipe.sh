#!/usr/bin/env bash
# The Redis primer vs redis-cli --pipe vs a synchronous SET loop, on the same data: N keys
# bench:0..N-1 with V-byte values, into an empty redis-server started here on a free loopback
# port (no persistence, data dir on /dev/shm). Prints keys/s of each and the ratios.
#
#   benchmarks/redis-prime-vs-pipe.sh [N] [V]          (default 1000000 keys, 100 bytes)
#   env: SYNC_KEYS=100000   keys of the synchronous loop (it is slow; keys/s is what counts)
#        OUT=benchmarks/work/redis   where the RESP file and logs are kept
#        JAR=benchmarks/target/benchmarks.jar   the build to time (to compare two builds)
#        WARM_RUNS=1         the primer rows run prime() this many times untimed first (FLUSHALL
#                             after each), so the timed run is a JVM that has primed before
#                             (default 0: a fresh JVM, start-up and JIT included)
#        LOADER=generate     the primer's loader builds each value when asked (default: values
#                             are built before the clock starts, as the pipe's file is)
#        JAVA_OPTS="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"  JVM options of every Java row, the
#                             sync loop included: the samples/cli/preheat launcher's short-run
#                             profile; JAVA_OPTS= for the JVM's defaults (C2). Compare runs made
#                             with the same options: C2 slows the short sync loop more than the
#                             primer, which flatters the "vs sync" ratio.
#
# Rows: pipe = redis-cli --pipe of "SET k v EX 3600" (timed around the process);
#   primer-overwrite = RedisPrimer without lock or freshness check (the same commands as the pipe);
#   primer-nolock = with the PTTL freshness check (one instance);
#   primer = the defaults: per-key claims (a claim set per batch) and freshness check (many instances);
#   (per batch the primer sends one Lua script call, by digest, for the claims (its lean form,
#   without the keys, as no other run is live) and a plain EXISTS of the keys; the writes are
#   plain PSETEXes between CLIENT REPLY OFF and ON, then INFO stats; the release is DEL + ZREM)
#   sync = one synchronous SET ... EX per key (Lettuce sync API).
# Primer rows are timed inside the JVM around prime(), after start-up; they also print the
# client's CPU per key (process CPU time over the timed part).
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-1000000}"
V="${2:-100}"
SYNC_KEYS="${SYNC_KEYS:-100000}"
OUT="${OUT:-benchmarks/work/redis}"
read -r -a JOPTS <<< "${JAVA_OPTS--XX:TieredStopAtLevel=1 -XX:+UseSerialGC}"
die() { echo "redis-prime-vs-pipe: $*" >&2; exit 2; }
command -v redis-server > /dev/null || die "missing redis-server (apt-get install redis-server)"
command -v redis-cli > /dev/null || die "missing redis-cli (apt-get install redis-tools)"
command -v java > /dev/null || die "missing java (a JDK 17+)"
command -v python3 > /dev/null || die "missing python3 (to pick a free port)"
[[ "$N" =~ ^[0-9]+$ ]] && (( N >= 1000 && N <= 20000000 )) || die "N must be 1000..20000000"
JAR="${JAR:-benchmarks/target/benchmarks.jar}"
[ -f "$JAR" ] || die "build first: mvn -B -o -pl benchmarks -am package -DskipTests"
mkdir -p "$OUT"
DATA=$(mktemp -d /dev/shm/preheat-redis-bench.XXXXXX)
PORT=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
redis-server --port "$PORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$DATA" \
  --daemonize yes --pidfile "$DATA/redis.pid" --logfile "$DATA/redis.log"
cleanup() {
  if [ -f "$DATA/redis.pid" ]; then kill "$(cat "$DATA/redis.pid")" 2> /dev/null || true; fi
  sleep 0.2; rm -rf "$DATA"
}
trap cleanup EXIT
for _ in $(seq 50); do redis-cli -p "$PORT" ping > /dev/null 2>&1 && break; sleep 0.1; done
URI="redis://127.0.0.1:$PORT"
RESP="$DATA/data.resp"
java -cp "$JAR" dev.preheat.benchmarks.RedisPrimeBench "$RESP" "$N" "$V" resp
echo "redis $(redis-server --version | awk '{print $3}'), $N keys x $V bytes, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), JAVA_OPTS=${JOPTS[*]:-none}"

redis-cli -p "$PORT" flushall > /dev/null
t0=$(date +%s.%N)
redis-cli -p "$PORT" --pipe < "$RESP" > "$OUT/pipe.log"
t1=$(date +%s.%N)
[ "$(redis-cli -p "$PORT" dbsize)" = "$N" ] || die "redis-cli --pipe did not write $N keys"
PIPE=$(awk -v n="$N" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", n / (b - a) }')
printf '%-17s keys=%d seconds=%.3f keys_per_s=%d\n' pipe "$N" \
  "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" "$PIPE"

declare -A RATE
for mode in primer-overwrite primer-nolock primer; do
  redis-cli -p "$PORT" flushall > /dev/null
  line=$(java "${JOPTS[@]}" -cp "$JAR" dev.preheat.benchmarks.RedisPrimeBench "$URI" "$N" "$V" "$mode" 2> "$OUT/$mode.err")
  echo "$line"
  [ "$(redis-cli -p "$PORT" dbsize)" = "$N" ] || die "$mode did not write $N keys"
  RATE[$mode]=$(sed -n 's/.*keys_per_s=\([0-9]*\).*/\1/p' <<< "$line")
done
redis-cli -p "$PORT" flushall > /dev/null
line=$(java "${JOPTS[@]}" -cp "$JAR" dev.preheat.benchmarks.RedisPrimeBench "$URI" "$SYNC_KEYS" "$V" sync 2> "$OUT/sync.err")
echo "$line"
SYNC=$(sed -n 's/.*keys_per_s=\([0-9]*\).*/\1/p' <<< "$line")

echo
for mode in primer-overwrite primer-nolock primer; do
  awk -v m="$mode" -v p="${RATE[$mode]}" -v pipe="$PIPE" -v sync="$SYNC" 'BEGIN {
    printf "%-17s %.2fx redis-cli --pipe (target >= 0.7)   %.1fx sync loop (target >= 10)\n",
      m, p / pipe, p / sync }'
done
