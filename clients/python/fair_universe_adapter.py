"""Runs a FAIR Universe HiggsML Uncertainty Challenge submission (a directory holding ``model.py``)
unmodified, as a fair-uq-bench plugin (protocol version 2; needs numpy and pandas).

    python3 fair_universe_adapter.py SUBMISSION_DIR

``bench evaluate --fair-universe SUBMISSION_DIR`` starts it; the calls are the challenge's
(datasets-spec/plugin-protocol-v2.md, "FAIR Universe submissions"; the challenge's ingestion
program calls them so):

1. ``model = Model(get_train_set=..., systematics=...)``, then ``model.fit()``, once, in the fit
   process. The submission's directory is copied into the model directory first and run from
   there: its helper modules import by bare name (the copy is first on ``sys.path``), files
   beside ``model.py`` are found, and a model it saves beside ``model.py`` travels to the workers.
2. The fitted ``Model`` object is pickled into the model directory (cloudpickle when the
   interpreter has it, else pickle); the two callables it holds are saved by reference and
   re-bound in each worker.
3. Every worker process unpickles it once and calls ``model.predict(test_set)`` per
   pseudo-experiment: ``test_set = {"data": DataFrame of the 28 features, "weights": ones}``.
   numpy's and ``random``'s global generators are seeded from the pseudo-experiment's sealed
   seed first, so a submission drawing from them is reproducible.

``get_train_set(train_size=None, selected_indices=None)`` returns the training pool as the
challenge's DataFrame: the 28 features (float32), ``weights``, ``labels`` (1 for htautau) and
``detailed_labels`` (``htautau``, ``ztautau``, ``ttbar``, ``diboson``). ``train_size`` is a row
count (int) or a fraction (float in [0, 1]); rows are drawn without replacement (seeded by the
fit's seed, in call order) and kept in pool order, and the weights are rescaled so that they sum
to the whole pool's: a sample stands for the full luminosity. Available while fitting only.

``systematics(data_set=None, tes=1.0, jes=1.0, soft_met=0.0, seed=31415, ttbar_scale=None,
diboson_scale=None, bkg_scale=None, dopostprocess=True)`` is computed by the harness's own
transform (``transform_events``): the rows given go to the harness, which applies TES, JES, the
soft-MET noise from ``seed``, the rounding, the cuts (``dopostprocess``) and recomputes the
derived features, exactly as for the pseudo-experiments and ``bench systematics``. It takes a
DataFrame (feature columns and any others, which travel with their rows) or a dict (``data``: a
DataFrame; ``weights`` and any other arrays travel with the rows; ``settings`` passes through)
and returns the same kind. The normalisation scales multiply ``weights`` of the processes the
challenge spec says they act on (named by ``detailed_labels``, or ``labels == 0`` for a scale
acting on all backgrounds); without weights, or without the labels a scale needs, it is not
applied and a warning says so in the log. The challenge's own code tests a column that does not
exist and so never scales: a known bug, not reproduced here.

Workers run from the model directory's copy of the submission, read-only: ``predict`` can read
the files beside ``model.py`` but not write there (``/tmp`` is writable).

Everything the submission prints goes to the plugin's log (stderr).
"""

import importlib.util
import math
import os
import random
import shutil
import sys
import types

import numpy as np

import fair_uq_plugin as fuq

try:
    import pandas as pd
except ImportError as error:  # the adapter cannot run a submission without pandas
    pd = None
    _PANDAS_ERROR = error

PICKLE_NAME = "fitted-model.pickle"
SUBMISSION_COPY = "submission"
RESULT_KEYS = ("mu_hat", "delta_mu_hat", "p16", "p84")
PRIMARY = tuple(name for name in fuq.FEATURES if name.startswith("PRI_"))


def _warn(text):
    """A line in the plugin's log (stderr)."""
    print(f"fair_universe_adapter: warning: {text}", file=sys.stderr)


class SubmissionError(Exception):
    """The submission does not do what the challenge asks of it (the text says what)."""


def _pickle_module():
    try:
        import cloudpickle
        return cloudpickle
    except ImportError:
        import pickle
        return pickle


