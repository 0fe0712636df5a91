"""Python client of the fair-uq-bench plugin protocol, version 2 (needs numpy only).

An estimator is an object with ``fit``, ``load`` and ``estimate``; ``run`` speaks the protocol
for it on stdin/stdout (see datasets-spec/plugin-protocol-v1.md and -v2.md)::

    import fair_uq_plugin as fuq

    class Counter(fuq.Estimator):
        name, version = "counter", "1"

        def fit(self, context):                      # once, in its own process
            nominal = context.transform(tes=1.0, jes=1.0)
            expected = float(nominal.weights.sum())
            with open(context.model_path("model.txt"), "w") as f:
                f.write(str(expected))

        def load(self, model_dir, spec, features):   # once per worker process
            self.expected = float(open(f"{model_dir}/model.txt").read())

        def estimate(self, events, seed):            # once per pseudo-experiment
            mu = events.rows / self.expected
            return {"p16": 0.8 * mu, "p84": 1.2 * mu, "mu_hat": mu,
                    "intervals": {0.95: (0.6 * mu, 1.4 * mu)}}   # optional: further levels

    fuq.run(Counter())

Event data arrive as memory-mapped files (``EventFile``): ``events.features`` is a read-only
float32 array of shape (28, rows), one row per feature in ``FEATURES`` order (so
``events["DER_mass_vis"]`` is one column); training files also have ``weights`` (expected
events per row) and ``process_codes`` (0 htautau, 1 ztautau, 2 ttbar, 3 diboson).

``transform_events(features, tes=..., jes=..., soft_met=..., seed=...)`` sends rows of the
estimator's own (any float32 array of shape (28, n)) through the harness's systematics transform,
in ``fit`` and in ``estimate`` alike, and returns the surviving rows' features and their row
numbers (protocol version 2, datasets-spec/plugin-protocol-v2.md).

Anything the estimator prints goes to stderr (the plugin's log): ``run`` moves stdout aside so
that only protocol messages reach the harness. An exception in ``estimate`` fails that
pseudo-experiment with the exception's text and the plugin carries on.
"""

import json
import mmap
import os
import sys
import traceback

import numpy as np

PROTOCOL_VERSION = 2

#: The 28 feature columns of event files, in file order.
FEATURES = (
    "PRI_lep_pt", "PRI_lep_eta", "PRI_lep_phi", "PRI_had_pt", "PRI_had_eta", "PRI_had_phi",
    "PRI_jet_leading_pt", "PRI_jet_leading_eta", "PRI_jet_leading_phi",
    "PRI_jet_subleading_pt", "PRI_jet_subleading_eta", "PRI_jet_subleading_phi",
    "PRI_n_jets", "PRI_jet_all_pt", "PRI_met", "PRI_met_phi",
    "DER_mass_transverse_met_lep", "DER_mass_vis", "DER_pt_h", "DER_deltaeta_jet_jet",
    "DER_mass_jet_jet", "DER_prodeta_jet_jet", "DER_deltar_had_lep", "DER_pt_tot", "DER_sum_pt",
    "DER_pt_ratio_lep_had", "DER_met_phi_centrality", "DER_lep_eta_centrality",
)
#: Process names by process code.
PROCESSES = ("htautau", "ztautau", "ttbar", "diboson")
#: The value of an undefined feature (a missing jet, ...).
UNDEFINED = -25.0

MAGIC = b"\x89FUQEVT\n"
HEADER_BYTES = 64
LABELLED_FLAG = 1


class ProtocolError(Exception):
    """The harness sent something this client does not understand, or refused a request."""


