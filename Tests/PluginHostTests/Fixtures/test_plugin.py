#!/usr/bin/env python3
"""A plugin that misbehaves on purpose, for PluginHostTests.

Usage: test_plugin.py MODE [PATH ...]

Start-up modes speak the protocol by hand (to break it): wrong-version, exit-at-once,
noise-before-hello, garbage-at-start, partial-line, slow-start.

The other modes use the client (fair_uq_plugin) and behave until a pseudo-experiment carries
the marker (PRI_lep_pt of row 0 == -1); on that one they do what the mode says: crash, exit,
hang, spin (burn CPU), garbage, nan, swapped, memory, error, wrong-id. Unmarked pseudo-experiments are answered
with a digest of the event file, so that tests can check the data arrived intact:

    mu_hat = sum of all 28 x rows values (float64),  delta_mu_hat = rows,
    p16 = min of all values, p84 = max of all values       (0, 0 for an empty file)

Mode memory answers unmarked pseudo-experiments with mu_hat = RLIMIT_AS in MiB (-1: unlimited),
and on the marker allocates 2 GiB. Mode reserve reserves 64 GiB of PROT_NONE address space at
start (as torch, TensorFlow and JAX do at import) and answers the digest with mu_hat replaced
by the GiB reserved. Mode hog writes 600 MiB on the marker and holds it for 20 s, then answers;
mode child-hog has a child process in a session of its own do that (its command line carries
PATH[0], a token the test looks for in /proc) while the plugin waits for it. Mode levels adds
intervals at 0.5 [p16, p16], 0.9 [p16 - 1, p84 + 1] and 0.95 (p2_5, p97_5) [p16 - 2, p84 + 2] to
the digest, and on the marker a swapped 90% interval. Mode probe tries to open each PATH (in fit and in estimate) and answers
mu_hat = paths the worker could read, delta_mu_hat = paths the fitting process could read,
p16 = 0, p84 = network interfaces other than lo.
"""

import json
import math
import os
import resource
import signal
import sys
import time

mode = sys.argv[1] if len(sys.argv) > 1 else "echo"
paths = sys.argv[2:]


def raw(line):
    os.write(1, line)


if mode == "wrong-version":
    raw(b'{"type":"hello","protocol":3,"name":"future"}\n')
    sys.stdin.readline()
    sys.exit(0)
if mode == "exit-at-once":
    sys.exit(0)
if mode == "noise-before-hello":
    raw(b"Loading model weights from disk...\n")
    raw(b'{"type":"hello","protocol":1,"name":"noisy"}\n')
    sys.stdin.readline()
    sys.exit(0)
if mode == "garbage-at-start":
    raw(b"\x00\xff\xfe garbage \x01\x02\n")
    sys.stdin.readline()
    sys.exit(0)
if mode == "partial-line":
    raw(b'{"type":"hel')
    sys.exit(4)
if mode == "slow-start":
    time.sleep(3600)

RESERVED = []
if mode == "reserve":
    import mmap

    RESERVED.append(mmap.mmap(-1, 64 << 30, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS, prot=0))  # PROT_NONE

HOG = "b = bytearray(b'\\x01') * (600 << 20); import sys, time; print('hog holds', len(b), file=sys.stderr); time.sleep(20)"

import numpy as np  # noqa: E402
import fair_uq_plugin as fuq  # noqa: E402


def readable(candidates):
    count = 0
    for path in candidates:
        try:
            with open(path, "rb") as f:
                f.read(1)
            count += 1
            print(f"probe: could read {path}", file=sys.stderr)
        except OSError as error:
            print(f"probe: cannot read {path}: {error}", file=sys.stderr)
    return count


def interfaces():
    try:
        with open("/proc/net/dev") as f:
            lines = f.read().splitlines()[2:]
        return sum(1 for line in lines if line.split(":")[0].strip() != "lo")
    except OSError:
        return 0


