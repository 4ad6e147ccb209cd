#!/usr/bin/env bash
# Side-by-side: Preheat (WarmBench, the library as `preheat warm` uses it) vs xargs+curl vs wrk,
# warming the same cold URLs through nginx proxy_cache (cache on tmpfs) in front of a fast
# nginx origin (small static files on tmpfs, ETag + Last-Modified, Cache-Control max-age=3600).
# Then: a second Preheat pass with the validators of the first (body bytes, outcome mix), and
# a rate hold (Preheat at --rate 200/s: achieved rate, most requests started in any 1 s).
# Loopback only; everything lives in a temp dir under /dev/shm that is removed at exit.
#
#   benchmarks/warm-vs-peers.sh [URLS]                        (default 40000)
#   env: RUNS=3               repetitions of the cold comparison (medians are reported)
#        CONCURRENCY="32 64"  Preheat concurrencies and wrk connection counts
#        RATE=200 RATE_URLS=2000
#        C1_OPTS="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"  JVM options of the extra "-c1" rows
#                             (a short-run JVM profile; set C1_OPTS= to skip those rows)
#        CLIENTS="apache okhttp"  the HTTP clients Preheat runs on (WarmBench --client), one set of
#                             rows "preheat-CLIENT-cN" each; the first is the headline, whose
#                             rows give the ratios, the second pass and the rate hold
#        BASELINE=1           also run "transport-CLIENT-c32" for the first client: the transport
#                             without the engine, to
#                             split Preheat's cost between engine and HTTP client
#        CLI=1                also run "cli-CLIENT-c32" (default 1): the real `preheat warm` a user
#                             runs, through the launcher samples/cli/preheat (its JVM options and
#                             CDS archive; JVM start, list reading, plan building, checkpoints and
#                             the report included), one variant (--variant 'Accept-Encoding: gzip',
#                             one request per URL as wrk sends), --rate unlimited; its ratios to wrk
#                             and xargs+curl are the headline
#        CLI_BEFORE=LAUNCHER  also run "cli-before-c32": the same CLI command through another build's
#                             launcher (e.g. a copy of main's samples/cli/preheat and its
#                             target/preheat.jar), right before cli-CLIENT-c32 in every run, so a
#                             change is measured before/after in one interleaved run
#        PIN=1                pin nginx to the first half of the cores and every client to the
#                             other half (taskset), so client CPU cost does not slow the cache
#        JFR=1                record a JFR profile of each Preheat run (kept in $OUT); JFR_SETTINGS
#                             names the .jfc (default: profile)
#        FLOORS=1             also run benchmarks/client-floor/ClientFloor.java: the bare floor of
#                             candidate HTTP clients (OkHttp synchronous, JDK HttpClient, Apache
#                             HttpClient 5 classic, async, MinimalHttpAsyncClient, httpcore5's
#                             HttpAsyncRequester, Netty) on the same URLs, without the engine;
#                             their jars are resolved by Maven into a throwaway classpath;
#                             FLOOR_MODES picks some (default: all seven)
#        OUT=benchmarks/work/warm   where logs, results and profiles are kept
#        JAVA_OPTS=...        extra JVM options for WarmBench
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-40000}"
RUNS="${RUNS:-3}"
CONCURRENCY="${CONCURRENCY:-32 64}"
RATE="${RATE:-200}"
C1_OPTS="${C1_OPTS--XX:TieredStopAtLevel=1 -XX:+UseSerialGC}"
BASELINE="${BASELINE:-1}"
CLI="${CLI:-1}"
CLIENTS="${CLIENTS:-apache okhttp}"
HEAD="${CLIENTS%% *}"
HP="preheat-$HEAD"
FLOORS="${FLOORS:-0}"
FLOOR_MODES="${FLOOR_MODES:-okhttp-sync jdk hc5-classic hc5-async hc5-minimal hc5-requester netty}"
RATE_URLS="${RATE_URLS:-2000}"
OUT="${OUT:-benchmarks/work/warm}"
TOOL_TIMEOUT=300  # seconds any one tool may run before it is killed and the script fails

