"""Binned templates of DER_mass_vis from a sample of the training set, with a TES envelope from
shifted templates; the interval from a likelihood scan, widened by the envelope."""
import numpy as np
import pandas as pd

from binned_likelihood import BinnedLikelihood

EDGES = np.linspace(0.0, 250.0, 11)


def template(frame, scale):
    signal, _ = np.histogram(frame["DER_mass_vis"][frame["labels"] == 1], bins=EDGES,
                             weights=frame["weights"][frame["labels"] == 1] * scale)
    background, _ = np.histogram(frame["DER_mass_vis"][frame["labels"] == 0], bins=EDGES,
                                 weights=frame["weights"][frame["labels"] == 0] * scale)
    return signal, background


class Model:
    def __init__(self, get_train_set=None, systematics=None):
        self.get_train_set = get_train_set
        self.systematics = systematics

    def fit(self):
        data = self.get_train_set(train_size=0.9)
        detailed = data.pop("detailed_labels")
        assert set(detailed.unique()) <= {"htautau", "ztautau", "ttbar", "diboson"}, detailed.unique()
        train = data.sample(frac=0.5, random_state=11)
        holdout = data.drop(train.index)
        scale = float(data["weights"].sum() / train["weights"].sum())

        nominal = self.systematics(train, tes=1.0, jes=1.0, soft_met=0.0)          # DataFrame, by keyword
        tes_up = self.systematics(train, 1.03, 1.0, 0.0, 31415)                      # positionally
        as_dict = {"data": holdout.drop(columns=["weights", "labels"]),
                   "weights": holdout["weights"].to_numpy(), "labels": holdout["labels"].to_numpy()}
        shifted = self.systematics(data_set=as_dict, tes=0.97, dopostprocess=True)   # a dict
        assert set(shifted) == {"data", "weights", "labels"}, sorted(shifted)
        assert len(shifted["data"]) == len(shifted["weights"]) == len(shifted["labels"])
        assert "weights" not in shifted["data"].columns

        self.likelihood = BinnedLikelihood(EDGES, *template(nominal, scale))
        s_up, b_up = template(tes_up, scale)
        self.envelope = float(np.abs(s_up.sum() - self.likelihood.signal.sum()) / max(self.likelihood.signal.sum(), 1e-9))
        self.holdout_events = int(len(shifted["data"]))

    def predict(self, test_set):
        mu_hat, low, high = self.likelihood.interval(test_set["data"]["DER_mass_vis"], test_set["weights"])
        # systematics in predict too: the pseudo-experiment shifted by a further 1% TES (no cuts).
        shifted = self.systematics({"data": test_set["data"], "weights": test_set["weights"]}, tes=1.01,
                                   dopostprocess=False)
        mu_shifted, _, _ = self.likelihood.interval(shifted["data"]["DER_mass_vis"], shifted["weights"])
        widen = self.envelope * max(abs(mu_hat), 1.0) + 0.5 * abs(mu_shifted - mu_hat)
        low, high = low - widen, high + widen
        return {"mu_hat": np.float64(mu_hat), "delta_mu_hat": (high - low) / 2, "p16": low, "p84": high}
