#!/usr/bin/env bash
# First request per hot path right after readiness, with and without Preheat, against the
# sample Spring Boot app (samples/spring-boot-app), plus steady-state latency and the adapter's
# startup overhead when there is nothing to warm. Measured, never asserted.
#
#   mvn -B -q -DskipTests package   # builds samples/spring-boot-app and samples/cli
#   benchmarks/spring-first-request.sh [startup-runs, default 3]
#   ONLY_STARTUP=1 benchmarks/spring-first-request.sh   # only the startup overhead
#
# Hot paths: `preheat hotset` on the app's bundled access log (the same selection the app's
# Preheat uses: 80% of demand). Latencies are curl's time_total per URL over one keep-alive
# connection, on loopback.
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=samples/spring-boot-app/target/spring-boot-app.jar
CLI=samples/cli/target/preheat.jar
LOG=samples/spring-boot-app/src/main/resources/access.log.gz
RUNS=${1:-3}
JAVA_OPTS=${JAVA_OPTS:--Xmx512m}
[ -f "$JAR" ] && [ -f "$CLI" ] || { echo "build first: mvn -B -q -DskipTests package" >&2; exit 2; }

work=$(mktemp -d)
app_pid=
cleanup() { [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

java -jar "$CLI" hotset --log "$LOG" --coverage 0.8 --output urls > "$work/paths"
echo "hot paths: $(wc -l < "$work/paths") (80% of the log's demand)"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# start_app NAME ARGS...: starts the app, waits for readiness, sets app_pid and port
start_app() {
  local name=$1; shift
  port=$(free_port)
  java $JAVA_OPTS -jar "$JAR" --server.port="$port" "$@" > "$work/$name.log" 2>&1 &
  app_pid=$!
  for _ in $(seq 1 1200); do
    code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/actuator/health/readiness" || true)
    [ "$code" = 200 ] && return 0
    kill -0 "$app_pid" 2>/dev/null || { echo "app $name died; see its log:" >&2; tail -20 "$work/$name.log" >&2; exit 1; }
    sleep 0.1
  done
  echo "app $name not ready after 120 s" >&2; exit 1
}

stop_app() { kill "$app_pid"; wait "$app_pid" 2>/dev/null || true; app_pid=; }

# pass FILE: one request per hot path, time_total in ms, one per line
pass() {
  local urls=()
  while read -r p; do urls+=(-o /dev/null "http://127.0.0.1:$port$p"); done < "$work/paths"
  curl -s -w '%{time_total}\n' "${urls[@]}" | awk '{printf "%.3f\n", $1*1000}' > "$1"
}

# stats FILE: p50 p99 max
stats() { sort -n "$1" | awk '{a[NR]=$1} END {i=int(NR*0.99+0.999); if(i>NR)i=NR; printf "%.1f %.1f %.1f", a[int(NR*0.5+0.999)], a[i], a[NR]}'; }

for mode in off on; do
  [ -n "${ONLY_STARTUP:-}" ] && break
  enabled=$([ $mode = on ] && echo true || echo false)
  start_app "first-$mode" --preheat.enabled=$enabled \
    --management.endpoint.health.group.readiness.include=readinessState
  pass "$work/first-$mode"
  for i in 1 2 3; do pass "$work/steady-$mode-$i"; done
  cat "$work"/steady-$mode-* > "$work/steady-$mode"
  grep -A3 "Preheat startup round" "$work/first-$mode.log" | head -3 | sed 's/^.*StartupWarmers *: //' || true
  stop_app
done

if [ -z "${ONLY_STARTUP:-}" ]; then
read -r off50 off99 offmax <<< "$(stats "$work/first-off")"
read -r on50 on99 onmax <<< "$(stats "$work/first-on")"
read -r st50 st99 stmax <<< "$(stats "$work/steady-on")"
echo
echo "first request per hot path after readiness (ms):"
printf "  %-22s p50 %7s  p99 %7s  max %7s\n" "Preheat off" "$off50" "$off99" "$offmax"
printf "  %-22s p50 %7s  p99 %7s  max %7s\n" "Preheat on" "$on50" "$on99" "$onmax"
printf "  %-22s p50 %7s  p99 %7s  max %7s\n" "steady state (on)" "$st50" "$st99" "$stmax"
echo "  slowest first requests with Preheat on: $(paste "$work/first-on" "$work/paths" | sort -rn | head -3 | awk '{printf "%s %.1f ms; ", $2, $1}')"
awk -v a="$off99" -v b="$on99" -v s="$st99" 'BEGIN {
  printf "  first-request p99 reduced by %.1f%% (target >= 95%%)\n", (a-b)/a*100
  printf "  first-request p99 / steady-state p99 = %.2fx (target <= 1.2x)\n", b/s }'
fi

# Startup overhead with nothing to warm. (1) In process: with Spring's BufferingApplicationStartup,
# the time spent instantiating Preheat's beans (top-level steps only) plus the startup round; this
# is not drowned by machine noise. (2) Wall: JVM start to ApplicationReadyEvent, adapter on vs off,
# alternating runs, medians (noisy on a loaded machine).
echo
echo "startup overhead, nothing to warm ($RUNS runs each):"
for i in $(seq 1 "$RUNS"); do
  for mode in off on; do
    enabled=$([ $mode = on ] && echo true || echo false)
    JAVA_OPTS="$JAVA_OPTS -Dstartup.trace=true" start_app "start-$mode-$i" \
      --preheat.enabled=$enabled --preheat.self.enabled=false --preheat.hotset.logs= \
      --management.endpoint.health.group.readiness.include=readinessState \
      --management.endpoints.web.exposure.include=health,startup
    sed -n 's/.*JVM uptime \([0-9]*\) ms.*/\1/p' "$work/start-$mode-$i.log" >> "$work/start-$mode"
    if [ $mode = on ]; then
      curl -s "http://127.0.0.1:$port/actuator/startup" > "$work/startup-$i.json"
      beans=$(python3 - "$work/startup-$i.json" <<'PY'
import json, sys, re
events = json.load(open(sys.argv[1]))["timeline"]["events"]
def secs(d):
    m = re.match(r"PT(?:(\d+)M)?([\d.]+)S", d)
    return (int(m.group(1) or 0) * 60 + float(m.group(2))) if m else 0.0
steps = {e["startupStep"]["id"]: e for e in events}
def preheat(e):
    s = e["startupStep"]
    return s["name"] == "spring.beans.instantiate" and any(
        t["key"] == "beanName" and "preheat" in t["value"].lower() for t in s.get("tags", []))
children = {}
for e in events:
    children.setdefault(e["startupStep"].get("parentId"), []).append(e)
# exclusive time of Preheat's steps: a dependency created on their behalf (a MeterRegistry, the
# CacheManager) is its own step and is not Preheat's cost
total = 0.0
for e in events:
    if preheat(e):
        total += secs(e["duration"]) - sum(secs(c["duration"])
                                           for c in children.get(e["startupStep"]["id"], []))
print(round(total * 1000, 1))
PY
)
      round=$(sed -n 's/.*Preheat startup round [a-z]* in \([0-9]*\) ms.*/\1/p' "$work/start-$mode-$i.log" | head -1)
      echo "$beans ${round:-0}" >> "$work/inproc"
    fi
    stop_app
  done
done
med() { sort -n "$1" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
awk '{print $1 + $2}' "$work/inproc" > "$work/inproc-total"
printf "  in process: Preheat bean creation + startup round: median %s ms  (per run: %s)\n" \
  "$(med "$work/inproc-total")" "$(tr '\n' ' ' < "$work/inproc-total")"
printf "  wall, JVM start to ready: adapter off median %s ms (%s), on median %s ms (%s)\n" \
  "$(med "$work/start-off")" "$(tr '\n' ' ' < "$work/start-off")" \
  "$(med "$work/start-on")" "$(tr '\n' ' ' < "$work/start-on")"
echo "  target: the adapter adds < 50 ms; load average now: $(cut -d' ' -f1 /proc/loadavg) on $(nproc) cores"
