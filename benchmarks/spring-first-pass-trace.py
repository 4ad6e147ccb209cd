#!/usr/bin/env python3
"""Timeline for spring-first-pass-trace.sh: aligns curl requests with the JVM's logs (uptime ms).

usage: spring-first-pass-trace.py OUTDIR PASSES SLOW_MS
"""
import datetime
import re
import statistics
import sys

out, passes, slow_ms = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])

# --- thread names (OS tid -> name) from jcmd Thread.print
names = {}
try:
    for line in open(out + "/threads.txt"):
        m = re.match(r'^"([^"]+)".*nid=(0x[0-9a-f]+)', line)
        if m:
            names[int(m.group(2), 16)] = m.group(1)
except FileNotFoundError:
    pass


def tname(tid):
    return names.get(tid, "tid %d" % tid)


# --- unified logging: [timenanos][uptimenanos][tid][tags] message
rx = re.compile(r"^\[(\d+)ns\]\[(\d+)ns\]\[(\d+)\]\[([^\]]+)\]\s*(.*)$")
events = []  # (start_ms, end_ms, kind, text)
offsets = []
classes = []
for line in open(out + "/jvm.log", errors="replace"):
    m = rx.match(line)
    if not m:
        continue
    wall, up, tid, tags, msg = int(m.group(1)), int(m.group(2)), int(m.group(3)), m.group(4).strip(), m.group(5)
    offsets.append(wall - up)
    t = up / 1e6
    if tags == "class,load":
        classes.append((t, tid, msg.split()[0], msg))
    elif tags == "gc":
        g = re.search(r"(Pause \S+.*?) (\d+\.\d+)ms$", msg)
        if g:
            events.append((t - float(g.group(2)), t, "GC", msg))
    elif tags == "safepoint":
        g = re.search(r'Safepoint "([^"]+)".*Reaching safepoint: (\d+) ns.*Total: (\d+) ns', msg)
        if g and int(g.group(3)) >= 200_000:
            events.append((t - int(g.group(3)) / 1e6, t, "safepoint", "%s %.2f ms (reaching %.2f)" % (
                g.group(1), int(g.group(3)) / 1e6, int(g.group(2)) / 1e6)))
    elif tags.startswith("deoptimization"):
        events.append((t, t, "deopt", "[%s] %s" % (tname(tid), msg[:200])))
offset_ns = statistics.median(offsets)  # monotonic - uptime
real, mono = (int(x) for x in open(out + "/clocks").read().split())


def wall_to_up(wall_ns):
    return (wall_ns - (real - mono) - offset_ns) / 1e6


# --- compile tasks from LogCompilation (start/end stamps in uptime seconds)
compiles = []
try:
    text = open(out + "/compilation.xml", errors="replace").read()
    queued = {}
    for q in re.finditer(r"<task_queued compile_id='(\d+)'[^>]*? stamp='([\d.]+)'", text):
        queued[q.group(1)] = float(q.group(2)) * 1000
    for blk in re.finditer(r"<compilation_log thread='(\d+)'>(.*?)</compilation_log>", text, re.S):
        tid = int(blk.group(1))
        for task in re.finditer(r"<task (.*?)>.*?<task_done (.*?)/>", blk.group(2), re.S):
            a = dict(re.findall(r"(\w+)='([^']*)'", task.group(1)))
            d = dict(re.findall(r"(\w+)='([^']*)'", task.group(2)))
            if "stamp" in a and "stamp" in d:
                compiles.append((float(a["stamp"]) * 1000, float(d["stamp"]) * 1000, tname(tid),
                                 a.get("level", "4" if "C2" in tname(tid) else "?"), a.get("method", "?"),
                                 a.get("count", "?"), a.get("osr_bci"), queued.get(a.get("compile_id"))))
    for ut in re.finditer(r"<uncommon_trap ([^>]*?)/?>", text):
        a = dict(re.findall(r"(\w+)='([^']*)'", ut.group(1)))
        if "stamp" in a and "thread" in a and "reason" in a:
            t = float(a["stamp"]) * 1000
            events.append((t, t, "trap", "[%s] %s %s %s" % (tname(int(a["thread"])), a.get("reason"),
                                                            a.get("action"), a.get("method", a.get("compile_id", "")))))
