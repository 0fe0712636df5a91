"""Prints to stdout freely, as challenge submissions do."""
import sys

import numpy as np

print("printer: imported")


class Model:
    def __init__(self, get_train_set=None, systematics=None):
        print("printer: __init__ with", type(get_train_set).__name__, type(systematics).__name__)
        self.get_train_set = get_train_set
        self.systematics = systematics

    def fit(self):
        train = self.get_train_set()
        print(f"printer: fit on {len(train)} rows, columns {list(train.columns)[:3]}...")
        sys.stdout.write("printer: a write without a newline")
        sys.stdout.flush()
        self.total = float(train["weights"].sum())
        self.signal = float(train["weights"][train["labels"] == 1].sum())

    def predict(self, test_set):
        n = len(test_set["data"])
        print(f"printer: predict on {n} events")
        mu_hat = (n - (self.total - self.signal)) / self.signal
        delta = np.sqrt(n) / self.signal
        return {"mu_hat": mu_hat, "delta_mu_hat": delta, "p16": mu_hat - delta, "p84": mu_hat + delta}
