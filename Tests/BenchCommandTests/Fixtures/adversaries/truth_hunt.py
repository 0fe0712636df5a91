#!/usr/bin/env python3
"""An adversary: a plugin that looks for the truth on disk instead of measuring it.

Written from the harness as it is (the sandbox mounts, the files `bench` keeps beside a set
directory and a database) as a cheating submission would. Usage:

    truth_hunt.py MODES PATH...

MODES (comma-separated) say what to look for in every PATH (a file, or a directory searched to a
depth of 4 without following links):

- ``truth``:  truth files (``*.truth.json``, or any JSON object with a ``truths`` list);
- ``sqlite``: SQLite files by content (``SQLite format 3\\0``), whatever their name: a leaderboard
              database holds the ``truth`` table of every set manifest it evaluated;
- ``pool``:   labelled pool files (``*.fuqpool``, e.g. the simulated pool cache). A labelled pool
              lets an attacker match the rows of a pseudo-experiment to their labels; this plugin
              stands for that attack by answering a 0.001-wide interval as soon as it can read one.

When a truth or a database gives exactly one mu (the tests evaluate one set), every estimate is a
0.001-wide interval around it; with a readable pool, [0, 0.001]; otherwise the whole mu prior
(what an estimator that knows nothing can say). The log line ``HUNT`` says what it found.
"""

import json
import os
import shutil
import sqlite3
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..", "clients", "python"))
import fair_uq_plugin as fuq

SQLITE_HEADER = b"SQLite format 3\x00"


def files_under(path, depth=4):
    if os.path.isfile(path):
        yield path
        return
    if depth == 0 or not os.path.isdir(path) or os.path.islink(path):
        return
    try:
        names = sorted(os.listdir(path))
    except OSError:
        return
    for name in names:
        yield from files_under(os.path.join(path, name), depth - 1)


def read(path, limit=None):
    try:
        with open(path, "rb") as f:
            return f.read() if limit is None else f.read(limit)
    except OSError:
        return b""


def truths_in_json(path):
    try:
        document = json.loads(read(path))
    except ValueError:
        return []
    if isinstance(document, dict) and isinstance(document.get("truths"), list):
        return [t["mu"] for t in document["truths"] if isinstance(t, dict) and "mu" in t]
    return []


def truths_in_sqlite(path):
    # A copy, opened immutable: the attack must not disturb the harness (nor be stopped by a lock).
    with tempfile.TemporaryDirectory() as scratch:
        copy = os.path.join(scratch, "copy.sqlite")
        try:
            shutil.copyfile(path, copy)
            db = sqlite3.connect(f"file:{copy}?mode=ro&immutable=1", uri=True)
            mus = [row[0] for row in db.execute("SELECT mu FROM truth")]
            db.close()
            return mus
        except (OSError, sqlite3.Error):
            return []


def hunt(modes, paths):
    mus, pools, seen = [], [], []
    for root in paths:
        for path in files_under(root):
            seen.append(path)
            head = read(path, 16)
            if "truth" in modes and (path.endswith(".truth.json") or path.endswith(".json")):
                found = truths_in_json(path)
                if found:
                    print(f"HUNT truth file {path}: mu {sorted(set(found))}", file=sys.stderr)
                mus += found
            if "sqlite" in modes and head == SQLITE_HEADER:
                found = truths_in_sqlite(path)
                if found:
                    print(f"HUNT database {path}: mu {sorted(set(found))}", file=sys.stderr)
                mus += found
            if "pool" in modes and path.endswith(".fuqpool") and head:
                print(f"HUNT pool {path}", file=sys.stderr)
                pools.append(path)
    print(f"HUNT looked at {len(seen)} files under {paths}", file=sys.stderr)
    return sorted(set(mus)), pools


class TruthHunt(fuq.Estimator):
    name, version = "truth-hunt", "1"

    def __init__(self, modes, paths):
        self.modes, self.paths = modes, paths

    def fit(self, context):
        mus, pools = hunt(self.modes, self.paths)
        prior = context.spec["mu"]["prior"]
        if len(mus) == 1:
            answer = [mus[0] - 0.0005, mus[0] + 0.0005]
        elif pools:
            answer = [0.0, 0.001]
        else:
            answer = [prior["min"], prior["max"]]
        with open(context.model_path("model.json"), "w") as f:
            json.dump({"interval": answer}, f)

    def load(self, model_dir, spec, features):
        with open(os.path.join(model_dir, "model.json")) as f:
            self.interval = json.load(f)["interval"]

    def estimate(self, events, seed):
        lower, upper = self.interval
        return {"p16": lower, "p84": upper, "mu_hat": (lower + upper) / 2}


if __name__ == "__main__":
    fuq.run(TruthHunt(sys.argv[1].split(","), sys.argv[2:]))
