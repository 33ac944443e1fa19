#!/usr/bin/env bash
# Steady-state simulator speed of one or more jars, compared on the same machine at the same time.
# Each round runs every jar twice (a SHORT and a LONG measured duration, same seed) in turn, so
# that a change in the machine's speed during the runs hits every jar alike; the steady-state rate
# of a round is (events of LONG - events of SHORT) / (wall of LONG - wall of SHORT), which cancels
# JVM start-up, compilation and the joining phase. Prints every round and each jar's median, and
# checks that each jar's fingerprints agree with the first jar's (a speed change must not change
# the run).
#
#   benchmarks/scripts/sim-rate.sh NODES SHORT LONG ROUNDS RUN [RUN ...]
#   e.g. benchmarks/scripts/sim-rate.sh 2000 10m 30m 3 /tmp/before.jar /tmp/after.jar
#
# A RUN is a jar, run by the java on the PATH, or 'JAVA [OPTIONS]::JAR' to choose the JVM and
# add options, e.g. '/usr/lib/jvm/temurin-25-jdk-amd64/bin/java -XX:+UseCompactObjectHeaders::/tmp/ov.jar'.
#
# Needs python3. Copy the jars out of target/ first: a rebuild under a running JVM breaks it.
set -euo pipefail
if (($# < 5)); then
  sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
nodes=$1; short=$2; long=$3; rounds=$4; shift 4
jars=("$@")
for j in "${jars[@]}"; do
  [[ -f "${j##*::}" ]] || { echo "sim-rate: no such jar: ${j##*::}" >&2; exit 2; }
done
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || { echo "sim-rate: ROUNDS must be a positive number" >&2; exit 2; }

run() { # run duration -> "events wallMillis fingerprint"
  local jvm=(java) jar=$1
  if [[ "$1" == *::* ]]; then
    read -r -a jvm <<< "${1%%::*}"
    jar=${1##*::}
  fi
  "${jvm[@]}" -Xmx16g -XX:+UseParallelGC -XX:MaxNewSize=512m -jar "$jar" sim --overlay chord \
      --nodes "$nodes" --seed 1 --duration "$2" --json 2>/dev/null | tail -n 1 \
    | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["eventsExecuted"], d["wallMillis"], d["fingerprint"])'
}

results=$(mktemp)
trap 'rm -f "$results"' EXIT
for ((r = 1; r <= rounds; r++)); do
  for i in "${!jars[@]}"; do
    j=${jars[$i]}
    echo "round $r/$rounds: $j ($nodes nodes, $short and $long)" >&2
    read -r es ws fs < <(run "$j" "$short")
    read -r el wl fl < <(run "$j" "$long")
    echo "$i $r $es $ws $fs $el $wl $fl" >> "$results"
  done
done

python3 - "$results" "${jars[@]}" <<'PY'
import statistics, sys
path, jars = sys.argv[1], sys.argv[2:]
rows = [line.split() for line in open(path)]
first = {}
bad = False
for jar, r, es, ws, fs, el, wl, fl in rows:
    if jar == "0":
        first.setdefault("short", fs)
        first.setdefault("long", fl)
for index, jar in enumerate(jars):
    rates = []
    for j, r, es, ws, fs, el, wl, fl in rows:
        if j != str(index):
            continue
        if (fs, fl) != (first["short"], first["long"]):
            print(f"{jar}: fingerprints {fs} {fl} differ from {jars[0]}'s "
                  f"{first['short']} {first['long']}")
            bad = True
        dt = (int(wl) - int(ws)) / 1000
        rate = (int(el) - int(es)) / dt if dt > 0 else float("nan")
        rates.append(rate)
        print(f"{jar} round {r}: {int(el) - int(es):,} events in {dt:.2f} s = {rate:,.0f} events/s"
              f" (whole {int(el) * 1000 / int(wl):,.0f} events/s)")
    print(f"{jar}: median steady-state {statistics.median(rates):,.0f} events/s over {len(rates)} rounds")
sys.exit(1 if bad else 0)
PY
