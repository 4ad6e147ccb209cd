#!/usr/bin/env bash
# redis-server-cost/run.sh N BS VARIANT...  (GEN=Gen: set psetex evalset evalshaset evalshapsetex evalshapsetexlocal evalshanoop;
#   GEN=Gen5: pipe ow cur sx curc sxc (the primer's claim check, read from Scripts.java);
#   GEN=Gen2: ow-cur ow-psetex ow-lcg ow-setlocal nl-cur nl-local nl-exists lk-cur lk-new lk-getdel lk-getdel2)
# server cost of each RESP variant through redis-cli --pipe (fresh flushall each)
set -euo pipefail
N=$1; BS=$2; shift 2
REPO=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p /tmp/redis-server-cost; cd "$(dirname "$0")"; javac -d /tmp/redis-server-cost Gen*.java; cd /tmp/redis-server-cost
DATA=$(mktemp -d /dev/shm/rp2s.XXXXXX)
PORT=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
redis-server --port "$PORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$DATA" --daemonize yes --pidfile "$DATA/redis.pid" --logfile "$DATA/redis.log"
trap 'kill $(cat $DATA/redis.pid) 2>/dev/null; sleep 0.2; rm -rf $DATA' EXIT
for _ in $(seq 50); do redis-cli -p "$PORT" ping > /dev/null 2>&1 && break; sleep 0.1; done
RPID=$(cat $DATA/redis.pid); TCK=$(getconf CLK_TCK)
cpu() { awk '{print $14+$15}' /proc/$1/stat; }
for v in "$@"; do
  f=/dev/shm/rp2g-${GEN:-Gen}-$v-$N-$BS.resp
  if [ ! -f $f ]; then java -Dscripts="$REPO/redis/src/main/java/dev/preheat/redis/internal/Scripts.java" -cp . ${GEN:-Gen} $f $N $BS $v 2> $f.script; fi
  while read -r _ sc; do redis-cli -p $PORT script load "$sc" > /dev/null; done < $f.script
  redis-cli -p $PORT flushall >/dev/null; redis-cli -p $PORT config resetstat >/dev/null
  r0=$(cpu $RPID); t0=$(date +%s.%N)
  redis-cli -p $PORT --pipe < $f > /tmp/redis-server-cost/pipe.out
  t1=$(date +%s.%N); r1=$(cpu $RPID)
  grep -q "errors: 0" /tmp/redis-server-cost/pipe.out || { echo "ERR $v"; cat /tmp/redis-server-cost/pipe.out | tail -3; }
  stats=$(redis-cli -p $PORT info commandstats | grep -E 'cmdstat_' | sed 's/,rejected.*//;s/cmdstat_//;s/usec=[0-9]*,//' | tr -d '\r' | tr '\n' ' ')
  printf "%-20s wall_us_per_key=%.2f redis_cpu_us_per_key=%.2f db=%s load=%s | %s\n" $v $(awk -v a=$t0 -v b=$t1 -v n=$N 'BEGIN{print (b-a)*1e6/n}') $(awk -v a=$r0 -v b=$r1 -v n=$N -v t=$TCK 'BEGIN{print (b-a)/t*1e6/n}') $(redis-cli -p $PORT dbsize) $(cut -d' ' -f1 /proc/loadavg) "$stats"
done
