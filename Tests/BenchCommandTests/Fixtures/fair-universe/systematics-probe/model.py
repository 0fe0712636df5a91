"""Writes what systematics returns for the training set beside model.py, for the test that
compares it with `bench systematics` (and answers pseudo-experiments with a fixed interval)."""
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


class Model:
    def __init__(self, get_train_set=None, systematics=None):
        self.get_train_set = get_train_set
        self.systematics = systematics

    def fit(self):
        train = self.get_train_set()
        out = self.systematics(train, tes=1.03, jes=0.97, soft_met=2.5, seed=987654321)
        out.assign(input_row=out.index).to_csv(os.path.join(HERE, "systematics-dataframe.csv"), index=False,
                                                float_format="%.9g")
        scaled = self.systematics(train, 1.0, 1.0, 0.0, 5, 1.5, 0.5, 2.0, False)   # positionally, scales, no cuts
        scaled.assign(input_row=scaled.index).to_csv(os.path.join(HERE, "systematics-scaled.csv"), index=False,
                                                      float_format="%.17g")
        as_dict = self.systematics({"data": train.drop(columns=["weights", "labels", "detailed_labels"]),
                                    "weights": train["weights"].to_numpy(), "row": np.arange(len(train)),
                                    "settings": {"kept": True}}, tes=1.03, jes=0.97, soft_met=2.5, seed=987654321)
        frame = as_dict["data"].assign(row=as_dict["row"], weights=as_dict["weights"],
                                       settings=str(as_dict["settings"]))
        frame.to_csv(os.path.join(HERE, "systematics-dict.csv"), index=False, float_format="%.9g")

    def predict(self, test_set):
        return {"mu_hat": 1.0, "delta_mu_hat": 0.5, "p16": 0.5, "p84": 1.5}
