#!/usr/bin/env bash
# Instructions per simulator event, by Java method: deterministic, unlike wall-clock rates on a
# shared machine. Runs `openvoip sim` twice under valgrind's callgrind (same seed, two measured
# durations) and divides the difference in instructions by the difference in events, so JVM
# start-up, class loading and most compilation cancel out. The JIT's code is named through the
# perf map the JVM writes at exit.
#
#   benchmarks/scripts/sim-instructions.sh JAR NODES [SHORT LONG] [TOP]
#   e.g. benchmarks/scripts/sim-instructions.sh openvoip-cli/target/openvoip.jar 2000 2m 4m 40
#
# Needs valgrind and python3 (Debian: apt-get install valgrind python3). At 2,000 nodes the two
# runs take about 35 minutes side by side. The JVM under valgrind now and then dies of a SIGSEGV
# in compiled code (never outside it); the script then says so, and another try works.
set -euo pipefail
jar=${1:?jar}; nodes=${2:?nodes}; short=${3:-2m}; long=${4:-4m}; top=${5:-40}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

run() { # duration tag
  if ! valgrind --tool=callgrind --dump-instr=yes --smc-check=all-non-file \
      --callgrind-out-file="$work/$2.out" \
      java -Xbatch -XX:+UseSerialGC -XX:CICompilerCount=2 -Xms2g -Xmx2g -XX:-UsePerfData \
      -XX:+UnlockDiagnosticVMOptions -XX:+DumpPerfMapAtExit -XX:ErrorFile="$work/hs_err_%p.log" \
      -jar "$jar" sim --overlay chord --nodes "$nodes" --seed 1 --duration "$1" \
      > "$work/$2.txt" 2> "$work/$2.err"; then
    echo "the ${1} run failed; the end of its output:" >&2
    tail -n 30 "$work/$2.err" >&2
    return 1
  fi
  local pid
  pid=$(grep -m1 '^pid:' "$work/$2.out" | awk '{print $2}')
  mv "/tmp/perf-$pid.map" "$work/$2.map"
}
echo "running ${short} and ${long} at ${nodes} nodes under callgrind..." >&2
run "$short" a & first=$!
run "$long" b & second=$!
ok=0
wait "$first" || ok=1
wait "$second" || ok=1
[ "$ok" = 0 ] || exit 1

python3 - "$work" "$top" <<'PY'
import bisect, collections, re, sys
work, top = sys.argv[1], int(sys.argv[2])

def costs(tag):
    """Instructions per function: JIT code named by the perf map, native code by its symbol."""
    spans = []
    for line in open(f"{work}/{tag}.map"):
        addr, size, name = line.rstrip("\n").split(" ", 2)
        spans.append((int(addr, 16), int(size, 16), name))
    spans.sort()
    starts = [s[0] for s in spans]
    def jit_name(a):
        i = bisect.bisect_right(starts, a) - 1
        return spans[i][2] if i >= 0 and a < spans[i][0] + spans[i][1] else "unnamed JIT code"
    names = {"ob": {}, "fn": {}}
    def name(kind, tok):
        m = re.match(r"\((\d+)\)(?: (.*))?", tok)
        if m.group(2) is not None:
            names[kind][m.group(1)] = m.group(2)
        return names[kind].get(m.group(1))
    out = collections.Counter()
    ob = fn = None
    last = 0
    skip = False
    for line in open(f"{work}/{tag}.out"):
        if line.startswith("ob="): ob = name("ob", line[3:].strip()); continue
        if line.startswith("fn="): fn = name("fn", line[3:].strip()); continue
        if line.startswith("cob="): name("ob", line[4:].strip()); continue
        if line.startswith("cfn="): name("fn", line[4:].strip()); continue
        if line.startswith("calls="): skip = True; continue
        if not line or line[0] not in "0123456789+-*": continue
        parts = line.split()
        a = parts[0]
        addr = (int(a, 16) if a.startswith("0x") else last + int(a[1:]) if a[0] == "+"
                else last - int(a[1:]) if a[0] == "-" else last if a == "*" else int(a))
        last = addr
        if skip: skip = False; continue
        if len(parts) < 3: continue
        native = ob not in (None, "???") and not ob.endswith("???")
        key = f"{ob.split('/')[-1]}:{fn}" if native else jit_name(addr)
        out[key] += int(parts[2])
    events = int(re.search(r"events\s+(\d+)", open(f"{work}/{tag}.txt").read()).group(1))
    return events, out

ea, a = costs("a")
eb, b = costs("b")
n = eb - ea
per = {k: (b[k] - a[k]) / n for k in set(a) | set(b)}
compiler = re.compile(r"libjvm\.so:.*(Phase|Compile|Node|Matcher|Parse|Type|Chaitin|IndexSet|"
                      r"Arena|Dict|Block|RegMask|LinearScan|LIR|ci[A-Z]|Loop|GVN|Graph)")
groups = collections.Counter()
for k, v in per.items():
    if compiler.search(k): groups["JIT compiler (on another core when not under valgrind)"] += v
    elif k.startswith("libjvm.so:"): groups["JVM runtime and garbage collector"] += v
    elif ".so" in k.split(":")[0]: groups["native libraries"] += v
    elif k == "Interpreter": groups["interpreter"] += v
    elif "Stub" in k or "vtable" in k or "itable" in k or "adapter" in k: groups["JVM stubs"] += v
    else: groups["compiled Java"] += v
print(f"{n} events between the two runs; instructions per event:")
for k, v in groups.most_common():
    print(f"{v:8.0f}  {k}")
print(f"{sum(v for k, v in groups.items() if not k.startswith('JIT')):8.0f}  all but the compiler")
print("\nby method (compiled Java, self, inlined callees included):")
java = [(v, k) for k, v in per.items() if not k.split(":")[0].endswith((".so", ".so.6", ".so.2"))
        and ".so" not in k.split(" ")[0]]
for v, k in sorted(java, reverse=True)[:top]:
    print(f"{v:8.0f}  {k[:150]}")
print("\nby function (native libraries and the JVM runtime, the compiler left out):")
native = [(v, k) for k, v in per.items() if ".so" in k.split(":")[0] and not compiler.search(k)]
for v, k in sorted(native, reverse=True)[:top // 2]:
    print(f"{v:8.0f}  {k[:150]}")
PY
