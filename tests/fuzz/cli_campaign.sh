#!/usr/bin/env bash
# Issue #15's promise checked at the level of the real command line: runs the
# `tinyforge` commands a user runs in CI on many (mutated, hostile) models and
# reports every run that breaks it.
#
#   tests/fuzz/cli_campaign.sh [--binary PATH] [--limit N] [--jobs N] [--timeout SECS]
#                              [--work DIR] [--seed N] [--commands LIST] MODEL_DIR_OR_FILE...
#   tests/fuzz/cli_campaign.sh --summarize --work DIR   # the tables of a campaign so far (or stopped)
#
# Every regular file under the given folders (e.g. a model fuzzer corpus, whose
# files have no extension) is a model. They are first copied into --work
# (a snapshot: a live fuzzer corpus keeps changing); --limit N samples N of
# them (seeded by --seed). For each model the commands of --commands (default
# all: inspect inspect-json rewrite emit run run-ref quantize bench compare)
# run, each under `timeout` (--timeout, default 20 s), in a fresh empty
# output folder, on one thread; run, bench and compare get one sample per
# model input (.npy of the input's type and shape from `inspect --json`,
# seeded values). A run is a finding when:
#   - its exit code is not 0, 1 or 2 (3 = a tinyforge bug, 124 = timeout,
#     >128 = a signal, e.g. 134 = a sanitizer's abort);
#   - stderr holds a sanitizer report (AddressSanitizer, LeakSanitizer,
#     "runtime error:");
#   - exit 2 and stderr is not exactly one line without control characters
#     naming an input file (the model or a data file) ("warned": the line is
#     right but "warning: " lines come before it);
#   - exit != 0 and the output folder is not empty (all outputs or none, no
#     leftover temporary), or exit 0 and an output is missing;
#   - an input (model, data) changed or a file appeared next to them.
# Each finding is kept as findings/<command>-<kind>-<model>/ (model.tflite,
# the data, command.txt, stderr.txt). The summary prints runs and exit codes
# per command and the findings grouped by command, kind and first stderr line.
# Exit 0: no finding; 1: findings; 2: bad usage.
#
# Build the binary with the sanitizers for the real campaign:
#   cmake -S . -B build-san -DTINYFORGE_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-O1
#   cmake --build build-san --target tinyforge
#   nice -n 10 tests/fuzz/cli_campaign.sh --binary build-san/apps/tinyforge --work /tmp/clicamp \
#       /work/fuzzwork/corpus/model tests/fuzz/regressions/model
set -euo pipefail

binary=build-san/apps/tinyforge
limit=0
jobs=1
timeout_seconds=20
work=""
seed=1
commands="inspect inspect-json rewrite emit run run-ref quantize bench compare"
summarize=""
sources=()
while [ $# -gt 0 ]; do
  case $1 in
    --binary) binary=$2; shift 2 ;;
    --limit) limit=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --timeout) timeout_seconds=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --commands) commands=$2; shift 2 ;;
    --summarize) summarize=1; shift ;;
    -h|--help) sed -n '2,/^set -e/{/^set -e/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
    -*) echo "cli_campaign.sh: unknown option $1" >&2; exit 2 ;;
    *) sources+=("$1"); shift ;;
  esac