die() { echo "warm-vs-peers: $*" >&2; exit 2; }
need() { command -v "$1" > /dev/null || die "missing $1 ($2)"; }
need nginx "apt-get install nginx-light"
need wrk "apt-get install wrk"
need curl "apt-get install curl"
need xargs "apt-get install findutils"
need java "install a JDK 17+"
need mvn "install Maven, or build benchmarks/target/benchmarks.jar yourself"
need timeout "apt-get install coreutils"
need ss "apt-get install iproute2"
[ -x /usr/bin/time ] || die "missing /usr/bin/time (apt-get install time)"
[[ "$N" =~ ^[0-9]+$ ]] && (( N >= 100 && N <= 200000 )) || die "URLS must be 100..200000 but was '$N'"
(( RATE_URLS <= N )) || die "RATE_URLS ($RATE_URLS) must be <= URLS ($N)"
SERVER_PIN=()
CLIENT_PIN=()
if [ "${PIN:-}" = 1 ]; then
  need taskset "apt-get install util-linux"
  CORES=$(nproc)
  (( CORES >= 2 )) || die "PIN=1 needs at least 2 cores"
  SERVER_PIN=(taskset -c "0-$(( CORES / 2 - 1 ))")
  CLIENT_PIN=(taskset -c "$(( CORES / 2 ))-$(( CORES - 1 ))")
fi
[ -d /dev/shm ] && [ -w /dev/shm ] || die "/dev/shm must be a writable tmpfs (the cache lives there)"

JAR=benchmarks/target/benchmarks.jar
if [ ! -f "$JAR" ]; then
  mvn -B -q -DskipTests package || die "build failed; run: mvn -B -DskipTests package"
fi
CLI_JAR=samples/cli/target/preheat.jar
if [ "$CLI" = 1 ] && [ ! -f "$CLI_JAR" ]; then
  mvn -B -q -DskipTests package -pl samples/cli -am \
    || die "build failed; run: mvn -B -DskipTests package -pl samples/cli -am"
fi
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
FLOOR_CP=""
if [ "$FLOORS" = 1 ]; then
  # A throwaway project only to let Maven resolve the candidates' jars (not part of the build).
  FLOOR_DIR="$OUT/client-floor"
  mkdir -p "$FLOOR_DIR/classes"
  cat > "$FLOOR_DIR/pom.xml" <<'POM'
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>dev.preheat.bench</groupId><artifactId>client-floor</artifactId><version>0</version>
  <dependencies>
    <dependency><groupId>org.apache.httpcomponents.client5</groupId>
      <artifactId>httpclient5</artifactId><version>5.5.1</version></dependency>
    <dependency><groupId>io.netty</groupId>
      <artifactId>netty-codec-http</artifactId><version>4.2.7.Final</version></dependency>
  </dependencies>
</project>
POM
  (cd "$FLOOR_DIR" && mvn -B -q dependency:build-classpath -Dmdep.outputFile=cp.txt > /dev/null) \
    || die "cannot resolve the client-floor jars (run once with network access to Maven Central)"
  FLOOR_CP="$(pwd)/$JAR:$(cat "$FLOOR_DIR/cp.txt")"
  javac -nowarn -d "$FLOOR_DIR/classes" -cp "$FLOOR_CP" benchmarks/client-floor/ClientFloor.java \
    2> "$FLOOR_DIR/javac.log" || { cat "$FLOOR_DIR/javac.log" >&2; die "ClientFloor did not compile"; }
  FLOOR_CP="$FLOOR_DIR/classes:$FLOOR_CP"
fi

W="$(mktemp -d /dev/shm/preheat-warm.XXXXXX)"
ORIGIN_PID=""
CACHE_PID=""
stop_pid() {  # stop_pid PID: graceful stop, then force after 5 s
  local pid="$1"
  [ -n "$pid" ] && kill -0 "$pid" 2> /dev/null || return 0
  kill -QUIT "$pid" 2> /dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2> /dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2> /dev/null || true
  wait "$pid" 2> /dev/null || true
}
cleanup() {
  stop_pid "$CACHE_PID"
  stop_pid "$ORIGIN_PID"
  rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  local p
  for _ in $(seq 100); do
    p=$(( 20000 + RANDOM % 40000 ))
    ss -Hltn "sport = :$p" | grep -q . || { echo "$p"; return; }
  done
  die "no free loopback port found"
}
ORIGIN_PORT=$(free_port)
CACHE_PORT=$(free_port)
[ "$ORIGIN_PORT" != "$CACHE_PORT" ] || CACHE_PORT=$(free_port)
USER_LINE=""
[ "$(id -u)" = 0 ] && USER_LINE="user root;"