except FileNotFoundError:
    pass

# --- perf sched_switch (CLOCK_MONOTONIC seconds): per CPU, who ran when
runs = []  # (start_ms, end_ms, cpu, tid, name)
preempt = []  # (t_ms, cpu, tid, name, by)
try:
    rs = re.compile(r"\[(\d+)\]\s+([\d.]+):\s+prev_comm=(.*?) prev_pid=(\d+) prev_prio=\d+ "
                    r"prev_state=(\S+) ==> next_comm=(.*?) next_pid=(\d+)")
    last = {}
    for line in open(out + "/sched.txt", errors="replace"):
        m = rs.search(line)
        if not m:
            continue
        cpu, t = int(m.group(1)), (float(m.group(2)) * 1e9 - offset_ns) / 1e6
        ptid, ntid = int(m.group(4)), int(m.group(7))
        pname = names.get(ptid, m.group(3)) if ptid else "idle"
        if cpu in last:
            runs.append((last[cpu][0], t, cpu, ptid, pname))
        last[cpu] = (t, ntid)
        if m.group(5).startswith("R") and ptid and (not preempt or preempt[-1][:3] != (t, cpu, ptid)):
            preempt.append((t, cpu, ptid, pname, names.get(ntid, m.group(6))))
except FileNotFoundError:
    pass


def cpu_use(a, b):
    use = {}
    for s_, e, cpu, tid, name in runs:
        if e > a and s_ < b and tid:
            key = re.sub(r"-\d+$", "", name) if name.startswith("http-nio") else name
            use[key] = use.get(key, 0) + min(e, b) - max(s_, a)
    return ", ".join("%s %.2f" % kv for kv in sorted(use.items(), key=lambda kv: -kv[1])[:8])


# --- readiness and the passes
probes = [l.split() for l in open(out + "/probes")]
ready_wall = next(int(w) for w, c in probes if c == "200")
ready_up = wall_to_up(ready_wall)
app = open(out + "/app.log", errors="replace").read()
m = re.search(r"JVM uptime (\d+) ms", app)
readylog = float(m.group(1)) if m else None
warm = re.search(r"Preheat startup round.*", app)
print("readiness 200 seen by the probe at uptime %.1f ms (ReadyLog at %s ms); previous probe %s" % (
    ready_up, readylog, "%.1f ms" % wall_to_up(int(probes[-2][0])) if len(probes) > 1 else "-"))
paths = ["/actuator/health/liveness"] + [l.strip() for l in open(out + "/paths")]
day = datetime.datetime.fromtimestamp(ready_wall / 1e9).date()


def trace_starts(path, after_up):
    """Send times (uptime ms) of a curl trace. curl's --trace-time is its monotonic clock plus an
    epoch offset taken from time(NULL), whole seconds: the clock of day it prints can be up to 1 s
    off, but its fraction of a second is the monotonic clock's. So each trace is placed at the
    first instant after `after_up` (the clock pair, or the previous pass's end) with that fraction."""
    raw = []
    for line in open(path, errors="replace"):
        m = re.match(r"^(\d\d):(\d\d):(\d\d)\.(\d{6}) => Send header", line)
        if m:
            raw.append(((int(m.group(1)) * 60 + int(m.group(2))) * 60 + int(m.group(3))) * 1_000_000
                       + int(m.group(4)))
    if not raw:
        return []
    after_mono_us = (after_up * 1e6 + offset_ns) / 1e3
    first_mono_us = after_mono_us + (raw[0] - after_mono_us) % 1_000_000
    return [(first_mono_us + (r - raw[0])) * 1e3 / 1e6 - offset_ns / 1e6 for r in raw]


