"""A protocol-2 test plugin for transform_events requests (rows of its own through the host's
transform), in the worker as in the fit. Usage: transform_plugin.py MODE.

Modes:
  echo        fit: transforms its training features (tes 1.02, soft_met 1, seed 77) and checks the
              reply's shape; estimate: transforms the pseudo-experiment (tes 0.98, jes 1.03,
              soft_met 2, seed 5, with cuts) and answers mu_hat = surviving rows,
              p16 = sum of DER_mass_vis, p84 = p16 + sum of the source rows, delta_mu_hat = PRI_met sum.
  symlink     estimate: names a link in its requests_dir that points at the worker's event file.
  outside     estimate: names its own event file, outside requests_dir.
  reply-link  estimate: leaves links at the reply names the host would create.
  short       estimate: a request file shorter than its header says.
  normalisation  estimate: asks to transform with ttbar_scale.
  huge        estimate: a 64-byte file whose header claims 2^31 - 2000 rows.
  litter DIR  estimate: answers mu_hat = entries found in requests_dir, then leaves a file, a
              subdirectory holding a link to DIR (a host directory) and a link to DIR itself.
The harness's refusals come back as errors, which the plugin reports as its own (so the test sees
the host's text), and the plugin carries on.
"""
import os
import sys

import numpy as np

import fair_uq_plugin as fuq

MODE = sys.argv[1]


def request(path, rows, nuisances=None, request_id=7):
    return fuq._Session.channel.request({"type": "transform_events", "id": request_id,
                                         "events": {"path": path, "rows": rows},
                                         "nuisances": nuisances or {"tes": 1.0}, "seed": 1}, "transformed_events")


class TransformPlugin(fuq.Estimator):
    name = "transform-" + MODE

    def fit(self, context):
        if MODE == "echo":
            out, rows = fuq.transform_events(context.training.features, tes=1.02, soft_met=1.0, seed=77)
            assert out.shape == (28, len(rows)) and 0 < len(rows) <= context.training.rows, out.shape
            assert np.all(np.diff(rows) > 0), "source rows ascend"
        with open(context.model_path("ok"), "w") as f:
            f.write("ok")

    def load(self, model_dir, spec, features):
        assert fuq._Session.requests_dir, "a protocol-2 load names the requests_dir"

    def estimate(self, events, seed):
        directory = fuq._Session.requests_dir
        if MODE == "echo":
            out, rows = fuq.transform_events(events.features, tes=0.98, jes=1.03, soft_met=2.0, seed=5)
            return {"mu_hat": float(len(rows)), "p16": float(np.sum(out[17], dtype=np.float64)),
                    "p84": float(np.sum(out[17], dtype=np.float64) + rows.sum()),
                    "delta_mu_hat": float(np.sum(out[14], dtype=np.float64))}
        if MODE == "symlink":
            link = os.path.join(directory, "link.events")
            os.symlink(events.path, link)
            request(link, events.rows)
        elif MODE == "outside":
            request(events.path, events.rows)
        elif MODE == "reply-link":
            for suffix in ("events", "rows"):
                os.symlink(events.path, os.path.join(directory, f"reply-7.1.{suffix}"))
            path = os.path.join(directory, "rows.events")
            with open(path, "wb") as f:
                f.write(bytes(memoryview(np.frombuffer(open(events.path, "rb").read(), dtype=np.uint8))))
            request(path, events.rows)
        elif MODE == "short":
            path = os.path.join(directory, "short.events")
            with open(path, "wb") as f:
                f.write(open(events.path, "rb").read()[:64 + 100])
            request(path, events.rows)
        elif MODE == "huge":
            path = os.path.join(directory, "huge.events")
            header = bytearray(64)
            header[0:8] = fuq.MAGIC
            header[8:24] = np.array([1, 28], dtype="<u4").tobytes() + np.array([(1 << 31) - 2000], dtype="<u8").tobytes()
            with open(path, "wb") as f:
                f.write(header)
            request(path, (1 << 31) - 2000)
        elif MODE == "litter":
            found = len(os.listdir(directory))
            with open(os.path.join(directory, "left-behind"), "w") as f:
                f.write("state for the next pseudo-experiment")
            os.mkdir(os.path.join(directory, "sub"))
            os.symlink(sys.argv[2], os.path.join(directory, "sub", "into-host"))
            os.symlink(sys.argv[2], os.path.join(directory, "host-link"))
            return {"p16": 0.0, "p84": 1.0, "mu_hat": float(found)}
        elif MODE == "normalisation":
            path = os.path.join(directory, "rows.events")
            with open(path, "wb") as f:
                f.write(open(events.path, "rb").read())
            request(path, events.rows, nuisances={"ttbar_scale": 1.1})
        return {"p16": 0.0, "p84": 1.0}


fuq.run(TransformPlugin())
