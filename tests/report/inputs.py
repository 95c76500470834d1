"""Small generated inputs for the command-line tests of degenerate and survey-only runs."""

import numpy as np
import pandas as pd
import yaml


def transactions(n_customers=40, orders=(1, 6), *, seed=0, start="2024-01-01", days=540, amount=(5, 80)):
    """``customer_id, order_date, amount``: each customer buys a random number of times in ``orders``."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n_customers):
        for _ in range(rng.integers(orders[0], orders[1] + 1)):
            rows.append({"customer_id": f"C{i:03d}",
                         "order_date": pd.Timestamp(start) + pd.Timedelta(days=int(rng.integers(0, days))),
                         "amount": round(float(rng.uniform(*amount)), 2)})
    return pd.DataFrame(rows)


def survey(n=120, *, seed=1, ids=None, dates=True, period=False, items=False, comments="en",
           start="2024-01-01", days=540):
    """``score`` (0-10) with ``region``; optional dates, a wave ``period``, a second 0-10 ``ease``
    question that moves with the score, and comments in English or French."""
    rng = np.random.default_rng(seed)
    score = rng.integers(0, 11, n)
    df = pd.DataFrame({"response_id": [f"R{i:04d}" for i in range(n)], "score": score,
                       "region": rng.choice(["North", "South"], n)})
    if ids is not None:
        df["customer_id"] = [ids[i % len(ids)] for i in range(n)]
    if dates:
        df["response_date"] = [(pd.Timestamp(start) + pd.Timedelta(days=int(d))).date()
                               for d in rng.integers(0, days, n)]
    if period:
        df["period"] = 1 + np.arange(n) % 3
    if items:
        df["ease"] = np.clip(score + rng.integers(-2, 3, n), 0, 10)
    words = {"en": (["great friendly staff", "fast delivery, great price"], ["slow delivery", "rude and slow"]),
             "fr": (["le personnel est très sympa", "livraison rapide et le prix est bon"],
                    ["la livraison est lente", "le service est lent et cher"])}[comments]
    df["comment"] = [words[0][i % 2] if s >= 9 else words[1][i % 2] if s <= 6 else "" for i, s in enumerate(score)]
    return df


def write(tmp_path, *, tx=None, sv=None, **config):
    """Write the inputs and ``c.yml`` into ``tmp_path``; return the config path."""
    inputs = {}
    if tx is not None:
        tx.to_csv(tmp_path / "tx.csv", index=False)
        inputs["transactions"] = "tx.csv"
    if sv is not None:
        sv.to_csv(tmp_path / "sv.csv", index=False)
        inputs["survey"] = "sv.csv"
    path = tmp_path / "c.yml"
    path.write_text(yaml.safe_dump({"name": "generated", "inputs": inputs, **config}), encoding="utf-8")
    return path