def _import_model(directory):
    """Imports ``directory/model.py`` as the module ``model``, the directory first on sys.path."""
    path = os.path.join(directory, "model.py")
    if not os.path.isfile(path):
        raise SubmissionError(f"the submission has no model.py ({path})")
    if directory not in sys.path:
        sys.path.insert(0, directory)
    spec = importlib.util.spec_from_file_location("model", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["model"] = module
    spec.loader.exec_module(module)
    if not hasattr(module, "Model"):
        raise SubmissionError(f"{path} defines no class Model")
    return module


class _Scales:
    """Which processes each normalisation nuisance of the spec scales (by process code)."""

    def __init__(self, spec):
        self.acts_on = {}
        for nuisance in (spec or {}).get("nuisances", []):
            processes = (nuisance.get("acts_on") or {}).get("normalisation")
            if isinstance(processes, list):
                self.acts_on[nuisance["name"]] = [fuq.PROCESSES.index(p) for p in processes if p in fuq.PROCESSES]
        for name, default in (("ttbar_scale", [2]), ("diboson_scale", [3]), ("bkg_scale", [1, 2, 3])):
            self.acts_on.setdefault(name, default)


def _sample_rows(train_size, n):
    """Rows of a ``train_size``: a fraction of the pool (a float in [0, 1]) or a count (an int)."""
    if isinstance(train_size, bool):
        raise TypeError("train_size is a row count (int) or a fraction (float in [0, 1]), not a bool")
    if isinstance(train_size, (float, np.floating)):
        if 0 <= train_size <= 1:
            return int(round(float(train_size) * n))
        if not float(train_size).is_integer():
            raise ValueError(f"train_size as a fraction must lie in [0, 1]; got {train_size}")
    k = int(train_size)
    if not 0 <= k <= n:
        raise ValueError(f"train_size must be 0 to {n} rows (the training pool); got {train_size}")
    return k


class Adapter(fuq.Estimator):
    version = "1"

    def __init__(self, submission_dir):
        self.submission_dir = os.path.abspath(submission_dir)
        self.name = os.path.basename(self.submission_dir.rstrip("/")) or "submission"
        self.model = None
        self.scales = _Scales(None)
        self.training = None
        self.rng = None

    # -- the two callables the challenge hands to Model --------------------------------------

    def get_train_set(self, train_size=None, selected_indices=None):
        if self.training is None:
            raise SubmissionError("get_train_set is available in fit() only: the workers that call predict() "
                                  "see the fitted model, not the training pool (keep what predict needs on self)")
        t = self.training
        n = t.rows
        if selected_indices is not None:
            rows = np.asarray(selected_indices).ravel()
            rows = np.flatnonzero(rows) if rows.dtype == bool else rows.astype(np.int64)
            if rows.size and (rows.min() < 0 or rows.max() >= n):
                raise IndexError(f"selected_indices must lie in [0, {n}); got {rows.min()}..{rows.max()}")
        elif train_size is not None:
            k = _sample_rows(train_size, n)
            rows = np.sort(self.rng.choice(n, size=k, replace=False))
        else:
            rows = None
        features = t.features if rows is None else t.features[:, rows]
        weights = (t.weights if rows is None else t.weights[rows]).astype(np.float64)
        codes = t.process_codes if rows is None else t.process_codes[rows]
        if rows is not None and weights.sum() > 0:
            weights *= float(np.sum(t.weights, dtype=np.float64)) / weights.sum()
        columns = {name: np.array(features[i], dtype=np.float32) for i, name in enumerate(fuq.FEATURES)}
        columns["weights"] = weights
        columns["labels"] = (codes == 0).astype(np.int64)
        columns["detailed_labels"] = np.asarray(fuq.PROCESSES, dtype=object)[codes]
        return pd.DataFrame(columns)

    def systematics(self, data_set=None, tes=1.0, jes=1.0, soft_met=0.0, seed=31415, ttbar_scale=None,
                    diboson_scale=None, bkg_scale=None, dopostprocess=True):
        if isinstance(data_set, dict):
            if "data" not in data_set:
                raise KeyError("systematics: a dict data_set needs a 'data' DataFrame")
            frame = data_set["data"]
            n = len(frame)
            extra = {key: value for key, value in data_set.items() if key not in ("data", "settings")}
            for key, value in extra.items():
                if len(value) != n:
                    raise ValueError(f"systematics: data_set['{key}'] has {len(value)} rows, data has {n}")
        elif pd is not None and isinstance(data_set, pd.DataFrame):
            frame, extra, n = data_set, None, len(data_set)
        else:
            raise TypeError(f"systematics takes a DataFrame or a dict with 'data'; got {type(data_set).__name__}")
        missing = [name for name in PRIMARY if name not in frame.columns]
        if missing:
            raise KeyError(f"systematics needs the primary feature columns; missing {', '.join(missing)}")
        array = np.zeros((len(fuq.FEATURES), n), dtype=np.float32)
        for i, name in enumerate(fuq.FEATURES):
            if name in frame.columns:
                array[i] = frame[name].to_numpy(dtype=np.float32)
        transformed, kept = fuq.transform_events(array, tes=tes, jes=jes, soft_met=soft_met, seed=seed,
                                                 apply_cuts=bool(dopostprocess))
        # The frame: transformed features where the input had them (the DER_* it lacked appended),
        # every other column of the surviving rows as it was (index labels kept, as df[mask] keeps them).
        survivors = frame.iloc[kept]
        out = {}
        for column in frame.columns:
            if column in fuq.FEATURES:
                out[column] = transformed[fuq.FEATURES.index(column)]
            else:
                out[column] = survivors[column].to_numpy()
        for i, name in enumerate(fuq.FEATURES):
            if name not in out:
                out[name] = transformed[i]
        result = pd.DataFrame(out, index=survivors.index)
        if extra is None:
            self._scale(result, result, ttbar_scale, diboson_scale, bkg_scale)
            return result
        carried = {key: (value.iloc[kept] if hasattr(value, "iloc") else np.asarray(value)[kept])
                   for key, value in extra.items()}
        self._scale(carried, result, ttbar_scale, diboson_scale, bkg_scale)
        reply = {"data": result, **carried}
        if "settings" in data_set:
            reply["settings"] = data_set["settings"]
        return reply

    def _scale(self, holder, frame, ttbar_scale, diboson_scale, bkg_scale):
        wanted = [(name, value) for name, value in
                  (("ttbar_scale", ttbar_scale), ("diboson_scale", diboson_scale), ("bkg_scale", bkg_scale))
                  if value is not None and float(value) != 1.0]
        if not wanted:
            return
        if "weights" not in holder:
            _warn("systematics: the rows have no 'weights'; the normalisation scales "
                  + ", ".join(name for name, _ in wanted) + " were not applied")
            return
        codes = self._process_codes(holder, frame)
        factor = np.ones(len(frame))
        for name, value in wanted:
            acts_on = self.scales.acts_on[name]
            if codes is None:
                # Without detailed_labels only a scale of every background can be told apart (labels == 0).
                if set(acts_on) == {1, 2, 3} and "labels" in holder:
                    factor[np.asarray(holder["labels"]) == 0] *= float(value)
                else:
                    _warn(f"systematics: {name} needs 'detailed_labels' to find the processes it scales; not applied")
                continue
            for code in acts_on:
                factor[codes == code] *= float(value)
        weights = np.asarray(holder["weights"], dtype=np.float64) * factor
        if hasattr(holder["weights"], "index"):
            holder["weights"] = pd.Series(weights, index=holder["weights"].index, name="weights")
        else:
            holder["weights"] = weights

    @staticmethod
    def _process_codes(holder, frame):
        for source in (holder, frame):
            if "detailed_labels" in source:
                names = np.asarray(source["detailed_labels"]).astype(str)
                codes = np.full(len(names), -1)
                for code, process in enumerate(fuq.PROCESSES):
                    codes[names == process] = code
                if (codes < 0).any():
                    raise ValueError(f"systematics: detailed_labels holds {sorted(set(names[codes < 0]))[:3]}, "
                                     f"none of {', '.join(fuq.PROCESSES)}")
                return codes
        return None

    # -- the plugin protocol ------------------------------------------------------------------

    def fit(self, context):
        if pd is None:
            raise SubmissionError(f"the adapter needs pandas in this interpreter ({sys.executable}): {_PANDAS_ERROR}")
        copy = os.path.join(context.model_dir, SUBMISSION_COPY)
        shutil.copytree(self.submission_dir, copy, symlinks=True,
                        ignore=shutil.ignore_patterns("__pycache__", ".git"))
        self.scales = _Scales(context.spec)
        self.training = context.training
        self.rng = np.random.default_rng(context.seed)
        self._seed_globals(context.seed)
        os.chdir(copy)
        module = _import_model(copy)
        model = module.Model(get_train_set=self.get_train_set, systematics=self.systematics)
        model.fit()
        self.training = None
        path = context.model_path(PICKLE_NAME)
        pickler_module = _pickle_module()
        adapter = self

        class Pickler(pickler_module.Pickler):
            def persistent_id(self, obj):
                if isinstance(obj, types.MethodType) and obj.__self__ is adapter \
                        and obj.__name__ in ("get_train_set", "systematics"):
                    return obj.__name__
                return None

        try:
            with open(path, "wb") as f:
                Pickler(f, protocol=4).dump(model)
        except Exception as error:
            raise SubmissionError(
                f"the fitted Model cannot be handed to the worker processes: pickling it failed ({type(error).__name__}: {error}). "
                "Keep the fitted state in picklable attributes (numpy arrays, pandas, scikit-learn, xgboost, torch modules), "
                "or install cloudpickle in this interpreter for lambdas and local classes") from error

    def load(self, model_dir, spec, features):
        if pd is None:
            raise SubmissionError(f"the adapter needs pandas in this interpreter ({sys.executable}): {_PANDAS_ERROR}")
        copy = os.path.join(model_dir, SUBMISSION_COPY)
        self.scales = _Scales(spec)
        os.chdir(copy)
        _import_model(copy)
        pickler_module = _pickle_module()
        adapter = self

        class Unpickler(pickler_module.Unpickler if hasattr(pickler_module, "Unpickler") else __import__("pickle").Unpickler):
            def persistent_load(self, pid):
                return getattr(adapter, pid)

        with open(os.path.join(model_dir, PICKLE_NAME), "rb") as f:
            self.model = Unpickler(f).load()

    def estimate(self, events, seed):
        self._seed_globals(seed)
        test_set = {"data": test_set_frame(events.features), "weights": np.ones(events.rows)}
        result = self.model.predict(test_set)
        if not isinstance(result, dict):
            raise SubmissionError(f"predict returned a {type(result).__name__}; the challenge expects a dict with "
                                  + ", ".join(RESULT_KEYS))
        reply = {}
        for key in RESULT_KEYS:
            if key not in result:
                raise SubmissionError(f"predict's result has no '{key}' (it has {', '.join(map(str, result)) or 'no keys'})")
            try:
                value = float(np.asarray(result[key]).reshape(()))
            except (TypeError, ValueError) as error:
                raise SubmissionError(f"predict's '{key}' is not a number: {result[key]!r}") from error
            if not math.isfinite(value):
                raise SubmissionError(f"predict's '{key}' is {value}")
            reply[key] = value
        return reply

    @staticmethod
    def _seed_globals(seed):
        np.random.seed(int(seed) % (1 << 32))
        random.seed(int(seed))


def test_set_frame(features):
    """The challenge's ``test_set["data"]``: a DataFrame of the 28 features of one
    pseudo-experiment (a copy: the event file is rewritten for the next one, and submissions may
    modify the frame), built from the (28, rows) column-major array with one copy."""
    block = np.array(features, dtype=np.float32, copy=True)
    return pd.DataFrame(block.T, columns=list(fuq.FEATURES), copy=False)


def main(argv):
    if len(argv) != 2:
        print("usage: fair_universe_adapter.py SUBMISSION_DIR", file=sys.stderr)
        return 2
    fuq.run(Adapter(argv[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
