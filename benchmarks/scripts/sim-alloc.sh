#!/usr/bin/env bash
# Bytes the simulator allocates per event, from the collector's own log: runs `openvoip sim`
# twice (same seed, a SHORT and a LONG measured duration) with a GC log, adds up what each
# young collection found allocated since the previous one plus the heap in use at the end, and
# divides the difference between the runs by the difference in events, so that start-up and
# joining cancel out. Deterministic to within the log's 1 MB granularity (about 0.1 byte per
# event over 10 million events), unlike timings.
#
#   benchmarks/scripts/sim-alloc.sh JAR NODES SHORT LONG
#   e.g. benchmarks/scripts/sim-alloc.sh /tmp/ov.jar 300 60m 240m
#
# Needs python3.
set -euo pipefail
if (($# != 4)); then
  sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
jar=$1; nodes=$2; short=$3; long=$4
[[ -f "$jar" ]] || { echo "sim-alloc: no such jar: $jar" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

run() { # duration tag -> "events allocatedMiB"
  java -Xmx16g -XX:+UseParallelGC -XX:MaxNewSize=512m -Xlog:gc:file="$work/$2.log" \
      -jar "$jar" sim --overlay chord --nodes "$nodes" --seed 1 --duration "$1" --json \
      2>/dev/null | tail -n 1 > "$work/$2.json"
  python3 - "$work/$2.log" "$work/$2.json" <<'PY'
import json, re, sys
prev = total = 0
for line in open(sys.argv[1]):
    m = re.search(r"Pause Young.* (\d+)M->(\d+)M", line)
    if m:
        before, after = int(m.group(1)), int(m.group(2))
        total += before - prev
        prev = after
report = json.load(open(sys.argv[2]))
total += report["heapUsedBytes"] / 2**20 - prev
print(report["eventsExecuted"], total)
PY
}
echo "sim-alloc: $jar, $nodes nodes, $short and $long" >&2
read -r es ms < <(run "$short" a)
read -r el ml < <(run "$long" b)
python3 -c "import sys; es, ms, el, ml = map(float, sys.argv[1:]); \
print(f'{el - es:,.0f} events between the runs, {(ml - ms) * 2**20 / (el - es):,.0f} bytes allocated per event')" \
  "$es" "$ms" "$el" "$ml"
