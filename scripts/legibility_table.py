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


def main(work):
    models = sorted(d for d in os.listdir(work) if os.path.isdir(os.path.join(work, d)))
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