class EventFile:
    """A memory-mapped event file of protocol v1 (read-only numpy views, no copy)."""

    def __init__(self, path, buffer, rows, labelled):
        self.path = path
        self.rows = rows
        self.labelled = labelled
        n = len(FEATURES)
        #: float32 array (28, rows): ``features[i]`` is feature ``FEATURES[i]``.
        self.features = np.frombuffer(buffer, dtype="<f4", count=n * rows, offset=HEADER_BYTES).reshape(n, rows)
        #: float32 weights (expected events per row), training files only.
        self.weights = None
        #: uint8 process codes, training files only.
        self.process_codes = None
        if labelled:
            w = HEADER_BYTES + 4 * n * rows
            self.weights = np.frombuffer(buffer, dtype="<f4", count=rows, offset=w)
            self.process_codes = np.frombuffer(buffer, dtype=np.uint8, count=rows, offset=w + 4 * rows)

    def column(self, name):
        """The values of one feature, e.g. ``column("DER_mass_vis")``."""
        return self.features[FEATURES.index(name)]

    __getitem__ = column

    def is_signal(self):
        """Boolean array: rows of the signal process (training files only)."""
        return self.process_codes == 0


_mapped = {}


def open_event_file(path, rows=None):
    """Maps an event file (the mapping of a path is kept while the file keeps its size, so a
    worker's file, rewritten for each pseudo-experiment, is mapped once)."""
    size = os.stat(path).st_size
    cached = _mapped.get(path)
    if cached is None or cached[1] != size:
        with open(path, "rb") as f:
            buffer = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) if size > 0 else b""
        cached = (buffer, size)
        _mapped[path] = cached
    buffer = cached[0]
    if size < HEADER_BYTES or bytes(buffer[0:8]) != MAGIC:
        raise ProtocolError(f"{path} is not a plugin event file")
    header = np.frombuffer(buffer, dtype="<u4", count=8, offset=8)
    version, columns = int(header[0]), int(header[1])
    count = int(np.frombuffer(buffer, dtype="<u8", count=1, offset=16)[0])
    labelled = bool(header[4] & LABELLED_FLAG)
    if version != 1 or columns != len(FEATURES):
        raise ProtocolError(f"{path}: event file version {version} with {columns} columns; expected version 1, 28 columns")
    if rows is not None and rows != count:
        raise ProtocolError(f"{path}: the message says {rows} rows, the file {count}")
    needed = HEADER_BYTES + 4 * columns * count + (5 * count if labelled else 0)
    if size < needed:
        raise ProtocolError(f"{path}: {size} bytes, shorter than its {count} rows need ({needed})")
    return EventFile(path, buffer, count, labelled)


class Estimator:
    """Base class (optional: any object with these methods will do)."""

    name = "estimator"
    version = "1"

    def fit(self, context):
        """Train on ``context`` (a ``FitContext``) and save the model under ``context.model_dir``."""
        raise NotImplementedError

    def load(self, model_dir, spec, features):
        """Load the model that ``fit`` saved (called once in every worker process)."""
        raise NotImplementedError

    def estimate(self, events, seed):
        """Return ``{"p16": .., "p84": ..}`` (optionally ``mu_hat``, ``delta_mu_hat``,
        ``p2_5``, ``p97_5``, and ``intervals``: central intervals at further confidence levels,
        ``{0.5: (lower, upper), 0.9: (lower, upper), ...}`` or a list of
        ``{"level", "lower", "upper"}``; never the scored level, which is p16/p84) for one
        pseudo-experiment's ``EventFile``. ``seed`` (an int below 2**64) seeds any randomness of
        the estimate."""
        raise NotImplementedError


