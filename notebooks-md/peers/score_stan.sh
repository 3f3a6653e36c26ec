#!/usr/bin/env bash
# Scores Stan's NUTS draws (CmdStan layout, one file per chain) against a posteriordb reference with
# `sampo diagnose`, and prints one comparison-style row:
#   posteriordb:NAME,stan-nuts,SEED,gradients,seconds,ess_bulk_min,ess_per_1k_grad,rhat_max,ref_max_abs_z,ref_max_sd_error
#   score_stan.sh NAME SEED SECONDS GRADIENTS DRAWS_FOLDER POSTERIORDB SUMMARY_OUT
# (used by notebooks 09 and 10; $SAMPO is the binary).
set -euo pipefail
name=$1 seed=$2 seconds=$3 gradients=$4 draws=$5 db=$6 summary=$7
$SAMPO diagnose "$draws"/${name}_{1,2,3,4}.csv --reference posteriordb:$name --posteriordb "$db" --out "$summary" > /dev/null
# (a matrix entry's name, "theta[1,2]", is a quoted cell with a comma: replaced before splitting)
awk -F, -v name=$name -v seed=$seed -v s=$seconds -v g=$gradients '
  /^#/ { next } { sub(/^"([^"]|"")*"/, "quoted") } !h { for (i = 1; i <= NF; i++) c[$i] = i; h = 1; next }
  { e = $(c["ess_bulk"]); if (e != "" && (m == "" || e + 0 < m)) m = e + 0
    z = $(c["z_mean"]); if (z != "") { z = z < 0 ? -z : z; if (z > zm) zm = z }
    r = $(c["sd_ratio"]); if (r != "") { r = r < 1 ? 1 - r : r - 1; if (r > rm) rm = r }
    h2 = $(c["rhat"]); if (h2 != "" && h2 + 0 > hm) hm = h2 + 0 }
  END { printf "posteriordb:%s,stan-nuts,%s,%s,%s,%s,%s,%s,%s,%s\n", name, seed, g, s, m, m / (g / 1000), hm, zm, rm }' "$summary"