class TestPlugin(fuq.Estimator):
    name = "test-plugin-" + mode
    version = "7"

    def fit(self, context):
        nominal = context.transform()
        with open(context.model_path("model.json"), "w") as f:
            json.dump({"rows": nominal.rows, "fit_readable": readable(paths) if mode == "probe" else 0}, f)

    def load(self, model_dir, spec, features):
        with open(os.path.join(model_dir, "model.json")) as f:
            self.model = json.load(f)

    def estimate(self, events, seed):
        marked = events.rows > 0 and events.features[0, 0] == -1
        if mode == "request-id":
            return "request-id"
        if mode == "probe":
            return {"mu_hat": readable(paths), "delta_mu_hat": self.model["fit_readable"], "p16": 0, "p84": interfaces()}
        if mode == "memory":
            if marked:
                block = np.ones(2 << 28)  # 2 GiB of float64
                return {"p16": 0, "p84": float(block[-1])}
            soft, _ = resource.getrlimit(resource.RLIMIT_AS)
            return {"p16": 0, "p84": 1, "mu_hat": -1 if soft == resource.RLIM_INFINITY else soft / 2**20}
        if marked:
            if mode == "hog":
                exec(HOG)
                return {"p16": 0, "p84": 1}
            if mode == "child-hog":
                import subprocess

                print("starting a child that writes 600 MiB", file=sys.stderr)
                subprocess.run([sys.executable, "-c", HOG, *paths[:1]], start_new_session=True)
                return {"p16": 0, "p84": 1}
            if mode == "crash":
                os.kill(os.getpid(), signal.SIGSEGV)
            if mode == "exit":
                os._exit(3)
            if mode == "hang":
                time.sleep(3600)
            if mode == "spin":
                while True:
                    pass
            if mode == "garbage":
                os.write(sys.__stderr__.fileno(), b"about to write garbage\n")
                fuq_out = self._protocol_out()
                fuq_out.write(b"%%% this is not json\n")
                return {"p16": 0, "p84": 1}
            if mode == "nan":
                return {"p16": math.nan, "p84": 1.0}
            if mode == "swapped":
                return {"p16": 2.0, "p84": 1.0}
            if mode == "error":
                raise ValueError("the marker row is not welcome here")
            if mode == "wrong-id":
                return "wrong-id"
        if events.rows == 0:
            return {"mu_hat": 0, "delta_mu_hat": 0, "p16": 0, "p84": 0}
        values = np.asarray(events.features, dtype=np.float64)
        if mode == "reserve":
            return {"mu_hat": sum(len(m) for m in RESERVED) / 2**30, "delta_mu_hat": events.rows,
                    "p16": float(values.min()), "p84": float(values.max())}
        digest = {"mu_hat": float(values.sum()), "delta_mu_hat": events.rows,
                  "p16": float(values.min()), "p84": float(values.max())}
        if mode == "levels":
            lo, hi = digest["p16"], digest["p84"]
            digest["intervals"] = {0.9: (lo - 1, hi + 1), 0.5: (lo, lo)}
            digest["p2_5"], digest["p97_5"] = lo - 2, hi + 2
            if marked:
                digest["intervals"] = {0.9: (hi + 1, lo - 1)}
        return digest

    @staticmethod
    def _protocol_out():
        return RUN_CHANNEL[0].out


RUN_CHANNEL = []
_original_channel = fuq._Channel


class RecordingChannel(_original_channel):
    """The client's channel, remembered so that mode garbage can write around it."""

    def __init__(self):
        super().__init__()
        RUN_CHANNEL.append(self)


fuq._Channel = RecordingChannel
_original_reply = fuq._estimate_reply


def estimate_reply(request_id, result):
    if result == "wrong-id":
        return {"type": "estimate", "id": request_id + 1000, "p16": 0, "p84": 1}
    if result == "request-id":
        return {"type": "estimate", "id": request_id, "p16": 0, "p84": 1, "mu_hat": float(request_id)}
    return _original_reply(request_id, result)


fuq._estimate_reply = estimate_reply

if __name__ == "__main__":
    fuq.run(TestPlugin())
