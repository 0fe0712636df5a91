#!/usr/bin/env python3
"""A deterministic counting plugin for the sharding tests: fixed mass window, mu_hat = (N - B) / S.

    slow_count.py DELAY [FIT_DIR]

DELAY: seconds to sleep in each estimate (so that a cluster task can be cancelled mid-run).
FIT_DIR: a directory in which each fit creates a file (only reachable with --sandbox disabled): how
a test counts the fits of an evaluation (a directory, not a file: the code hash covers the files a
command line names, so a log file growing would make every fit another version). The model also holds a random nonce drawn in the fit (from
the operating system, not the fit seed), so that two fits give two different model directories
while every estimate stays a function of the counts only.
"""

import json
import math
import os
import sys
import time

import fair_uq_plugin as fuq


class SlowCount(fuq.Estimator):
    name = "slow-count"
    version = "1"

    def __init__(self, delay, fit_log):
        self.delay = delay
        self.fit_log = fit_log

    def fit(self, context):
        if self.fit_log:
            with open(os.path.join(self.fit_log, "fit-" + os.urandom(8).hex()), "w") as f:
                f.write("fit\n")
        nominal = context.transform(seed=context.seed)
        mass = nominal["DER_mass_vis"]
        selected = (mass > 60) & (mass < 140)
        signal = nominal.process_codes == fuq.PROCESSES.index("htautau")
        s = float(nominal.weights[selected & signal].sum())
        b = float(nominal.weights[selected & ~signal].sum())
        with open(context.model_path("model.json"), "w") as f:
            json.dump({"S": s, "B": b, "nonce": os.urandom(8).hex()}, f)

    def load(self, model_dir, spec, features):
        with open(os.path.join(model_dir, "model.json")) as f:
            self.model = json.load(f)

    def estimate(self, events, seed):
        time.sleep(self.delay)
        mass = events["DER_mass_vis"]
        n = int(((mass > 60) & (mass < 140)).sum())
        s, b = self.model["S"], self.model["B"]
        mu = (n - b) / s
        sigma = math.sqrt(max(n, 1)) / s
        return {"mu_hat": mu, "delta_mu_hat": sigma, "p16": mu - sigma, "p84": mu + sigma}


if __name__ == "__main__":
    fuq.run(SlowCount(float(sys.argv[1]) if len(sys.argv) > 1 else 0.0, sys.argv[2] if len(sys.argv) > 2 else None))