class FitContext:
    """What ``fit`` gets: the challenge spec, the training pool, the transform, a model directory."""

    def __init__(self, channel, message):
        self._channel = channel
        #: The challenge spec (a dict: yields, nuisances with priors, mu prior, ...).
        self.spec = message["spec"]
        self.features = tuple(message["features"])
        #: The training pool as an ``EventFile`` (labelled): features, weights, process codes.
        self.training = open_event_file(message["training"]["path"], message["training"]["rows"])
        #: A writable directory; everything ``load`` needs must be saved here.
        self.model_dir = message["model_dir"]
        #: Seed for the fit's own randomness.
        self.seed = int(message["seed"])
        self._next_id = 1

    def model_path(self, name):
        """A path in the model directory."""
        return os.path.join(self.model_dir, name)

    def transform(self, tes=1.0, jes=1.0, soft_met=0.0, apply_cuts=True, seed=None):
        """The training pool after the systematics transform at these nuisance values (a new
        labelled ``EventFile``). ``soft_met`` noise is drawn from ``seed`` if given, else from
        the harness's training generator. Normalisation nuisances do not change events: scale
        ``weights`` of the processes they act on instead."""
        request = {"type": "transform", "id": self._next_id,
                   "nuisances": {"tes": float(tes), "jes": float(jes), "soft_met": float(soft_met)},
                   "apply_cuts": bool(apply_cuts)}
        if seed is not None:
            request["seed"] = int(seed)
        self._next_id += 1
        reply = self._channel.request(request, "transformed")
        events = open_event_file(reply["events"]["path"], reply["events"]["rows"])
        events.request_id = request["id"]
        return events

    def discard(self, events):
        """Lets the harness delete a transformed pool that is no longer needed (saves memory)."""
        _mapped.pop(events.path, None)
        self._channel.request({"type": "discard", "id": events.request_id}, "discarded")


class _Channel:
    """Protocol lines on the real stdin/stdout."""

    def __init__(self):
        self.inp = sys.stdin.buffer
        # Keep the real stdout for protocol messages and point fd 1 (and sys.stdout) at stderr,
        # so that prints of the estimator or its libraries land in the log.
        self.out = os.fdopen(os.dup(1), "wb", buffering=0)
        os.dup2(2, 1)
        sys.stdout = sys.stderr

    def send(self, message):
        self.out.write(json.dumps(message, separators=(",", ":")).encode() + b"\n")

    def receive(self):
        line = self.inp.readline()
        if not line:
            return None
        return json.loads(line)

    def request(self, message, expected):
        self.send(message)
        reply = self.receive()
        if reply is None:
            raise ProtocolError("the harness closed the connection")
        if reply.get("type") == "error":
            raise ProtocolError(reply.get("message", "the harness refused the request"))
        if reply.get("type") != expected or reply.get("id") != message["id"]:
            raise ProtocolError(f"expected a {expected!r} reply to request {message['id']}, got {reply!r}")
        return reply


class _Session:
    """The conversation of this process, for requests made outside ``fit``'s context."""

    channel = None
    requests_dir = None
    next_id = 1 << 40   # apart from FitContext's transform ids


def transform_events(features, tes=1.0, jes=1.0, soft_met=0.0, seed=31415, apply_cuts=True):
    """Rows of your own through the harness's systematics transform (the code that makes the
    pseudo-experiments): ``features`` is an array of shape (28, n) in ``FEATURES`` order (only
    the 16 ``PRI_*`` rows are read; the ``DER_*`` ones are recomputed). Returns ``(transformed,
    source_rows)``: a float32 array (28, m) of the rows that survive the cuts and, for each, its
    0-based row in ``features`` (int64). ``seed`` seeds the soft-MET noise (one Gaussian pair per
    input row): the same rows and seed give the same result, as ``bench systematics --seed``.
    Usable in ``fit`` and ``estimate`` (protocol version 2)."""
    if _Session.channel is None or _Session.requests_dir is None:
        raise ProtocolError("transform_events needs a harness speaking protocol version 2 (no requests_dir was given)")
    n = len(FEATURES)
    array = np.ascontiguousarray(features, dtype="<f4")
    if array.ndim != 2 or array.shape[0] != n:
        raise ValueError(f"transform_events takes an array of shape ({n}, rows); got {array.shape}")
    rows = array.shape[1]
    request_id = _Session.next_id
    _Session.next_id += 1
    path = os.path.join(_Session.requests_dir, f"request-{request_id}.events")
    header = bytearray(HEADER_BYTES)
    header[0:8] = MAGIC
    header[8:24] = np.array([1, n], dtype="<u4").tobytes() + np.array([rows], dtype="<u8").tobytes()
    with open(path, "wb") as f:
        f.write(header)
        f.write(memoryview(array).cast("B"))
    try:
        reply = _Session.channel.request({
            "type": "transform_events", "id": request_id, "events": {"path": path, "rows": rows},
            "nuisances": {"tes": float(tes), "jes": float(jes), "soft_met": float(soft_met)},
            "apply_cuts": bool(apply_cuts), "seed": int(seed) % (1 << 64)}, "transformed_events")
    finally:
        os.unlink(path)
    out_path, rows_path = reply["events"]["path"], reply["source_rows"]["path"]
    try:
        kept = int(reply["events"]["rows"])
        transformed = np.fromfile(out_path, dtype="<f4", count=n * kept, offset=HEADER_BYTES).reshape(n, kept)
        source_rows = np.fromfile(rows_path, dtype="<u4", count=kept).astype(np.int64)
    finally:
        for p in (out_path, rows_path):
            try:
                os.unlink(p)
            except OSError:
                pass
    if transformed.shape != (n, kept) or source_rows.shape != (kept,):
        raise ProtocolError(f"the harness's reply files hold fewer than the {kept} rows it announced")
    return transformed, source_rows


