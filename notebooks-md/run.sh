#!/usr/bin/env bash
# Runs every ```sh block of the notebooks and refreshes their tables.
#   bash notebooks-md/run.sh            full budgets; writes results/, figures/ and the tables in the .md files
#   bash notebooks-md/run.sh --check    small budgets into a temporary folder; changes nothing (used by make test)
#   bash notebooks-md/run.sh --tables   only refresh the tables from the existing results/
#   bash notebooks-md/run.sh [MODE] 09  only the notebooks whose names start with the given prefixes
# Commands see: $SAMPO (the binary), $RES (results folder), $FIG (figures folder), $REP (HTML reports), and q FULL QUICK,
# which prints FULL normally and QUICK under --check.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
export SAMPO="${SAMPO:-$root/.build/release/sampo}"
check=0 tables_only=0
[[ ${1:-} == --check ]] && check=1
[[ ${1:-} == --tables ]] && tables_only=1
[[ ${1:-} == --* ]] && shift
only=("$@")
if (( check )); then
  tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
  export RES="$tmp/results" FIG="$tmp/figures" REP="$tmp/reports"
else
  export RES="$here/results" FIG="$here/figures" REP="$here/reports"
fi
mkdir -p "$RES" "$FIG" "$REP"
export NOTEBOOK_CHECK=$check
q() { if [[ $NOTEBOOK_CHECK == 1 ]]; then echo "$2"; else echo "$1"; fi; }
export -f q

# A markdown table of the named columns of a CSV (numbers to 4 significant digits).
table() {
  awk -F, -v cols="$2" '
    /^#/ { next }
    !seen { seen = 1; n = split(cols, want, ","); for (i = 1; i <= NF; i++) idx[$i] = i
              line = "|"; sep = "|"; for (k = 1; k <= n; k++) { line = line " " want[k] " |"; sep = sep " --- |" }
              print line; print sep; next }
    { line = "|"; for (k = 1; k <= n; k++) { v = $(idx[want[k]])
        if (v ~ /^-?[0-9.]+([eE][-+]?[0-9]+)?$/ && v !~ /^[0-9]+$/) v = sprintf("%.4g", v)
        line = line " " v " |" } print line }' "$1"
}

cd "$root"
for nb in "$here"/[0-9][0-9]-*.md; do
  if (( ${#only[@]} )); then
    wanted=0
    for p in "${only[@]}"; do [[ $(basename "$nb") == "$p"* ]] && wanted=1; done
    (( wanted )) || continue
  fi
  echo "== $(basename "$nb")"
  awk '/^```sh$/ {on = 1; next} /^```$/ {on = 0} on' "$nb" > "$RES/.commands.sh"
  (( tables_only )) || (cd "$root" && bash -euo pipefail "$RES/.commands.sh")
  if (( ! check )); then
    # Refresh every <!-- table FILE COLUMNS --> … <!-- /table --> block from results/FILE.
    out=$(mktemp)
    while IFS= read -r line; do
      if [[ $line =~ ^\<!--\ table\ ([^ ]+)\ ([^ ]+)\ --\>$ ]]; then
        echo "$line" >> "$out"; table "$RES/${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}" >> "$out"; skip=1; continue
      fi
      if [[ $line == "<!-- /table -->" ]]; then skip=0; fi
      [[ ${skip:-0} == 1 ]] || echo "$line" >> "$out"
    done < "$nb"
    mv "$out" "$nb"
  fi
done
(( tables_only )) && echo "notebooks: tables refreshed" || echo "notebooks: all commands ran"
