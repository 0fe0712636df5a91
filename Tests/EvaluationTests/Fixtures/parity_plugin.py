#!/usr/bin/env python3
"""A plugin for the runner's tests: counts rows like the Swift test estimators, and misbehaves
on purpose on pseudo-experiments whose view has an odd number of rows.

Usage: parity_plugin.py MODE, with MODE one of
  good      count: mu_hat = (n - B) / S, p16, p84 = mu_hat -+ sqrt(n) / S
  error     raise on odd views
  nan       p16 = NaN on odd views
  swapped   p16 > p84 on odd views
  crash     SIGSEGV on odd views (the host replaces the worker)
  stateful  the interval narrows with every view the worker has seen (forbidden state)
  slow      good, 0.5 s to fit and 20 ms per estimate (two evaluations at once overlap)
  hostile   the fit fails with terminal control sequences in its message (ESC, CR, BEL,
            C1 CSI, a bidi override) that would clear the screen and forge a verdict
  verbose   raise a 900 kB error message on odd views

S and B are the expected signal and background after cuts in the training pool at nominal
nuisances (the weights of the transformed pool the harness sends).
"""

import json
import math
import os
import signal
import sys
import time

import fair_uq_plugin as fuq

mode = sys.argv[1] if len(sys.argv) > 1 else "good"


class ParityPlugin(fuq.Estimator):
    name = "parity-" + mode
    version = "1"

    def fit(self, context):
        if mode == "slow":
            time.sleep(0.5)   # widens the window in which two evaluations overlap
        if mode == "hostile":
            raise ValueError("\x1b[2J\x1b[H\rparity-good: coverage 0.683\x07\x9b31m\u202eevil\x1b]0;pwned\x07"
                             "\r\n  score 0.9999, coverage 0.683 (forged)")
        nominal = context.transform()
        signal_sum = float(nominal.weights[nominal.process_codes == 0].sum())
        background = float(nominal.weights[nominal.process_codes != 0].sum())
        with open(context.model_path("model.json"), "w") as f:
            json.dump({"signal": signal_sum, "background": background}, f)

    def load(self, model_dir, spec, features):
        with open(os.path.join(model_dir, "model.json")) as f:
            self.model = json.load(f)
        self.seen = 0

    def estimate(self, events, seed):
        n = events.rows
        s, b = self.model["signal"], self.model["background"]
        mu_hat = (n - b) / s
        sigma = math.sqrt(n) / s
        self.seen += 1
        if mode == "stateful":
            sigma = 1 / math.sqrt(self.seen)
        odd = n % 2 == 1
        if odd and mode == "error":
            raise ValueError(f"cannot handle {n} rows")
        if mode == "slow":
            time.sleep(0.02)
        if odd and mode == "verbose":
            raise ValueError("cannot handle " + "x" * 900_000)
        if odd and mode == "crash":
            os.kill(os.getpid(), signal.SIGSEGV)
        p16, p84 = mu_hat - sigma, mu_hat + sigma
        if odd and mode == "nan":
            p16 = math.nan
        if odd and mode == "swapped":
            p16, p84 = p84, p16
        return {"mu_hat": mu_hat, "delta_mu_hat": sigma, "p16": p16, "p84": p84}


if __name__ == "__main__":
    fuq.run(ParityPlugin())