# --- origin content: N files of 1..8 KiB in 100 directories, same bytes every run ----------
echo "generating $N origin files under $W/files ..." >&2
mkdir -p "$W/files" "$W/origin" "$W/cache"
mawk -v n="$N" -v dir="$W/files" -v base="http://127.0.0.1:$CACHE_PORT" \
     -v urls="$W/urls.txt" -v paths="$W/paths.txt" 'BEGIN {
  srand(42)
  blob = ""
  while (length(blob) < 8192) blob = blob "<p>preheat warm benchmark filler text 0123456789</p>\n"
  for (d = 0; d < 100; d++) dirs = dirs " " dir "/d" d
  system("mkdir -p" dirs)
  for (i = 0; i < n; i++) {
    p = "/d" (i % 100) "/page-" i ".html"
    size = 1024 + int(rand() * 7169)
    f = dir p
    printf "%s", substr(blob, 1, size) > f
    close(f)
    print base p > urls
    print p > paths
  }
}'
head -n "$RATE_URLS" "$W/urls.txt" > "$W/urls-rate.txt"

cat > "$W/origin/nginx.conf" <<EOF
$USER_LINE
worker_processes 1;
pid $W/origin/nginx.pid;
error_log $W/origin/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  client_body_temp_path $W/origin/tmp;
  proxy_temp_path $W/origin/tmp;
  fastcgi_temp_path $W/origin/tmp;
  uwsgi_temp_path $W/origin/tmp;
  scgi_temp_path $W/origin/tmp;
  default_type text/html;
  server {
    listen 127.0.0.1:$ORIGIN_PORT;
    root $W/files;
    add_header Cache-Control "max-age=3600";
  }
}
EOF

cat > "$W/cache/nginx.conf" <<EOF
$USER_LINE
worker_processes 2;
pid $W/cache/nginx.pid;
error_log $W/cache/error.log warn;
events { worker_connections 8192; }
http {
  log_format bench '\$msec \$request_time \$status \$upstream_cache_status \$body_bytes_sent \$request_uri';
  access_log $W/cache/access.log bench;
  keepalive_requests 1000000;
  client_body_temp_path $W/cache/tmp;
  proxy_temp_path $W/cache/tmp;
  fastcgi_temp_path $W/cache/tmp;
  uwsgi_temp_path $W/cache/tmp;
  scgi_temp_path $W/cache/tmp;
  proxy_cache_path $W/cache/store levels=1:2 keys_zone=warm:64m max_size=4g inactive=2h use_temp_path=off;
  upstream origin {
    server 127.0.0.1:$ORIGIN_PORT;
    keepalive 128;
    keepalive_requests 1000000;
  }
  server {
    listen 127.0.0.1:$CACHE_PORT;
    # wrk pads with this once a thread has sent its share; answered here, never cached or proxied
    location = /__done { access_log off; return 204; }
    location / {
      proxy_pass http://origin;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_cache warm;
      proxy_cache_revalidate on;
      add_header X-Cache-Status \$upstream_cache_status always;
    }
  }
}
EOF