done
if [ ${#sources[@]} -eq 0 ] && [ -z "$summarize" ]; then
  echo "cli_campaign.sh: give at least one folder or file of models (see --help)" >&2
  exit 2
fi
# The tables: runs and exit codes per command, findings by command and kind.
# Exit status 1 when there are findings.
print_summary() {
  cat "$work"/results/* >"$work/results.txt"
  findings=$(find "$work/findings" -mindepth 1 -maxdepth 1 -type d | wc -l)
  echo
  echo "== cli campaign summary: $models models, $(wc -l <"$work/results.txt") runs, ${wall}s wall" \
    "(load average before: $load_before, after: $load_after), work $work =="
  python3 - "$work/results.txt" <<'SUMMARY'
import collections, sys
runs, codes, ms, slowest, found = (collections.Counter() for _ in range(5))
for line in open(sys.argv[1]):
    cmd, rc, t, kind = line.split()
    runs[cmd] += 1; codes[cmd, int(rc)] += 1; ms[cmd] += int(t)
    slowest[cmd] = max(slowest[cmd], int(t)); found[cmd] += kind != "-"
exits = sorted({rc for _, rc in codes})
print("%-13s %6s" % ("command", "runs") + "".join(" %7s" % ("exit%d" % rc) for rc in exits)
      + " %8s %8s %10s" % ("findings", "mean ms", "slowest ms"))
for cmd in sorted(runs):
    print("%-13s %6d" % (cmd, runs[cmd]) + "".join(" %7d" % codes[cmd, rc] for rc in exits)
          + " %8d %8d %10d" % (found[cmd], ms[cmd] / runs[cmd], slowest[cmd]))
print("%-13s %6d" % ("all", sum(runs.values())) + "".join(" %7d" % sum(codes[c, rc] for c in runs) for rc in exits)
      + " %8d %8d %10d" % (sum(found.values()), sum(ms.values()) / max(1, sum(runs.values())), max(slowest.values() or [0])))
SUMMARY
  if [ "$findings" -gt 0 ]; then
    echo
    python3 - "$work/findings" <<'FINDINGS'
import collections, os, re, sys
groups = collections.defaultdict(list)
for name in sorted(os.listdir(sys.argv[1])):
    command, kind, model = name.rsplit("-", 2)
    text = open(os.path.join(sys.argv[1], name, "stderr.txt"), errors="replace").read()
    lines = [l for l in text.splitlines() if re.search(r"SUMMARY|runtime error:|tinyforge:|killed", l)]
    first = re.sub(r"/\S*/", "", (lines or text.splitlines() or [""])[0])
    groups[command, kind].append((model, first[:160]))
print("findings (%d runs) by command and kind, with up to 3 examples (model: first stderr line):"
      % sum(map(len, groups.values())))
for (command, kind), runs in sorted(groups.items(), key=lambda g: -len(g[1])):
    print("  %4d %s %s" % (len(runs), command, kind))
    for model, first in runs[:3]:
        print("         %s: %s" % (model, first))
FINDINGS
    echo "kept in $work/findings/<command>-<kind>-<model>/"
    return 1
  fi
  echo "no findings"
}

if [ -n "$summarize" ]; then
  [ -d "$work/results" ] || { echo "cli_campaign.sh: no campaign in --work '$work'" >&2; exit 2; }
  work=$(cd "$work" && pwd)
  models=$(find "$work/results" -type f | wc -l)
  wall="?" load_before="?" load_after="?"
  print_summary
  exit 0
fi
[ -x "$binary" ] || { echo "cli_campaign.sh: no executable $binary (--binary)" >&2; exit 2; }
binary=$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")
[ -n "$work" ] || work=$(mktemp -d "${TMPDIR:-/tmp}/tinyforge-clicamp.XXXXXX")
mkdir -p "$work"
work=$(cd "$work" && pwd)
rm -rf "$work/models" "$work/scratch" "$work/results" "$work/findings"
mkdir -p "$work/models" "$work/scratch" "$work/results" "$work/findings"

# The snapshot: NNNNN.tflite (models.txt: NNNNN and the original path), in a fixed order, sampled with --limit.
find "${sources[@]}" -type f | LC_ALL=C sort >"$work/all.txt"
if [ "$limit" -gt 0 ]; then
  shuf -n "$limit" --random-source=<(yes "$seed") "$work/all.txt" | LC_ALL=C sort >"$work/picked.txt"
else
  cp "$work/all.txt" "$work/picked.txt"
fi
python3 - "$work" <<'SNAPSHOT'
import shutil, sys
work = sys.argv[1]
with open(work + "/picked.txt") as picked, open(work + "/models.txt", "w") as listing:
    for i, path in enumerate((line.rstrip("\n") for line in picked), 1):
        shutil.copyfile(path, "%s/models/%05d.tflite" % (work, i))
        listing.write("%05d %s\n" % (i, path))
SNAPSHOT
models=$(wc -l <"$work/models.txt")

# One sample per model input, from `inspect --json` on stdin: in/data_K.npy of
# the input's dtype and shape (negative dims 1; past 1 MB, or unknown, a
# float32 [1], which the command must refuse cleanly). Seeded values: floats
# in [-1, 1], integers over their whole range.
# shellcheck disable=SC2089,SC2090  # Python source, passed as it is
write_inputs_py='
import json, random, struct, sys
folder, seed = sys.argv[1], int(sys.argv[2])
random.seed(seed)
try:
    inputs = json.load(sys.stdin)["subgraphs"][0]["inputs"]
except Exception:
    inputs = [{"type": "FLOAT32", "shape": [1]}]
types = {"FLOAT32": ("<f4", "f"), "FLOAT64": ("<f8", "d"), "FLOAT16": ("<f2", "e"),
         "INT8": ("|i1", "b"), "UINT8": ("|u1", "B"), "INT16": ("<i2", "h"), "UINT16": ("<u2", "H"),
         "INT32": ("<i4", "i"), "UINT32": ("<u4", "I"), "INT64": ("<i8", "q"), "UINT64": ("<u8", "Q"),
         "BOOL": ("|b1", "?")}
for k, t in enumerate(inputs or [{"type": "FLOAT32", "shape": [1]}]):
    descr, code = types.get(t.get("type"), ("<f4", "f"))
    shape = [d if isinstance(d, int) and d >= 0 else 1 for d in (t.get("shape") or [])]
    n = 1
    for d in shape: n *= d
    if n * struct.calcsize(code) > 1 << 20:
        descr, code, shape, n = "<f4", "f", [1], 1
    raw = random.randbytes(n * struct.calcsize(code))
    if code in "fde": body = struct.pack("<%d%s" % (n, code), *[b * (2 / 255) - 1 for b in raw[:n]])
    elif code == "?": body = bytes(b & 1 for b in raw)
    else: body = raw
    dims = "".join(str(d) + "," for d in shape) if len(shape) == 1 else ", ".join(map(str, shape))
    header = "{\x27descr\x27: \x27%s\x27, \x27fortran_order\x27: False, \x27shape\x27: (%s), }" % (descr, dims)
    header += " " * ((64 - (10 + len(header) + 1) % 64) % 64) + "\n"
    with open("%s/data_%d.npy" % (folder, k), "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode())
        f.write(body)
'

# Sets `args` to the arguments of command $1 on model $2 with data files
# $3... (absolute paths; outputs are relative to the output folder, the
# working directory) and `outputs` to what its success must leave there.
command_args() {
  local cmd=$1 model=$2
  shift 2
  local data=() calib=() d
  for d in "$@"; do data+=(-d "$d"); calib+=(--calib "$d"); done
  outputs=""
  case $cmd in
    inspect) args=(inspect "$model") ;;
    inspect-json) args=(inspect "$model" --json --target host) ;;
    rewrite) args=(rewrite "$model" -o r.tflite --strip-unused --dedupe-buffers --strip-names --align)
      outputs="r.tflite" ;;
    emit) args=(emit "$model" -o m.cc --header m.h --resolver ops.h); outputs="m.cc m.h ops.h" ;;
    run) args=(run "$model" "${data[@]}" -o run -q -j 1 --max-memory 256M --max-work 1G); outputs="run" ;;
    run-ref) args=(run "$model" "${data[@]}" -o run -q -j 1 --max-memory 256M --max-work 1G --reference); outputs="run" ;;
    quantize) args=(quantize "$model" "${calib[@]}" -o q.tflite --report q.json --calibration-out t.json
      -q -j 1 --max-memory 256M --max-work 1G); outputs="q.json q.tflite t.json" ;;
    bench) args=(bench "$model" --seconds 0.01 --save b.tflite --max-memory 256M --max-work 1G); outputs="b.tflite" ;;
    compare) args=(compare "$model" "$model" "${data[@]}" --report c.json -q -j 1 --max-memory 256M --max-work 1G)
      outputs="c.json" ;;
    *) echo "cli_campaign.sh: unknown command $cmd" >&2; exit 2 ;;
  esac
}

