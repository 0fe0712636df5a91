"""Counts events in a visible-mass window; trains nothing (the expected yields are sums of
training weights in the window)."""
import numpy as np

LOW, HIGH = 40.0, 160.0


class Model:
    def __init__(self, get_train_set=None, systematics=None):
        self.get_train_set = get_train_set
        self.systematics = systematics
        self.signal = self.background = None

    def fit(self):
        train = self.systematics(self.get_train_set())
        inside = (train["DER_mass_vis"] > LOW) & (train["DER_mass_vis"] < HIGH)
        self.signal = float(train["weights"][inside & (train["labels"] == 1)].sum())
        self.background = float(train["weights"][inside & (train["labels"] == 0)].sum())

    def predict(self, test_set):
        mass = test_set["data"]["DER_mass_vis"].to_numpy()
        n = float(np.sum(test_set["weights"][(mass > LOW) & (mass < HIGH)]))
        mu_hat = (n - self.background) / self.signal
        delta = np.sqrt(max(n, 1.0)) / self.signal
        return {"mu_hat": mu_hat, "delta_mu_hat": delta, "p16": mu_hat - delta, "p84": mu_hat + delta}