start_nginx() {  # start_nginx DIR PORT -> prints the master pid
  mkdir -p "$1/tmp"
  "${SERVER_PIN[@]}" nginx -p "$1" -e "$1/error.log" -c "$1/nginx.conf" -g 'daemon off;' > "$1/stdout.log" 2>&1 &
  local pid=$!
  for _ in $(seq 100); do
    if curl -s -o /dev/null "http://127.0.0.1:$2/__done"; then echo "$pid"; return; fi
    kill -0 "$pid" 2> /dev/null || { cat "$1/error.log" "$1/stdout.log" >&2; die "nginx in $1 did not start"; }
    sleep 0.05
  done
  die "nginx in $1 did not answer on port $2 within 5 s"
}
cold_cache() {  # stops the cache, empties it, starts it again
  stop_pid "$CACHE_PID"
  rm -rf "$W/cache/store" "$W/cache/access.log"
  CACHE_PID=$(start_nginx "$W/cache" "$CACHE_PORT")
}
take_log() {  # take_log NAME: moves the cache access log to $OUT/NAME.log and reopens it
  mv "$W/cache/access.log" "$OUT/$1.log"
  kill -USR1 "$CACHE_PID"
  for _ in $(seq 40); do [ -f "$W/cache/access.log" ] && break; sleep 0.05; done
}
# log_stats FILE -> "lines span_s first_start bytes statuses cachestatuses", over warm requests
log_stats() {
  mawk '{
    n++; s = $1 - $2; if (n == 1 || s < lo) lo = s; if ($1 > hi) hi = $1
    st[$3]++; cs[$4]++; bytes += $5
  } END {
    for (k in st) sts = sts (sts == "" ? "" : ",") k ":" st[k]
    for (k in cs) css = css (css == "" ? "" : ",") k ":" cs[k]
    printf "%d %.4f %.4f %d %s %s\n", n, (n ? hi - lo : 0), lo, bytes, sts, css
  }' "$1"
}
# max_window FILE [SKIP]: most request starts (msec - request_time) in any 1 s window; with
# SKIP=1 only windows starting 1 s or more after the first start (past the initial burst)
max_window() {
  mawk '{ printf "%.4f\n", $1 - $2 }' "$1" | sort -n | mawk -v skip="${2:-0}" '
    NR == 1 { first = $1 }
    skip && $1 < first + 1.0 { next }
    { t[++n] = $1; while (t[n] - t[lo + 1] >= 1.0) lo++; if (n - lo > best) best = n - lo }
    END { print best + 0 }'
}
# server_cpu: user+sys seconds of every nginx process (cache and origin) still alive, in ticks
server_ticks() {
  local pids t=0 p
  pids="$CACHE_PID $ORIGIN_PID $(pgrep -P "$CACHE_PID" 2> /dev/null | tr '\n' ' ')"
  pids="$pids $(pgrep -P "$ORIGIN_PID" 2> /dev/null | tr '\n' ' ')"
  for p in $pids; do
    [ -r "/proc/$p/stat" ] || continue
    t=$(( t + $(sed 's/.*) //' "/proc/$p/stat" | mawk '{ print $12 + $13 }') ))
  done
  echo "$t"
}
# timed CMD...: runs CMD under /usr/bin/time; sets LAST_WALL and LAST_CPU (user + sys seconds
# of CMD and its children); returns CMD's status
timed() {
  local rc=0 before
  before=$(server_ticks)
  /usr/bin/time -f "%e %U %S" -o "$W/time.out" timeout "$TOOL_TIMEOUT" "${CLIENT_PIN[@]}" "$@" \
    || rc=$?
  read -r LAST_WALL u s < <(tail -1 "$W/time.out")
  LAST_CPU=$(mawk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')
  LAST_SERVER_CPU=$(mawk -v a="$before" -v b="$(server_ticks)" -v hz="$(getconf CLK_TCK)" \
    'BEGIN { printf "%.2f", (b - a) / hz }')
  return $rc
}
field() { tr ' ' '\n' <<< "$1" | sed -n "s/^$2=//p"; }

ORIGIN_PID=$(start_nginx "$W/origin" "$ORIGIN_PORT")
cat > "$W/share.lua" <<'EOF'
-- Each wrk thread requests its share of the path list exactly once (line i goes to thread
-- i % threads). Extra requests go to /__done, answered by the cache itself and not logged. When
-- every thread has received its share, the last one interrupts wrk, so it reports real time.
-- wrk calls request() once in thread 0 before any connection exists, to check for pipelining;
-- that call gets /__done so no URL of the share is lost.
local counter = 0
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end
function init(args)
  nthreads = tonumber(args[2])
  donefile = args[3]
  share = {}
  local i = 0
  for line in io.lines(args[1]) do
    if i % nthreads == id then share[#share + 1] = line end
    i = i + 1
  end
  sent, received, finished = 0, 0, false
  probe = (id == 0)
end
function request()
  if probe then
    probe = false
    return wrk.format("GET", "/__done")
  end
  sent = sent + 1
  if sent <= #share then return wrk.format("GET", share[sent]) end
  return wrk.format("GET", "/__done")
end
function response(status, headers, body)
  if status ~= 204 then received = received + 1 end
  if not finished and received >= #share then
    finished = true
    -- system() ignores SIGINT in wrk until the command returns, hence the delayed kill
    os.execute("echo >> '" .. donefile .. "'; [ $(wc -l < '" .. donefile .. "') -ge "
      .. nthreads .. " ] && { sleep 0.02; kill -INT $PPID; } > /dev/null 2>&1 &")
    wrk.thread:stop()
  end
end
EOF

declare -A SAMPLES WALLS CPUS SERVER_CPUS
# record NAME LOGNAME: appends log-span, wall and CPU samples, checks every URL was a cold MISS
record() {
  local name="$1" log="$OUT/$2.log" wall="$LAST_WALL" stats
  stats=$(log_stats "$log")
  read -r lines span _ bytes sts css <<< "$stats"
  echo "  $name: $lines requests in ${span}s (log span), wall ${wall}s, client CPU ${LAST_CPU}s," \
    "nginx CPU ${LAST_SERVER_CPU}s," \
    "status $sts, cache $css" >&2
  (( lines == N )) || echo "  WARNING: $name: expected $N requests in the log, found $lines" >&2
  [[ "$css" == "MISS:$N" ]] || echo "  WARNING: $name: not every request was a cold MISS ($css)" >&2
  SAMPLES[$name]+="$span "
  WALLS[$name]+="$wall "
  CPUS[$name]+="$LAST_CPU "
  SERVER_CPUS[$name]+="$LAST_SERVER_CPU "
}
median() { tr ' ' '\n' <<< "$1" | grep . | sort -g | mawk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

run_preheat() {  # run_preheat NAME LOGNAME ARGS...   (env EXTRA_OPTS: more JVM options)
  local name="$1" log="$2"; shift 2
  local jfr=()
  [ -n "${JFR:-}" ] && jfr=("-XX:StartFlightRecording=filename=$OUT/$log.jfr,settings=${JFR_SETTINGS:-profile}")
  # shellcheck disable=SC2086  # the options variables are lists of options
  timed java ${JAVA_OPTS:-} ${EXTRA_OPTS:-} "${jfr[@]}" -cp "$JAR" dev.preheat.benchmarks.WarmBench "$@" \
      > "$OUT/$log.out" 2> "$OUT/$log.err" \
    || { cat "$OUT/$log.out" "$OUT/$log.err" >&2; echo "  WARNING: $name exited non-zero" >&2; }
  take_log "$log"
  LAST_RESULT=$(grep '^RESULT' "$OUT/$log.out" || true)
  [ -n "$LAST_RESULT" ] || die "$name printed no RESULT line; see $OUT/$log.out and $log.err"
}

if [ "$CLI" = 1 ]; then
  # The launcher builds its class-data sharing archive once per jar build (a few seconds); do it
  # now, so no timed run pays it.
  samples/cli/preheat --version > /dev/null || die "samples/cli/preheat does not run"
fi
CLI_BEFORE="${CLI_BEFORE:-}"
if [ -n "$CLI_BEFORE" ]; then
  [ -x "$CLI_BEFORE" ] || die "CLI_BEFORE=$CLI_BEFORE is not an executable launcher"
  "$CLI_BEFORE" --version > /dev/null || die "$CLI_BEFORE does not run"
fi
run_cli() {  # run_cli NAME LOGNAME ARGS...: `preheat warm` through the launcher (env LAUNCHER)
  local name="$1" log="$2"; shift 2
  timed "${LAUNCHER:-samples/cli/preheat}" warm "$@" > "$OUT/$log.out" 2> "$OUT/$log.err" \
    || { cat "$OUT/$log.out" "$OUT/$log.err" >&2; echo "  WARNING: $name exited non-zero" >&2; }
  take_log "$log"
}

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
echo "cold comparison: $N URLs, $RUNS runs, origin :$ORIGIN_PORT, cache :$CACHE_PORT" >&2
for run in $(seq "$RUNS"); do
  echo "run $run/$RUNS" >&2
  for client in $CLIENTS; do
    for c in $CONCURRENCY; do
      cold_cache
      run_preheat "preheat-$client-c$c" "preheat-$client-c$c-r$run" --urls "$W/urls.txt" \
        --concurrency "$c" --client "$client"
      record "preheat-$client-c$c" "preheat-$client-c$c-r$run"
      if [ -n "$C1_OPTS" ]; then
        cold_cache
        EXTRA_OPTS="$C1_OPTS" run_preheat "preheat-$client-c$c-c1" \
          "preheat-$client-c$c-c1-r$run" --urls "$W/urls.txt" --concurrency "$c" --client "$client"
        record "preheat-$client-c$c-c1" "preheat-$client-c$c-c1-r$run"
      fi
    done
  done
  if [ -n "$CLI_BEFORE" ]; then
    cold_cache
    LAUNCHER="$CLI_BEFORE" run_cli "cli-before-c32" "cli-before-c32-r$run" --urls "$W/urls.txt" \
      --base-url "http://127.0.0.1:$CACHE_PORT" --variant 'Accept-Encoding: gzip' \
      --rate unlimited --concurrency 32 --http-client "$HEAD"
    record "cli-before-c32" "cli-before-c32-r$run"
  fi
  if [ "$CLI" = 1 ]; then
    cold_cache
    run_cli "cli-$HEAD-c32" "cli-$HEAD-c32-r$run" --urls "$W/urls.txt" \
      --base-url "http://127.0.0.1:$CACHE_PORT" --variant 'Accept-Encoding: gzip' \
      --rate unlimited --concurrency 32 --http-client "$HEAD"
    record "cli-$HEAD-c32" "cli-$HEAD-c32-r$run"
  fi
  if [ "$BASELINE" = 1 ]; then
    cold_cache
    run_preheat "transport-$HEAD-c32" "transport-$HEAD-c32-r$run" --urls "$W/urls.txt" \
      --concurrency 32 --mode transport --client "$HEAD"
    record "transport-$HEAD-c32" "transport-$HEAD-c32-r$run"
  fi

  if [ "$FLOORS" = 1 ]; then
    for mode in $FLOOR_MODES; do
      cold_cache
      # shellcheck disable=SC2086  # the options variable is a list of options
      timed java ${JAVA_OPTS:-} $C1_OPTS -cp "$FLOOR_CP" ClientFloor "$mode" 32 "$W/urls.txt" \
          > "$OUT/floor-$mode-r$run.out" 2>&1 \
        || { tail -5 "$OUT/floor-$mode-r$run.out" >&2; echo "  WARNING: floor $mode failed" >&2; }
      take_log "floor-$mode-r$run"
      record "floor-$mode" "floor-$mode-r$run"
    done
  fi

  cold_cache
  timed xargs -P 32 -n 100 curl -s -o /dev/null < "$W/urls.txt" > /dev/null \
    || die "xargs+curl failed"
  take_log "xargs-curl-r$run"
  record "xargs+curl" "xargs-curl-r$run"

  for c in $CONCURRENCY; do
    cold_cache
    rm -f "$W/wrk.done"
    timed wrk -t 2 -c "$c" -d 120s -s "$W/share.lua" \
        "http://127.0.0.1:$CACHE_PORT" -- "$W/paths.txt" 2 "$W/wrk.done" > "$OUT/wrk-c$c-r$run.out" \
      || die "wrk failed; see $OUT/wrk-c$c-r$run.out"
    take_log "wrk-c$c-r$run"
    record "wrk-c$c" "wrk-c$c-r$run"
  done
done

# --- second pass: same validators file against the now warm cache ---------------------------
BEST_C=""; BEST_RATE=0
for c in $CONCURRENCY; do
  r=$(mawk -v n="$N" -v s="$(median "${SAMPLES[$HP-c$c]}")" 'BEGIN { printf "%.1f", n / s }')
  if mawk -v a="$r" -v b="$BEST_RATE" 'BEGIN { exit !(a > b) }'; then BEST_C=$c; BEST_RATE=$r; fi
done
echo "second pass (concurrency $BEST_C, validators file)" >&2
rm -f "$W/validators.json"
cold_cache
run_preheat pass1 pass1 --urls "$W/urls.txt" --concurrency "$BEST_C" --validators "$W/validators.json" \
  --client "$HEAD"
P1="$LAST_RESULT"; P1_WALL="$LAST_WALL"
run_preheat pass2 pass2 --urls "$W/urls.txt" --concurrency "$BEST_C" --validators "$W/validators.json" \
  --client "$HEAD"
P2="$LAST_RESULT"
read -r P2_LINES _ _ P2_LOG_BYTES _ P2_CS <<< "$(log_stats "$OUT/pass2.log")"

# --- rate hold ------------------------------------------------------------------------------
echo "rate hold: $RATE_URLS URLs at $RATE/s" >&2
cold_cache
run_preheat rate rate --urls "$W/urls-rate.txt" --concurrency 32 --rate "$RATE/s" --client "$HEAD"
RR="$LAST_RESULT"
read -r R_LINES R_SPAN _ _ _ _ <<< "$(log_stats "$OUT/rate.log")"
R_WINDOW=$(max_window "$OUT/rate.log")
R_WINDOW_STEADY=$(max_window "$OUT/rate.log" 1)
BURST=$(mawk -v r="$RATE" 'BEGIN { b = r / 10; print (b == int(b) ? b : int(b) + 1) }')

# --- report ---------------------------------------------------------------------------------
rate_of() { mawk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }'; }
ratio() { mawk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
BEST_WRK_C=""; BEST_WRK=0
for c in $CONCURRENCY; do
  r=$(rate_of "$N" "$(median "${SAMPLES[wrk-c$c]}")")
  (( r > BEST_WRK )) && { BEST_WRK=$r; BEST_WRK_C=$c; }
done
PREHEAT=$(rate_of "$N" "$(median "${SAMPLES[$HP-c$BEST_C]}")")
XARGS=$(rate_of "$N" "$(median "${SAMPLES[xargs+curl]}")")
PREHEAT_WALL=$(rate_of "$N" "$(median "${WALLS[$HP-c$BEST_C]}")")
BEST_C1=0
if [ -n "$C1_OPTS" ]; then
  for c in $CONCURRENCY; do
    r=$(rate_of "$N" "$(median "${SAMPLES[$HP-c$c-c1]}")")
    (( r > BEST_C1 )) && BEST_C1=$r
  done
fi
XARGS_WALL=$(rate_of "$N" "$(median "${WALLS[xargs+curl]}")")

echo
echo "warm $N cold URLs through nginx proxy_cache (tmpfs) <- nginx origin (tmpfs), loopback"
echo "$(date -u '+%F %H:%M UTC'), $(nproc) cores, $(nginx -v 2>&1 | sed 's/.*: //'), $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)," \
  "$(curl --version | head -1 | cut -d' ' -f1-2), $(java -version 2>&1 | head -1), Preheat $(field "$P1" version)"
[ "${PIN:-}" = 1 ] && echo "pinned: nginx on cores ${SERVER_PIN[2]}, clients on cores ${CLIENT_PIN[2]}"
echo "load average (1/5/15 min) at start: $LOAD_START, at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "median of $RUNS runs, tools interleaved; seconds = first request start to last response end in nginx's log;"
[ -n "$C1_OPTS" ] && echo "rows -c1 run the JVM with '$C1_OPTS'"
echo "wall = the tool's process (JVM start, list reading included for Preheat); cpu = the tool's"
echo "user+sys CPU seconds (children included)$([ "${PIN:-}" = 1 ] || echo "; unpinned, the client competes with nginx for CPU");"
echo "nginx_us = user+sys CPU of nginx (cache + origin) per URL during the tool's run"
[ "$FLOORS" = 1 ] && echo "rows floor-* = benchmarks/client-floor/ClientFloor.java: a bare HTTP client, no engine, JVM options '$C1_OPTS'"
printf '%-24s %7s %9s %9s %9s %8s %9s %9s %10s\n' tool URLs seconds URLs/s wall_s cpu_s "us/URL" nginx_us "preheat/x"
for t in $(for cl in $CLIENTS; do for c in $CONCURRENCY; do echo "preheat-$cl-c$c"; [ -n "$C1_OPTS" ] && echo "preheat-$cl-c$c-c1"; done; done) \
         $([ -n "$CLI_BEFORE" ] && echo "cli-before-c32") $([ "$CLI" = 1 ] && echo "cli-$HEAD-c32") \
         $([ "$BASELINE" = 1 ] && echo "transport-$HEAD-c32") \
         $([ "$FLOORS" = 1 ] && for m in $FLOOR_MODES; do echo "floor-$m"; done) xargs+curl \
         $(for c in $CONCURRENCY; do echo "wrk-c$c"; done); do
  s=$(median "${SAMPLES[$t]}"); w=$(median "${WALLS[$t]}"); cpu=$(median "${CPUS[$t]}")
  srv=$(median "${SERVER_CPUS[$t]}")
  printf '%-24s %7d %9.3f %9d %9.2f %8.2f %9.0f %9.0f %10s\n' "$t" "$N" "$s" "$(rate_of "$N" "$s")" "$w" \
    "$cpu" "$(mawk -v c="$cpu" -v n="$N" 'BEGIN { print 1e6 * c / n }')" \
    "$(mawk -v c="$srv" -v n="$N" 'BEGIN { print 1e6 * c / n }')" \
    "$(ratio "$PREHEAT" "$(rate_of "$N" "$s")")"
done
echo "samples (log span s): $(for t in "${!SAMPLES[@]}"; do printf '%s=[%s] ' "$t" "${SAMPLES[$t]% }"; done)"
echo
if [ "$CLI" = 1 ]; then
  CLI_RATE=$(rate_of "$N" "$(median "${SAMPLES[cli-$HEAD-c32]}")")
  echo "HEADLINE: preheat warm (the CLI through samples/cli/preheat, concurrency 32) / wrk (best, -c $BEST_WRK_C):" \
    "$(ratio "$CLI_RATE" "$BEST_WRK") (target >= 0.80); / xargs+curl: $(ratio "$CLI_RATE" "$XARGS") (target >= 1.20)"
fi
echo "Preheat on $HEAD (best, concurrency $BEST_C) / wrk (best, -c $BEST_WRK_C): $(ratio "$PREHEAT" "$BEST_WRK") (target >= 0.80)"
echo "Preheat / xargs+curl: $(ratio "$PREHEAT" "$XARGS") (target >= 1.20); on wall time: $(ratio "$PREHEAT_WALL" "$XARGS_WALL")"
if [ -n "$C1_OPTS" ]; then
  echo "with JVM options '$C1_OPTS' (rows -c1, best): Preheat / wrk $(ratio "$BEST_C1" "$BEST_WRK")," \
    "Preheat / xargs+curl $(ratio "$BEST_C1" "$XARGS")"
fi
[ "$CLI" = 1 ] && echo "cli-$HEAD-c32 = \`samples/cli/preheat warm --variant 'Accept-Encoding: gzip' --rate unlimited --concurrency 32\` (launcher JVM options, default checkpoints)"
[ "$BASELINE" = 1 ] && echo "transport-$HEAD-c32 = the same requests through the $HEAD transport alone (no engine)"
echo
B1=$(field "$P1" body_bytes); B2=$(field "$P2" body_bytes)
echo "second pass ($HEAD, validators file, warm cache, concurrency $BEST_C):"
echo "  pass 1: $(field "$P1" urls_per_s) URLs/s in-process (wall ${P1_WALL}s), body bytes $B1," \
  "WARMED $(field "$P1" WARMED), FAILED $(field "$P1" FAILED)"
echo "  pass 2: $(field "$P2" urls_per_s) URLs/s, body bytes $B2 = $(mawk -v a="$B2" -v b="$B1" 'BEGIN { printf "%.3f%%", (b > 0 ? 100 * a / b : 0) }') of pass 1 (target <= 2%)," \
  "conditional requests $(field "$P2" conditional)/$(field "$P2" requests)"
echo "  pass 2 outcomes: REVALIDATED $(field "$P2" REVALIDATED), ALREADY_CACHED $(field "$P2" ALREADY_CACHED)," \
  "WARMED $(field "$P2" WARMED), FAILED $(field "$P2" FAILED); nginx: $P2_LINES requests, cache $P2_CS, $P2_LOG_BYTES body bytes sent"
echo
ACH=$(mawk -v n="$R_LINES" -v s="$R_SPAN" 'BEGIN { printf "%.1f", (s > 0 ? (n - 1) / s : 0) }')
echo "rate hold ($HEAD, --rate $RATE/s, $RATE_URLS URLs, burst $BURST by default):"
echo "  achieved $ACH/s over nginx's log (first start to last end), $(field "$RR" urls_per_s)/s in-process" \
  "= $(mawk -v a="$ACH" -v r="$RATE" 'BEGIN { printf "%+.1f%%", 100 * (a - r) / r }') (target within +-5%)"
echo "  most starts in any 1 s: $R_WINDOW at nginx, $(field "$RR" max_starts_1s) at the listener" \
  "(limit $RATE + burst $BURST = $(( RATE + BURST )));" \
  "windows starting after the first second: $R_WINDOW_STEADY at nginx (limit $RATE + $BURST)"
echo "logs and outputs: $OUT"
