#!/usr/bin/env python3
"""Stan's own NUTS on posteriordb posteriors, as notebook 09's peer (PyPI pystan 3, Stan 2.35).

    python3 stan_nuts.py [--seed N] POSTERIOR_DATABASE OUT_FOLDER NAME [NAME ...]

For each posterior: 4 chains, 1 000 warm-up iterations and 1 000 draws with Stan's defaults, seed 1
(or N).
Writes OUT_FOLDER/NAME_1.csv … NAME_4.csv in CmdStan's layout (which `sampo diagnose` reads) and
appends `posterior,seconds,gradients,sampling_gradients` to OUT_FOLDER/timing.csv: the wall time of pystan's sample()
call (httpstan runs the chains in parallel processes and streams every draw to Python as JSON, so
this is Stan plus pystan's transport; cached fits are removed first, else httpstan would return a
repeated run from its disk cache at once), the leapfrog steps of warm-up and draws together, and
those of the draws alone.
Not a dependency of Sampo's tests: the notebook runs it only at full budget when pystan is there.
"""
import json, os, shutil, sys, time, zipfile

import httpstan.cache
import stan  # pystan 3


def read_zip_json(path):
    with zipfile.ZipFile(path) as z:
        return json.loads(z.read(z.namelist()[0]))


def main():
    args, seed = sys.argv[1:], 1
    if args[:1] == ["--seed"]:
        seed, args = int(args[1]), args[2:]
    db, out, names = args[0], args[1], args[2:]
    os.makedirs(out, exist_ok=True)
    timing = os.path.join(out, "timing.csv")
    if not os.path.exists(timing):
        with open(timing, "w") as f:
            f.write("posterior,seconds,gradients,sampling_gradients\n")
    for name in names:
        with open(os.path.join(db, "posteriors", name + ".json")) as f:
            info = json.load(f)
        with open(os.path.join(db, "models", "stan", info["model_name"] + ".stan")) as f:
            code = f.read()
        data = read_zip_json(os.path.join(db, "data", "data", info["data_name"] + ".json.zip"))
        model = stan.build(code, data=data, random_seed=seed)
        # httpstan keeps every fit and hands a repeated one back from disk at once: remove them so
        # that the time measured is sampling's.
        for entry in httpstan.cache.model_directory(model.model_name).glob("*"):
            if entry.name.startswith("fits") or entry.suffix == ".gz":
                shutil.rmtree(entry, ignore_errors=True) if entry.is_dir() else entry.unlink()
        start = time.perf_counter()
        fit = model.sample(num_chains=4, num_warmup=1000, num_samples=1000, save_warmup=True)
        seconds = time.perf_counter() - start
        columns = list(fit.sample_and_sampler_param_names) + list(fit.constrained_param_names)
        draws = fit._draws  # (columns, warm-up + draws, chains)
        leapfrog = columns.index("n_leapfrog__")
        gradients = float(draws[leapfrog, :, :].sum())
        sampling = float(draws[leapfrog, 1000:, :].sum())
        for c in range(draws.shape[2]):
            path = os.path.join(out, f"{name}_{c + 1}.csv")
            with open(path + ".tmp", "w") as f:
                f.write(f"# model = {info['model_name']}\n# pystan {stan.__version__}, Stan NUTS, seed {seed}, chain {c + 1}\n")
                f.write(",".join(columns) + "\n")
                for i in range(1000, draws.shape[1]):
                    f.write(",".join(repr(float(v)) for v in draws[:, i, c]) + "\n")
            os.replace(path + ".tmp", path)
        with open(timing, "a") as f:
            f.write(f"{name},{seconds:.3f},{gradients:.0f},{sampling:.0f}\n")
        print(f"{name}: {seconds:.1f} s, {gradients:.0f} gradients", flush=True)


if __name__ == "__main__":
    main()