# Exit 2's message $1: exactly one non-empty line without control characters
# naming one of the files $2... (basenames: the model or a data file).
one_line_naming() {
  local text=$1 body name
  shift
  [[ $text == ?*$'\n' ]] || return 1
  body=${text%$'\n'}
  [[ $body != *[[:cntrl:]]* ]] || return 1
  for name; do [[ $body == *"$name"* ]] && return 0; done
  return 1
}

# Runs every command on the model file $1 (NNNNN.tflite) with as few
# processes as possible (the binary, one checksum); appends one line per run
# to results/NNNNN: "command exit milliseconds finding-kind".
campaign_one() {
  local model_file=$1
  local id=${model_file##*/}
  id=${id%.tflite}
  local scratch=$work/scratch/$id cmd
  local outs=()
  for cmd in $commands; do outs+=("$scratch/out-$cmd"); done
  mkdir -p "$scratch/in" "${outs[@]}"
  local model=$scratch/in/model.tflite
  cp "$model_file" "$model"
  local data=() names=(model.tflite) made_data="" inputs_sum args outputs
  inputs_sum=$(sha256sum "$scratch"/in/*)
  for cmd in $commands; do
    if [ -z "$made_data" ] && [ "$cmd" != inspect ] && [ "$cmd" != inspect-json ]; then
      # The data, from inspect-json's output when it ran, then the inputs' checksum.
      [ -f "$scratch/inspect.json" ] ||
        "$binary" inspect "$model" --json --target host >"$scratch/inspect.json" 2>/dev/null || true
      python3 -c "$write_inputs_py" "$scratch/in" "$((10#$id + seed))" <"$scratch/inspect.json" || true
      data=("$scratch"/in/data_*.npy)
      names+=("${data[@]##*/}")
      inputs_sum=$(sha256sum "$scratch"/in/*)
      made_data=1
    fi
    local out=$scratch/out-$cmd
    command_args "$cmd" "$model" "${data[@]}"
    local started=${EPOCHREALTIME/./} rc=0
    cd "$out"
    timeout -k 5 "$timeout_seconds" "$binary" "${args[@]}" >"$scratch/stdout.txt" 2>"$scratch/stderr.txt" || rc=$?
    cd "$work"
    local ms=$(((${EPOCHREALTIME/./} - started) / 1000))
    local err="" kind="" listing=("$out"/*)
    listing=("${listing[@]##*/}")
    IFS= read -r -d '' err <"$scratch/stderr.txt" || true
    if [[ $err == *"ERROR: AddressSanitizer"* || $err == *"ERROR: LeakSanitizer"* || $err == *"runtime error:"* ]]; then
      kind=sanitizer
    elif [ "$rc" -gt 2 ]; then
      kind=exit$rc
    elif [ "$rc" -eq 2 ] && ! one_line_naming "$err" "${names[@]}"; then
      kind=message
      # Right but for "warning: " lines before it: its own kind.
      local last=${err%$'\n'}
      last=${last##*$'\n'}$'\n'
      if one_line_naming "$last" "${names[@]}" && [[ ${err%"$last"} =~ ^(warning: [^$'\n']*$'\n')*$ ]]; then
        kind=warned
      fi
    elif [ "$rc" -ne 0 ] && [ ${#listing[@]} -gt 0 ]; then
      kind=leftover
    elif [ "$rc" -eq 0 ] && [ "${listing[*]}" != "$outputs" ]; then
      kind=missing-output
    elif [ "$(sha256sum "$scratch"/in/*)" != "$inputs_sum" ]; then
      kind=input-changed
    fi
    [ "$cmd" = inspect-json ] && cp "$scratch/stdout.txt" "$scratch/inspect.json"
    echo "$cmd $rc $ms ${kind:--}" >>"$work/results/$id"
    if [ -n "$kind" ]; then
      local keep=$work/findings/$cmd-$kind-$id
      mkdir -p "$keep"
      cp "$model_file" "$keep/model.tflite"
      cp "${data[@]}" "$keep/" 2>/dev/null || true
      cp "$scratch/stderr.txt" "$keep/stderr.txt"
      head -c 4000 "$scratch/stdout.txt" >"$keep/stdout.txt"
      {
        echo "tinyforge ${args[*]//$scratch\/in\//}"
        echo "exit $rc after ${ms} ms; output folder: ${listing[*]:-empty}"
      } >"$keep/command.txt"
      if [ "$rc" -eq 124 ] && ! [ -s "$scratch/stderr.txt" ]; then
        echo "(killed after ${timeout_seconds}s)" >"$keep/stderr.txt"
      fi
    fi
  done
  rm -rf "$scratch"
}

# shellcheck disable=SC2090
export binary work seed commands timeout_seconds write_inputs_py
export -f campaign_one command_args one_line_naming

load_before=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")
started=$(date +%s)
echo "== cli campaign: $models models, commands: $commands, $jobs job(s), binary $binary ==" >&2
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# shellcheck disable=SC2016  # $1 is bash -c's own argument
find "$work/models" -name '*.tflite' | LC_ALL=C sort |
  LC_ALL=C xargs -P "$jobs" -I{} bash -c 'shopt -s nullglob; campaign_one "$1"' _ {}
wall=$(($(date +%s) - started))
load_after=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")

print_summary