def _estimate_reply(request_id, result):
    if isinstance(result, (tuple, list)):
        result = {"p16": result[0], "p84": result[1]}
    reply = {"type": "estimate", "id": request_id}
    for key in ("p16", "p84", "mu_hat", "delta_mu_hat", "p2_5", "p97_5"):
        if result.get(key) is not None:
            reply[key] = float(result[key])
    intervals = result.get("intervals")
    if intervals is not None:
        reply["intervals"] = _intervals(intervals)
    return reply


def _intervals(intervals):
    """``{level: (lower, upper)}`` or ``[{"level", "lower", "upper"}]`` as the protocol's list
    (version 2), ascending by level; the harness checks the values and names a bad one."""
    if isinstance(intervals, dict):
        entries = [{"level": level, "lower": bounds[0], "upper": bounds[1]} for level, bounds in intervals.items()]
    else:
        entries = [dict(entry) for entry in intervals]
    out = []
    for entry in entries:
        missing = [key for key in ("level", "lower", "upper") if entry.get(key) is None]
        if missing:
            raise ValueError(f"an entry of intervals has no {missing[0]!r}: {entry!r}")
        out.append({key: float(entry[key]) for key in ("level", "lower", "upper")})
    return sorted(out, key=lambda entry: entry["level"])


def _describe(error):
    return f"{type(error).__name__}: {error}"


def run(estimator):
    """Serves the protocol for ``estimator`` until the harness says ``shutdown`` or closes stdin."""
    channel = _Channel()
    channel.send({"type": "hello", "protocol": PROTOCOL_VERSION,
                  "name": getattr(estimator, "name", "estimator"), "version": str(getattr(estimator, "version", "1"))})
    while True:
        message = channel.receive()
        if message is None or message.get("type") == "shutdown":
            return
        kind = message.get("type")
        _Session.channel = channel
        if message.get("requests_dir"):
            _Session.requests_dir = message["requests_dir"]
        try:
            if kind == "fit":
                estimator.fit(FitContext(channel, message))
                channel.send({"type": "fitted"})
            elif kind == "load":
                estimator.load(message["model_dir"], message["spec"], tuple(message["features"]))
                channel.send({"type": "ready"})
            elif kind == "estimate":
                events = open_event_file(message["events"]["path"], message["events"]["rows"])
                result = estimator.estimate(events, int(message["seed"]))
                channel.send(_estimate_reply(message["id"], result))
            else:
                channel.send({"type": "error", "message": f"this client does not know the message type {kind!r}"})
        except Exception as error:  # reported to the harness, which records it; the plugin carries on
            traceback.print_exc(file=sys.stderr)
            reply = {"type": "error", "message": _describe(error)}
            if "id" in message and kind == "estimate":
                reply["id"] = message["id"]
            channel.send(reply)
