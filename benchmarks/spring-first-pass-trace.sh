#!/usr/bin/env bash
# Diagnosis for spring-first-request.sh (issue 6): what the JVM does around the first pass after
# readiness. One app start the way that script starts it (readiness polled every 0.1 s, then the
# same curl pass: liveness + the hot paths on one keep-alive connection, repeated), with JVM
# logging, and a timeline per pass that aligns the requests with class loading, JIT compile
# tasks, deoptimizations, GC pauses and safepoints.
#
#   benchmarks/spring-first-pass-trace.sh [passes, default 3] [outdir, default a temp dir]
#   JAR=/path/to/spring-boot-app.jar benchmarks/spring-first-pass-trace.sh
#   SLOW_MS=0.8 (what counts as a slow request); PERF=0: without perf's sched_switch trace
#
# Time base: JVM uptime in ms. Unified logging is decorated with timenanos (CLOCK_MONOTONIC on
# Linux) and uptime; one (wall clock, monotonic) pair maps the probes' times to uptime, and
# curl's --trace-time send times (see trace_starts in the .py); -w time_total gives each request's duration;
# LogCompilation gives compile task start/end and uncommon traps in uptime; thread ids are named
# from a jcmd Thread.print taken before the app stops. Timing is perturbed a little (curl writes
# a trace, the JVM logs), so this tells what happens, not how fast.
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=${JAR:-samples/spring-boot-app/target/spring-boot-app.jar}
CLI=${CLI:-samples/cli/target/preheat.jar}
LOG=samples/spring-boot-app/src/main/resources/access.log.gz
PASSES=${1:-3}
out=${2:-$(mktemp -d)}
mkdir -p "$out"
JAVA_OPTS=${JAVA_OPTS:--Xmx512m}
app_pid=
cleanup() { [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null; wait 2>/dev/null || true; }
trap cleanup EXIT

[ -s "$out/paths" ] || java -jar "$CLI" hotset --log "$LOG" --coverage 0.8 --output urls > "$out/paths"
# the clock pair (CLOCK_REALTIME, CLOCK_MONOTONIC) that maps the probes' wall clock to the
# JVM's timenanos decorator (os::javaTimeNanos, CLOCK_MONOTONIC on Linux) and perf's clock
python3 -c 'import time; print(time.time_ns(), time.monotonic_ns())' > "$out/clocks"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
java $JAVA_OPTS \
  -Xlog:class+load=info,gc=info,safepoint=info:file="$out/jvm.log":timenanos,uptimenanos,tid,tags \
  -XX:+UnlockDiagnosticVMOptions -XX:+LogCompilation -XX:LogFile="$out/compilation.xml" \
  -jar "$JAR" --server.port="$port" --management.endpoint.health.group.readiness.include=readinessState \
  "$@" > "$out/app.log" 2>&1 &
app_pid=$!
: > "$out/probes"
perf_pid=
for _ in $(seq 1 1200); do
  code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/actuator/health/readiness" || true)
  echo "$(date +%s%N) $code" >> "$out/probes"
  if [ "$code" = 503 ] && [ -z "$perf_pid" ] && [ "${PERF:-1}" = 1 ] && command -v perf > /dev/null; then
    # from the port's opening (warming under way): every context switch on every CPU, in
    # CLOCK_MONOTONIC, so the readiness flip and the passes are all in it
    perf record -q -a -k CLOCK_MONOTONIC -e sched:sched_switch -o "$out/sched.data" 2> "$out/perf.err" &
    perf_pid=$!
  fi
  [ "$code" = 200 ] && break
  kill -0 "$app_pid" 2>/dev/null || { echo "app died; see $out/app.log" >&2; exit 1; }
  sleep 0.1
done
urls=()
while read -r p; do urls+=(-o /dev/null "http://127.0.0.1:$port$p"); done < "$out/paths"
for i in $(seq 1 "$PASSES"); do
  curl -s --trace-ascii "$out/trace-$i" --trace-time -w '%{time_total}\n' -o /dev/null \
    "http://127.0.0.1:$port/actuator/health/liveness" "${urls[@]}" > "$out/times-$i"
done
if [ -n "$perf_pid" ]; then
  kill -INT "$perf_pid"; wait "$perf_pid" 2>/dev/null || true
  # only from 2 s before the passes: the warming before them is long
  perf script -i "$out/sched.data" -F comm,tid,cpu,time,trace \
    --time "$(awk -v w="$(tail -1 "$out/probes" | cut -d' ' -f1)" '{printf "%.6f", (w - $1 + $2) / 1e9 - 2}' "$out/clocks")," \
    > "$out/sched.txt" 2>/dev/null || true
fi
jcmd "$app_pid" Thread.print > "$out/threads.txt" 2>/dev/null || true
kill "$app_pid"; wait "$app_pid" 2>/dev/null || true; app_pid=
python3 "$(dirname "$0")/spring-first-pass-trace.py" "$out" "$PASSES" "${SLOW_MS:-0.8}" | tee "$out/timeline.txt"
echo "files: $out"
