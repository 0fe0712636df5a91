#!/usr/bin/env python3
"""Writes Parquet files with pyarrow for every codec x encoding x data page version x row-group
layout, and the values they hold, for the reader's tests (ParquetMatrixTests).

Usage: write_matrix.py OUTDIR. Writes OUTDIR/<codec>-<dict|plain|split>-v<1|2>-g<groups>.parquet,
each with the same 1000 rows: float32 and float64 features (with the -25 marker and extreme
values), int32, int64, boolean and string columns; and OUTDIR/expected.json with every value
(floats as the hex of their bits, so the comparison is exact).
"""
import json
import os
import sys

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

out = sys.argv[1]
rng = np.random.default_rng(20261206)
n = 1000
f32 = rng.normal(50, 30, n).astype(np.float32)
f32[::7] = -25.0
f32[3] = np.float32(3.4028235e38)
f32[5] = np.float32(1.4e-45)
f64 = rng.normal(0, 1, n)
f64[::11] = -25.0
# A float32 feature stored as float64, as pandas upcasts: exact when read back as float32.
up = rng.uniform(-3, 3, n).astype(np.float32).astype(np.float64)
i32 = rng.integers(-2**31, 2**31 - 1, n, dtype=np.int32)
i64 = rng.integers(-2**62, 2**62, n, dtype=np.int64)
flags = rng.random(n) < 0.3
labels = rng.choice(["htautau", "ztautau", "ttbar", "diboson"], n, p=[0.1, 0.6, 0.25, 0.05])
table = pa.table({
    "f32": pa.array(f32, pa.float32()), "f64": pa.array(f64, pa.float64()), "up": pa.array(up, pa.float64()),
    "i32": pa.array(i32, pa.int32()), "i64": pa.array(i64, pa.int64()), "flag": pa.array(flags, pa.bool_()),
    "label": pa.array(labels, pa.string()),
})

files = []
for codec in ["none", "snappy", "gzip", "zstd"]:
    for encoding in ["dict", "plain", "split"]:
        for version in ["1.0", "2.0"]:
            for groups in [1, 3]:
                name = f"{codec}-{encoding}-v{version[0]}-g{groups}.parquet"
                options = dict(compression=codec, data_page_version=version, row_group_size=(n + groups - 1) // groups,
                               use_dictionary=(encoding == "dict"), data_page_size=1024)
                if encoding == "split":
                    options["use_byte_stream_split"] = ["f32", "f64", "up"]
                pq.write_table(table, os.path.join(out, name), **options)
                files.append(name)

# A null in a feature column (row 417 of 1000, the second of three row groups of 334 rows), in
# both page versions: the reader must refuse it, naming the column, row group and row.
with_null = f32.astype(object)
with_null[417] = None
nulls = pa.table({"f32": pa.array(list(with_null), pa.float32())})
for version in ["1.0", "2.0"]:
    pq.write_table(nulls, os.path.join(out, f"null-v{version[0]}.parquet"), row_group_size=334, data_page_version=version)

with open(os.path.join(out, "expected.json"), "w") as f:
    json.dump({
        "files": files,
        "f32": [int(x) for x in f32.view(np.uint32)], "f64": [int(x) for x in f64.view(np.uint64)],
        "up": [int(x) for x in up.astype(np.float32).view(np.uint32)],
        "i32": [int(x) for x in i32], "i64": [int(x) for x in i64], "flag": [bool(x) for x in flags],
        "label": [str(x) for x in labels],
    }, f)
