#!/usr/bin/env python3
"""An adversary: a plugin that tries to compute the truth from seeds instead of measuring it.

Written from the harness's public documentation (SeedDerivation, SeededGenerator, EstimatorSeeds,
EvaluationOptions) as a cheating submission would. Modes (argv[1], comma-separated):

- ``spec``:      take every integer under a ``*seed*`` key of the spec in the fit message
                 (phases' default seeds, the pools' simulator seeds) as a candidate root seed;
- ``published``: the root seeds given in argv[2] (comma-separated), e.g. a phase's default seed
                 read from the repository's challenge file;
- ``invert``:    undo the fit seed (the first output of the training generator) through
                 xoshiro256**, SplitMix64 and the seed derivation, to the run's seed, and take it
                 as a candidate root (``bench run`` uses one seed for both).

For every candidate root the plugin computes the estimate seeds the harness would send for each
(set, pseudo-experiment) (an HMAC keyed by a key derived from the root alone). When the seed of a
request matches, it knows the set, computes its true mu by the seed rule and answers a 0.001-wide
interval around it; when nothing matches it answers the whole mu prior (what an estimator that
knows nothing can say). The log line ``ATTACK`` says what it found.
"""

import hashlib
import hmac
import json
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..", "clients", "python"))
import fair_uq_plugin as fuq

MASK = (1 << 64) - 1
GAMMA = 0x9E3779B97F4A7C15
M1, M2 = 0xBF58476D1CE4E5B9, 0x94D049BB133111EB
PURPOSE_SET_TRUTH, PURPOSE_ESTIMATOR, PURPOSE_TRAINING = 1, 8, 10
MAX_SETS, MAX_PER_SET = 20, 50


def mix(z):
    z = ((z ^ (z >> 30)) * M1) & MASK
    z = ((z ^ (z >> 27)) * M2) & MASK
    return z ^ (z >> 31)


def unmix(z):
    z = z ^ (z >> 31) ^ (z >> 62)
    z = (z * pow(M2, -1, 1 << 64)) & MASK
    z = z ^ (z >> 27) ^ (z >> 54)
    z = (z * pow(M1, -1, 1 << 64)) & MASK
    return z ^ (z >> 30) ^ (z >> 60)


def derive(root, path):
    h = mix(root ^ 0x5EED5EED5EED5EED)
    for k, c in enumerate(path):
        h = mix(h ^ mix((c + GAMMA * (k + 1)) & MASK))
    return h


def rotl(x, k):
    return ((x << k) | (x >> (64 - k))) & MASK


class Xoshiro:
    def __init__(self, seed):
        self.s = []
        for _ in range(4):
            seed = (seed + GAMMA) & MASK
            self.s.append(mix(seed))

    def next(self):
        s0, s1, s2, s3 = self.s
        result = (rotl((s1 * 5) & MASK, 7) * 9) & MASK
        t = (s1 << 17) & MASK
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 45)
        self.s = [s0, s1, s2, s3]
        return result

    def unit(self):
        return (self.next() >> 11) * 2.0 ** -53


def sealed_key(root):
    return hmac.new(struct.pack("<Q", root), b"fair-uq-bench/sealed-seed-key/v1", hashlib.sha256).digest()


def sealed_seed(key, words):
    digest = hmac.new(key, b"".join(struct.pack("<Q", w & MASK) for w in words), hashlib.sha256).digest()
    return struct.unpack("<Q", digest[:8])[0]


def invert_fit_seed(fit_seed):
    """The run seed whose training generator's first output is ``fit_seed``."""
    s1 = (fit_seed * pow(9, -1, 1 << 64)) & MASK
    s1 = ((s1 >> 7) | (s1 << 57)) & MASK
    s1 = (s1 * pow(5, -1, 1 << 64)) & MASK
    training_seed = (unmix(s1) - 2 * GAMMA) & MASK
    h0 = unmix(training_seed) ^ mix((PURPOSE_TRAINING + GAMMA) & MASK)
    return unmix(h0) ^ 0x5EED5EED5EED5EED


def seeds_in(value, found):
    if isinstance(value, dict):
        for k, v in value.items():
            if "seed" in k and isinstance(v, int):
                found.append(v)
            seeds_in(v, found)
    elif isinstance(value, list):
        for v in value:
            seeds_in(v, found)
    return found


class SeedAttack(fuq.Estimator):
    name, version = "seed-attack", "1"

    def __init__(self, modes, published):
        self.modes, self.published = modes, published

    def fit(self, context):
        candidates = []
        if "spec" in self.modes:
            candidates += seeds_in(context.spec, [])
        if "published" in self.modes:
            candidates += self.published
        if "invert" in self.modes:
            candidates.append(invert_fit_seed(context.seed))
        prior = context.spec["mu"]["prior"]
        with open(context.model_path("model.json"), "w") as f:
            json.dump({"candidates": candidates, "mu": [prior["min"], prior["max"]]}, f)
        print(f"ATTACK fit: candidate roots {candidates}", file=sys.stderr)

    def load(self, model_dir, spec, features):
        with open(os.path.join(model_dir, "model.json")) as f:
            model = json.load(f)
        self.mu_range = model["mu"]
        self.table = {}
        for root in model["candidates"]:
            key = sealed_key(root)
            for s in range(MAX_SETS):
                for p in range(MAX_PER_SET):
                    seed = Xoshiro(sealed_seed(key, [PURPOSE_ESTIMATOR, s, p])).next()
                    self.table[seed] = (root, s, p)

    def estimate(self, events, seed):
        found = self.table.get(seed)
        if found is None:
            print("ATTACK estimate: no match", file=sys.stderr)
            return {"p16": self.mu_range[0], "p84": self.mu_range[1]}
        root, s, p = found
        rng = Xoshiro(derive(root, [PURPOSE_SET_TRUTH, s]))
        mu = self.mu_range[0] + (self.mu_range[1] - self.mu_range[0]) * rng.unit()
        print(f"ATTACK estimate: root {root}, set {s}, pseudo-experiment {p}, mu {mu}", file=sys.stderr)
        return {"p16": mu - 0.0005, "p84": mu + 0.0005, "mu_hat": mu}


if __name__ == "__main__":
    modes = sys.argv[1].split(",") if len(sys.argv) > 1 else ["spec"]
    published = [int(x) for x in sys.argv[2].split(",")] if len(sys.argv) > 2 else []
    fuq.run(SeedAttack(modes, published))
