#!/usr/bin/env python3
"""Notebook 10's tables from its comparison CSV and Stan's rows (standard library only).

    python3 preconditioning.py SAMPO.csv STAN.csv OUT_PREFIX

Writes OUT_PREFIX-table.csv (per posterior and variant: medians over seeds of min bulk-ESS per 1 000
gradients, counting warm-up and not, ESS per second, the worst reference |z| and sd error over seeds,
divergences, and the ratio of ESS per gradient to Stan's median on the same posterior) and
OUT_PREFIX-medians.csv (per variant: the median and smallest ratio to Stan over the posteriordb
posteriors, how many agree with the reference — every seed's max |z| < 5 — and on how many some
seed's sd is off by more than 10%).
"""
import csv, statistics, sys


def rows(path):
    with open(path) as f:
        return [r for r in csv.DictReader(line for line in f if not line.startswith("#"))]


def number(r, k):
    v = r.get(k, "")
    return float(v) if v not in ("", None) else None


def main():
    sampo, stan, prefix = rows(sys.argv[1]), rows(sys.argv[2]), sys.argv[3]
    groups = {}
    for r in sampo + stan:
        target = r["target"].removeprefix("posteriordb:")
        groups.setdefault((target, r["sampler"]), []).append(r)
    table = []
    for (target, variant), rs in sorted(groups.items()):
        def med(f):
            v = [x for x in (f(r) for r in rs) if x is not None]
            return statistics.median(v) if v else None

        def per_k(r, sampling):
            e, g = number(r, "ess_bulk_min"), number(r, "grad_evals")
            w = number(r, "warmup_grad_evals")
            if e is None or not g or (sampling and w is None):
                return None
            w = w or 0
            return e / ((g - w if sampling else g) / 1000)

        zs = [number(r, "ref_max_abs_z") for r in rs]
        sds = [number(r, "ref_max_sd_error") for r in rs]
        table.append({
            "target": target, "variant": variant, "seeds": len(rs),
            "ess_per_1k_grad": med(lambda r: per_k(r, False)),
            "ess_per_1k_sampling_grad": med(lambda r: per_k(r, True)),
            "ess_per_second": med(lambda r: number(r, "ess_per_second")),
            "max_abs_z": max(zs) if None not in zs and zs else None,
            "max_sd_error": max(sds) if None not in sds and sds else None,
            "divergences": med(lambda r: number(r, "divergent_transitions")),
            "rhat_max": max((number(r, "rhat_max") or 0) for r in rs),
        })
    stan_by_target = {t["target"]: t for t in table if t["variant"] == "stan-nuts"}
    for t in table:
        s = stan_by_target.get(t["target"])
        ok = s and s["ess_per_1k_grad"] and t["ess_per_1k_grad"] is not None
        t["ratio_to_stan"] = t["ess_per_1k_grad"] / s["ess_per_1k_grad"] if ok else None
        ok = s and s["ess_per_1k_sampling_grad"] and t["ess_per_1k_sampling_grad"] is not None
        t["sampling_ratio_to_stan"] = t["ess_per_1k_sampling_grad"] / s["ess_per_1k_sampling_grad"] if ok else None
    columns = ["target", "variant", "seeds", "ess_per_1k_grad", "ess_per_1k_sampling_grad", "ratio_to_stan",
               "sampling_ratio_to_stan", "ess_per_second", "max_abs_z", "max_sd_error", "divergences", "rhat_max"]
    with open(prefix + "-table.csv", "w", newline="") as f:
        w = csv.DictWriter(f, columns, lineterminator="\n")
        w.writeheader()
        for t in table:
            w.writerow({k: ("" if t[k] is None else t[k]) for k in columns})
    medians = []
    for variant in sorted({t["variant"] for t in table}):
        ts = [t for t in table if t["variant"] == variant and t["target"] in stan_by_target]
        ratios = [t["ratio_to_stan"] for t in ts if t["ratio_to_stan"] is not None]
        sampling = [t["sampling_ratio_to_stan"] for t in ts if t["sampling_ratio_to_stan"] is not None]
        if not ratios:
            continue
        lowest = min(ts, key=lambda t: t["ratio_to_stan"] if t["ratio_to_stan"] is not None else float("inf"))
        agree = sum(1 for t in ts if t["max_abs_z"] is not None and t["max_abs_z"] < 5)
        # A chain stuck elsewhere shows in the sd first: |sd / reference sd − 1| above 10% in some seed.
        sd_off = sum(1 for t in ts if t["max_sd_error"] is not None and t["max_sd_error"] > 0.1)
        medians.append({"variant": variant, "posteriors": len(ratios), "median_ratio": statistics.median(ratios),
                        "median_sampling_ratio": statistics.median(sampling) if sampling else "",
                        "min_ratio": lowest["ratio_to_stan"], "min_at": lowest["target"],
                        "below_0.8": sum(1 for r in ratios if r < 0.8), "agree_5_mcse": agree, "sd_off_10pct": sd_off})
    with open(prefix + "-medians.csv", "w", newline="") as f:
        columns = ["variant", "posteriors", "median_ratio", "median_sampling_ratio", "min_ratio", "min_at", "below_0.8", "agree_5_mcse",
                   "sd_off_10pct"]
        w = csv.DictWriter(f, columns, lineterminator="\n")
        w.writeheader()
        w.writerows(medians)


if __name__ == "__main__":
    main()