def overlapping(a, b):
    ev = [e for e in events if e[1] >= a and e[0] <= b]
    cp = [c for c in compiles if c[1] >= a and c[0] <= b]
    cl = [c for c in classes if a <= c[0] <= b]
    return ev, cp, cl


def show(a, b, indent="  ", limit=40, sched=True):
    ev, cp, cl = overlapping(a, b)
    if runs and sched:
        print("%s%9.1f cpu ms   %s" % (indent, a, cpu_use(a, b)))
        for t, cpu, tid, name, by in preempt:
            if a <= t <= b and (name.startswith("http-nio") or name == "curl"):
                print("%s%9.1f preempt  %s on cpu %d by %s" % (indent, t, name, cpu, by))
    for s, e, kind, text in sorted(ev):
        print("%s%9.1f %-9s %s" % (indent, s, kind, text))
    for s, e, th, lvl, meth, cnt, osr, q in sorted(cp)[:limit]:
        print("%s%9.1f compile  %6.1f ms %s L%s %s count=%s%s%s" % (
            indent, s, e - s, th, lvl, re.sub(r" \(.*", "", meth), cnt, " osr" if osr else "",
            "" if q is None else " (queued at %.0f)" % q))
    if len(cp) > limit:
        print("%s          ... %d more compile tasks" % (indent, len(cp) - limit))
    if cl:
        by = {}
        for t, tid, n, msg in cl:
            by.setdefault(tname(tid), []).append((t, n))
        for th, lst in by.items():
            print("%s%9.1f classes  %d loaded by %s: %s" % (indent, lst[0][0], len(lst), th,
                                                         ", ".join(n for _, n in lst[:12]) + (" ..." if len(lst) > 12 else "")))


prev_end = ready_up  # the passes start after the readiness 200
print("\nbetween the readiness 200 and pass 1:")
starts1 = trace_starts(out + "/trace-1", prev_end)
show(ready_up - 50, starts1[0])
for i in range(1, passes + 1):
    starts = trace_starts(out + "/trace-%d" % i, prev_end)
    times = [float(x) * 1000 for x in open(out + "/times-%d" % i)]
    n = min(len(starts), len(times))
    lat = times[1:n]
    s = sorted(lat)
    p99 = s[min(len(s) - 1, int(len(s) * 0.99 + 0.999) - 1)]
    a, b = starts[0], starts[n - 1] + times[n - 1]
    cp = [c for c in compiles if c[1] >= a and c[0] <= b]
    busy = sum(min(e, b) - max(s_, a) for s_, e, *_ in cp)
    c2 = sum(min(e, b) - max(s_, a) for s_, e, th, *_ in cp if "C2" in th)
    ev, _, cl = overlapping(a, b)
    slow = [(k, starts[k], times[k]) for k in range(1, n) if times[k] > slow_ms]
    print("\npass %d: uptime %.1f-%.1f ms (%.0f ms after readiness), liveness %.2f ms, p99 %.2f ms, max %.2f, "
          "slow (> %.1f ms) %d; compile tasks %d (%.0f ms, C2 %.0f ms), classes loaded %d, GC pauses %d" % (
              i, a, b, a - ready_up, times[0], p99, s[-1], slow_ms, len(slow), len(cp), busy, c2, len(cl),
              sum(1 for e in ev if e[2] == "GC")))
    print("  liveness request (%.1f-%.1f):" % (starts[0], starts[0] + times[0]))
    show(starts[0] - 0.5, starts[0] + times[0], "    ")
    for k, t0, ms in slow:
        print("  slow #%d %s at %.1f: %.2f ms" % (k, paths[k] if k < len(paths) else "?", t0, ms))
        show(t0 - 1, t0 + ms, "    ", limit=8)
    if i == 1:
        print("  whole pass 1:")
        show(a, b, "    ", limit=60)
    elif runs:
        print("  cpu ms over the pass: %s" % cpu_use(a, b))
    prev_end = b
