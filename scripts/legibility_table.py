#!/usr/bin/python3
"""Prints the Markdown table of docs/legibility.md from the results of scripts/legibility.sh.

    python3 scripts/legibility_table.py runs/legibility

One row per model and lever: each judge's agreement with the DSVs' classes (its agreement on real test images in
the header), contrast (mean per-image std, [0,1] pixels) against real images', the share of spectral power at high
frequencies, the mean distance between two DSVs of one class (diversity; real images' in the header), the run's
stationarity ratio, primal feasibility, final entropy and seconds per step.
"""
import json
import os
import sys

ORDER = ["quick", "standard", "no-prior", "contrast", "grey-contrast", "grey-contrast-blur", "jitter-contrast",
         "l2-step"]


def default_table(work):
    """The default preset, seeds 1-3 (runs/legibility/default/MODEL-seedS, written by the seeds queue)."""
    base = os.path.join(work, "default")
    if not os.path.isdir(base):
        return
    by_model = {}
    for d in sorted(os.listdir(base)):
        f = os.path.join(base, d, "legibility.json")
        if not os.path.isfile(f):
            continue
        model, seed = d.rsplit("-seed", 1)
        with open(f) as fh:
            leg = json.load(fh)
        with open(os.path.join(base, d, "run", "dsvs.json")) as fh:
            run = json.load(fh)
        by_model.setdefault(model, []).append((seed, leg, run["summary"], run["config"]))
    print("| default preset (%s), 3 per class from noise | seeds | judge 1 | judge 2 | contrast | within-class"
          " | stationarity | feasible | s/step |" % "quick, contrast floor 0.25")
    print("|---|---|---|---|---|---|---|---|---|")
    def rng(values, fmt):
        lo, hi = min(values), max(values)
        return (fmt % lo) if abs(hi - lo) < 1e-9 else (fmt % lo) + "–" + (fmt % hi)
    for model, rows in by_model.items():
        judges = [r[1]["judges"] for r in rows]
        cells = []
        for j in range(len(judges[0])):
            cells.append("%s %s %%" % (judges[0][j]["judge"], rng([100 * js[j]["dsvs"]["agreement"] for js in judges],
                                                                   "%.0f")))
        print("| %s | %s | %s | %s | %s (real %.3f) | %s (real %.2f) | %s | %s | %s |" % (
            model, ",".join(r[0] for r in rows), cells[0], cells[1],
            rng([r[1]["dsvStats"]["contrast"] for r in rows], "%.3f"), rows[0][1]["realStats"]["contrast"],
            rng([r[1]["dsvStats"]["withinClassDistance"] for r in rows], "%.2f"),
            rows[0][1]["realStats"]["withinClassDistance"],
            rng([r[2]["stationarityRatioToLambdaZero"] for r in rows], "%.3f"),
            rng([100 * r[2]["primalFeasibility"] for r in rows], "%.0f") + " %",
            rng([r[2]["wallSeconds"] / max(1, r[2]["stepsDone"]) for r in rows], "%.3f")))
    print()


def main(work):
    default_table(work)
    models = sorted(d for d in os.listdir(work) if os.path.isdir(os.path.join(work, d))
                    and d not in ("default", "distill"))
    for model in models:
        rows = []
        header = None
        levers = [l for l in ORDER if os.path.isfile(os.path.join(work, model, l, "legibility.json"))]
        for lever in levers:
            with open(os.path.join(work, model, lever, "legibility.json")) as f:
                leg = json.load(f)
            with open(os.path.join(work, model, lever, "run", "dsvs.json")) as f:
                run = json.load(f)
            s = run["summary"]
            judges = leg["judges"]
            if header is None:
                real = leg["realStats"]
                header = ("| %s lever | " % model + " | ".join(
                    "%s (real %.0f %%)" % (j["judge"], 100 * j["real"]["agreement"]) for j in judges)
                    + " | contrast (real %.3f) | high-freq (real %.3f) | within-class (real %.2f) | stationarity"
                    " | feasible | entropy | s/step |" % (real["contrast"], real["highFrequencyShare"],
                                                           real["withinClassDistance"]))
            d = leg["dsvStats"]
            rows.append("| %s | " % lever + " | ".join("%.0f %%" % (100 * j["dsvs"]["agreement"]) for j in judges)
                        + " | %.3f | %.3f | %.2f | %.3f | %.0f %% | %.2f | %.3f |" % (
                            d["contrast"], d["highFrequencyShare"], d["withinClassDistance"],
                            s.get("stationarityRatioToLambdaZero", float("nan")), 100 * s["primalFeasibility"],
                            s["finalMeanEntropy"], s["wallSeconds"] / max(1, s["stepsDone"])))
        if header:
            print(header)
            print("|" + "---|" * (header.count("|") - 1))
            print("\n".join(rows))
            print()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "runs/legibility")
