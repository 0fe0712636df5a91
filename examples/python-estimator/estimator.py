#!/usr/bin/env python3
"""Cut-and-count estimator of the signal strength mu: an example plugin for fair-uq-bench.

Fit (once): on the training pool transformed at the nominal nuisance values, choose a signal
region (a window in DER_mass_vis and a floor on DER_pt_h, from a small grid) that maximises
``S / sqrt(B + dB^2)``, and record the expected signal S and background B in it. Then measure
how S and B move when each nuisance parameter moves by one standard deviation of its prior
(tes, jes, soft_met through the harness's transform; the normalisations from the spec).

Estimate (per pseudo-experiment): count the N events in the region and report::

    mu_hat = (N - B) / S
    sigma^2 = N / S^2 + sum_k ((dB_k + mu_hat dS_k) / S)^2     (statistics + each nuisance)
    [p16, p84] = mu_hat -/+ sigma,   [p2_5, p97_5] = mu_hat -/+ 1.96 sigma

A simple, honest method: the interval is wide because one count cannot tell signal from a
background fluctuation, but its coverage is close to the nominal 68%.

Run it through the harness, e.g.::

    bench evaluate --command "PYTHONPATH=clients/python python3 examples/python-estimator/estimator.py"
"""

import json
import math
import os
import sys

try:
    import fair_uq_plugin as fuq
except ImportError:  # run from a checkout without PYTHONPATH: the client lives in clients/python
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "clients", "python"))
    import fair_uq_plugin as fuq

import numpy as np

MASS_WINDOWS = [(60, 140), (70, 130), (80, 130), (90, 140), (100, 150)]
PT_FLOORS = [0, 20, 40, 60, 80, 100]


def in_region(events, region):
    mass, pt = events["DER_mass_vis"], events["DER_pt_h"]
    return (mass >= region["mass_low"]) & (mass < region["mass_high"]) & (pt >= region["pt_min"])


def yields(events, region, weights=None):
    """Expected signal and background per process in the region (sums of weights)."""
    w = events.weights if weights is None else weights
    selected = in_region(events, region)
    return {process: float(w[selected & (events.process_codes == code)].sum())
            for code, process in enumerate(fuq.PROCESSES)}


def background(y):
    return sum(v for p, v in y.items() if p != "htautau")


def prior_sigma(nuisance):
    prior = nuisance["prior"]
    return prior["sigma"] if prior["family"] == "normal" else prior["log_sigma"]


def nominal_value(nuisance):
    prior = nuisance["prior"]
    return prior["mean"] if prior["family"] == "normal" else math.exp(prior["log_mean"])


def shifted_value(nuisance):
    """The value one standard deviation of the prior above its centre, clipped."""
    prior = nuisance["prior"]
    if prior["family"] == "normal":
        value = prior["mean"] + prior["sigma"]
    else:
        value = math.exp(prior["log_mean"] + prior["log_sigma"])
    return min(max(value, nuisance["clip"]["min"]), nuisance["clip"]["max"])


class CutAndCount(fuq.Estimator):
    name = "python-cut-and-count"
    version = "1"

    def fit(self, context):
        spec = context.spec
        nuisances = {n["name"]: n for n in spec["nuisances"]}
        nominal_args = {name: nominal_value(nuisances[name]) for name in ("tes", "jes", "soft_met") if name in nuisances}
        # One fixed noise seed for every template, so that soft-MET noise does not pass for a systematic effect.
        noise_seed = context.seed
        nominal = context.transform(**nominal_args, seed=noise_seed)

        # Choose the region on the nominal templates: best S / sqrt(B + (0.05 B)^2).
        best = None
        for low, high in MASS_WINDOWS:
            for pt in PT_FLOORS:
                region = {"mass_low": low, "mass_high": high, "pt_min": pt}
                y = yields(nominal, region)
                s, b = y["htautau"], background(y)
                if s <= 0 or b <= 0:
                    continue
                significance = s / math.sqrt(b + (0.05 * b) ** 2)
                if best is None or significance > best[0]:
                    best = (significance, region)
        if best is None:
            raise ValueError("no region of the grid holds both signal and background in the training pool")
        region = best[1]
        base = yields(nominal, region)
        context.discard(nominal)

        # Effect of one standard deviation of each nuisance on (S, B).
        effects = {}
        for name, nuisance in nuisances.items():
            acts_on = nuisance["acts_on"]
            if "features" in acts_on:
                args = dict(nominal_args)
                args[name] = shifted_value(nuisance)
                shifted = context.transform(**args, seed=noise_seed)
                y = yields(shifted, region)
                context.discard(shifted)
                effects[name] = {"dS": y["htautau"] - base["htautau"], "dB": background(y) - background(base)}
            else:
                # A normalisation scale multiplies the processes it names.
                sigma = prior_sigma(nuisance)
                effects[name] = {"dS": 0.0, "dB": sigma * sum(base[p] for p in acts_on["normalisation"])}

        model = {"region": region, "S": base["htautau"], "B": background(base), "effects": effects,
                 "training_rows": context.training.rows}
        with open(context.model_path("model.json"), "w") as f:
            json.dump(model, f, indent=2)
        print("fitted model: " + json.dumps(model, sort_keys=True), file=sys.stderr)

    def load(self, model_dir, spec, features):
        with open(os.path.join(model_dir, "model.json")) as f:
            self.model = json.load(f)

    def estimate(self, events, seed):
        m = self.model
        n = int(np.count_nonzero(in_region(events, m["region"])))
        s, b = m["S"], m["B"]
        mu_hat = (n - b) / s
        variance = max(n, 1) / s ** 2
        for effect in m["effects"].values():
            variance += ((effect["dB"] + mu_hat * effect["dS"]) / s) ** 2
        sigma = math.sqrt(variance)
        return {"mu_hat": mu_hat, "delta_mu_hat": sigma, "p16": mu_hat - sigma, "p84": mu_hat + sigma,
                "p2_5": mu_hat - 1.96 * sigma, "p97_5": mu_hat + 1.96 * sigma}


if __name__ == "__main__":
    fuq.run(CutAndCount())
