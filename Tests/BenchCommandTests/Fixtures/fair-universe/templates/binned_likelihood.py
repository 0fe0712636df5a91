"""A binned Poisson likelihood in mu, scanned on a grid (a helper module of model.py)."""
import numpy as np


class BinnedLikelihood:
    def __init__(self, edges, signal, background):
        self.edges = np.asarray(edges)
        self.signal = np.maximum(np.asarray(signal, dtype=float), 0.0)
        self.background = np.maximum(np.asarray(background, dtype=float), 1e-3)

    def interval(self, values, weights):
        counts, _ = np.histogram(values, bins=self.edges, weights=weights)
        grid = np.linspace(-1.0, 5.0, 1201)
        expected = grid[:, None] * self.signal[None, :] + self.background[None, :]
        expected = np.maximum(expected, 1e-9)
        nll = np.sum(expected - counts[None, :] * np.log(expected), axis=1)
        best = int(np.argmin(nll))
        inside = grid[nll - nll[best] <= 0.5]
        return grid[best], inside.min(), inside.max()
