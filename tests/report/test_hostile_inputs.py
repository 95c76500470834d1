"""Hostile text in every input column and in the config reaches the reports as text, never as markup
or as a spreadsheet formula (issue: security of the reports and the CRM export)."""

import re

import pandas as pd
import pytest

from helpers import report
from helpers.paths import PROJ_ROOT

SAMPLE = PROJ_ROOT / "data" / "sample"
TAG = "<img src=x onerror=alert(3)>"
SCRIPT = "<script>alert(4)</script>"
FORMULA = "=HYPERLINK(\"http://x\",\"y\")"


@pytest.mark.slow
def test_hostile_strings_stay_text_in_every_report(tmp_path):
    tx = pd.read_csv(SAMPLE / "transactions.csv", dtype=str, keep_default_na=False)
    sv = pd.read_csv(SAMPLE / "survey.csv", dtype=str, keep_default_na=False)
    cu = pd.read_csv(SAMPLE / "customers.csv", dtype=str, keep_default_na=False)
    # the first region / plan / category / channel value becomes hostile everywhere it appears
    for df, cols in ((tx, ["category", "channel"]), (sv, ["region", "plan"]),
                     (cu, ["region", "plan", "acquisition_channel"])):
        for col in cols:
            first = sorted(df[col].unique())[0]
            df.loc[df[col] == first, col] = f"{first} {TAG}"
    sv.loc[sv.index[:400], "comment"] = f"{SCRIPT} slow delivery {TAG}"
    cu.loc[cu.index[:50], "name"] = FORMULA
    cu.loc[cu.index[50:100], "name"] = f"@SUM(1) {TAG}"
    for name, df in (("transactions", tx), ("survey", sv), ("customers", cu)):
        df.to_csv(tmp_path / f"{name}.csv", index=False)
    (tmp_path / "config.yml").write_text(
        f"name: 'Shop {SCRIPT}'\ncurrency: EUR\ninputs:\n  transactions: transactions.csv\n"
        "  survey: survey.csv\n  customers: customers.csv\n", encoding="utf-8")
    out = tmp_path / "out"
    results = report.run_all(tmp_path / "config.yml", out, pdf=False)
    assert all(r.ok for r in results), [(r.notebook, r.error) for r in results if not r.ok]
    pages = [out / "index.html"] + [out / r.html for r in results if r.html]
    assert len(pages) >= 6
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert "<img src=x" not in html and "<script>alert" not in html, page.name
        assert not re.search(r"<[^>]+\sonerror\s*=", html), page.name
    shown = "".join(p.read_text(encoding="utf-8") for p in pages)
    assert "&lt;img src=x onerror=alert(3)&gt;" in shown  # the text is there, escaped
    csv = pd.read_csv(out / "customer_actions.csv", dtype=str, keep_default_na=False)
    cells = csv.to_numpy().ravel()
    assert not any(c[:1] in ("=", "+", "@") or (c[:1] == "-" and not re.fullmatch(r"-?[\d.]+", c))
                   for c in cells)
    assert (csv["name"] == "'" + FORMULA).sum() == 50
