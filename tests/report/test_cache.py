"""The run's result cache (helpers.cache) and its wiring into the report pipeline."""

import hashlib
import json
import os
import pickle
import warnings
from pathlib import Path

import pandas as pd
import pytest

from helpers import actions, cache, relationship
from helpers.io import load_all
from helpers.paths import NOTEBOOKS_DIR, SAMPLE_DIR
from helpers.report import pipeline

CONFIG = """name: small
currency: EUR
inputs: {transactions: tx.csv, survey: survey.csv, customers: customers.csv}
margin_rate: 0.30
relationship: {n_boot: 20}
"""


@pytest.fixture(scope="module")
def small_dir(tmp_path_factory):
    """The sample's first 400 customers: their transactions, survey answers and list entries."""
    folder = tmp_path_factory.mktemp("small")
    tx = pd.read_csv(SAMPLE_DIR / "transactions.csv", dtype=str)
    keep = set(tx["customer_id"].drop_duplicates().iloc[:400])
    for name in ("transactions", "survey", "customers"):
        table = pd.read_csv(SAMPLE_DIR / f"{name}.csv", dtype=str)
        table = table[table["customer_id"].isin(keep)] if name != "survey" else table.iloc[:300]
        table.to_csv(folder / ("tx.csv" if name == "transactions" else f"{name}.csv"), index=False)
    return folder


@pytest.fixture
def small(small_dir, tmp_path):
    """A private copy of the small inputs and their config (tests change bytes and settings)."""
    for f in small_dir.iterdir():
        (tmp_path / f.name).write_bytes(f.read_bytes())
    (tmp_path / "config.yml").write_text(CONFIG)
    return tmp_path / "config.yml"


def _flip_one_byte(path):
    """Change one digit of the file in place (same size), keeping its modification time."""
    raw = bytearray(path.read_bytes())
    i = raw.rindex(b"0")
    raw[i] = ord("1")
    st = path.stat()
    path.write_bytes(bytes(raw))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


def test_same_inputs_and_config_reuse_the_result_from_the_folder(small, tmp_path):
    first = cache.shared(small, tmp_path / "c")
    ds = first.get("data")
    second = cache.shared(small, tmp_path / "c")
    again = second.get("data")
    assert first.log == [("data", "built")] and second.log == [("data", "reused")]
    fresh = load_all(small)  # the loaders called directly
    pd.testing.assert_frame_equal(again.transactions, fresh.transactions)
    pd.testing.assert_frame_equal(again.survey, fresh.survey)
    assert again.observation_end == fresh.observation_end == ds.observation_end


def test_one_changed_byte_of_an_input_is_built_again(small, tmp_path):
    folder = tmp_path / "c"
    cache.prepare(small, folder, names=["data"])
    before = cache.shared(small, folder).get("data")
    _flip_one_byte(small.parent / "tx.csv")  # same size, same mtime
    cache.prepare(small, folder, names=["data"])  # a new run hashes the files again
    rec = cache.run_status(folder)["results"]["data"]
    assert rec["status"] == "built"
    after = cache.shared(small, folder)
    ds = after.get("data")
    assert after.log == [("data", "reused")]  # what this run's prepare built, not the old one
    assert not ds.transactions.equals(before.transactions)
    pd.testing.assert_frame_equal(ds.transactions, load_all(small).transactions)


def test_a_changed_config_value_is_built_again(small, tmp_path):
    folder = tmp_path / "c"
    cache.shared(small, folder).get("data")
    small.write_text(CONFIG.replace("margin_rate: 0.30", "margin_rate: 0.25"))
    r = cache.shared(small, folder)
    ds = r.get("data")
    assert r.log == [("data", "built")]
    assert ds.transactions["profit"].sum() == pytest.approx(load_all(small).transactions["profit"].sum())


def test_a_changed_model_setting_refits_and_the_same_settings_spelt_out_reuse(small, tmp_path):
    r = cache.shared(small, tmp_path / "c")
    assert r.key("relationships") == r.key("relationships", model="pareto_nbd", cutoff=0.5, n_boot=20)
    assert r.key("relationships") == r.key("relationships", observation_end=None)
    assert r.key("relationships") != r.key("relationships", cutoff=0.4)
    assert r.key("relationships") != r.key("relationships", observation_end="2025-06-30")
    rel = r.get("relationships")
    again = cache.shared(small, tmp_path / "c")
    assert again.get("relationships", model="pareto_nbd", n_boot=None) is not None
    assert again.log == [("relationships", "reused")]
    ds = load_all(small)
    direct = relationship.customer_relationships(ds.transactions, ds.observation_end, n_boot=20)
    pd.testing.assert_frame_equal(rel.table, direct.table)
    other = cache.shared(small, tmp_path / "c")
    other.get("relationships", cutoff=0.4)
    assert ("relationships", "built") in other.log


def test_the_playbook_is_an_input_of_the_view_only(small, tmp_path):
    r = cache.shared(small, tmp_path / "c")
    view_key, data_key = r.key("view"), r.key("data")
    playbook = tmp_path / "playbook.yml"
    playbook.write_bytes((SAMPLE_DIR / "playbook.yml").read_bytes() + b"\n# edited\n")
    small.write_text(CONFIG + "actions: {playbook: playbook.yml}\n")
    r2 = cache.shared(small, tmp_path / "c")
    assert r2.key("view") != view_key
    # the config text changed too; the data key moves with the config, never with the playbook alone
    playbook.write_bytes(playbook.read_bytes() + b"# again\n")
    r3 = cache.shared(small, tmp_path / "c")
    assert r3.key("data") == r2.key("data") != data_key and r3.key("view") != r2.key("view")


@pytest.mark.slow
def test_view_from_the_cache_equals_the_view_built_directly_and_fits_once(small, tmp_path):
    r = cache.shared(small, tmp_path / "c")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        view = r.get("view")
        direct = actions.customer_view(load_all(small))
    pd.testing.assert_frame_equal(view, direct)
    assert [name for name, how in r.log if how == "built"] == ["data", "relationships", "lifecycle", "view"]


def test_warnings_of_a_build_are_issued_again_on_every_get(small, tmp_path):
    def noisy(results):
        warnings.warn("few repeat buyers", UserWarning)
        return 42

    original = cache.BUILDERS["data"]
    cache.BUILDERS["data"] = (noisy, None, False)
    try:
        for _ in range(2):  # built, then reused from the folder
            r = cache.shared(small, tmp_path / "c")
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                assert r.get("data") == 42
            assert [str(w.message) for w in caught] == ["few repeat buyers"]
            assert caught[0].category is UserWarning
    finally:
        cache.BUILDERS["data"] = original


def test_a_damaged_cache_file_is_built_again(small, tmp_path):
    r = cache.shared(small, tmp_path / "c")
    r.get("data")
    path = r._path("data", r.key("data"))
    path.write_bytes(b"not a pickle")
    again = cache.shared(small, tmp_path / "c")
    assert isinstance(again.get("data").transactions, pd.DataFrame)
    assert again.log == [("data", "built")]
    with open(path, "rb") as fh:
        assert pickle.load(fh)["key"] == r.key("data")


def test_the_transactions_are_read_from_their_own_file_only_when_used(small, tmp_path):
    from helpers.io.schema import Deferred

    built = cache.shared(small, tmp_path / "c").get("data")
    assert isinstance(built.__dict__["transactions"], pd.DataFrame)  # the builder's own: in memory
    r = cache.shared(small, tmp_path / "c")
    ds = r.get("data")
    held = ds.__dict__["transactions"]
    assert isinstance(held, Deferred) and Path(held.path).parent == tmp_path / "c"
    assert len(ds.survey) and isinstance(ds.__dict__["transactions"], Deferred)  # not read yet
    pd.testing.assert_frame_equal(ds.transactions, built.transactions)  # read on first use
    assert isinstance(ds.__dict__["transactions"], pd.DataFrame)
    # a missing transactions file makes the result incomplete: built again, not served half
    Path(held.path).unlink()
    again = cache.shared(small, tmp_path / "c")
    pd.testing.assert_frame_equal(again.get("data").transactions, built.transactions)
    assert again.log == [("data", "built")] and Path(held.path).exists()


def test_digest_is_sha256_of_the_bytes_and_the_stat_record_is_trusted_only_while_unchanged(tmp_path):
    p = tmp_path / "t.csv"
    p.write_bytes(b"customer_id,amount\nC1,10\n")
    assert cache.file_digest(p) == hashlib.sha256(p.read_bytes()).hexdigest()
    rec = cache.input_digests([p])
    fake = {str(p): {**rec[str(p)], "sha256": "f" * 64}}
    assert cache.input_digests([p], fake)[str(p)]["sha256"] == "f" * 64  # same stat: the record
    p.write_bytes(b"customer_id,amount\nC1,100\n")  # another size
    assert cache.input_digests([p], fake)[str(p)]["sha256"] == hashlib.sha256(p.read_bytes()).hexdigest()
    no_hash = {str(p): {k: v for k, v in cache.input_digests([p])[str(p)].items() if k != "sha256"}}
    assert cache.input_digests([p], no_hash)[str(p)]["sha256"] == cache.file_digest(p)


def test_prepare_hashes_afresh_and_ignores_an_old_record(small, tmp_path):
    folder = tmp_path / "c"
    folder.mkdir()
    tx = small.parent / "tx.csv"
    stale = cache.input_digests([tx])
    stale[str(tx)]["sha256"] = "0" * 64
    (folder / cache.INPUTS_FILE).write_text(json.dumps(stale))
    cache.prepare(small, folder, names=[])
    record = json.loads((folder / cache.INPUTS_FILE).read_text())
    assert record[str(tx)]["sha256"] == hashlib.sha256(tx.read_bytes()).hexdigest()


def test_keys_refuse_what_they_cannot_spell_out_and_unknown_names(small):
    r = cache.shared(small, folder=None)
    with pytest.raises(TypeError, match="cannot key a cached result on a DataFrame"):
        r.key("relationships", profit_split=pd.DataFrame({"a": [1]}))
    with pytest.raises(KeyError, match="no shared result named 'fit'"):
        r.get("fit")
    with pytest.raises(TypeError, match=r"takes no argument\(s\) \['cutoff'\]"):
        r.get("data", cutoff=0.3)
    with pytest.raises(ValueError, match="not settings of customer_relationships"):
        r.key("relationships", horizon=3)


def test_status_reports_the_run_and_no_folder_means_no_cache(small, tmp_path):
    folder = tmp_path / "c"
    first = cache.prepare(small, folder, names=["data", "relationships"])
    assert first["results"]["data"]["status"] == "built"
    with cache.environment(folder):  # a notebook of this run
        assert cache.shared(small).status() == {"data": "built", "relationships": "built"}
    assert cache.shared(small, folder).status() == {}  # not in a run: only what it did itself
    second = cache.prepare(small, folder, names=["data"])
    assert second["results"]["data"]["status"] == "reused"
    with cache.environment(folder):
        r = cache.shared(small)
        assert r.status() == {"data": "reused"}
        with pytest.warns(UserWarning, match="quintile"):  # this small data's ties, kept with the result
            r.get("lifecycle")
        assert r.status() == {"data": "reused", "lifecycle": "built"}
    assert cache.shared(small, folder=None).status() == {}


def test_prepare_records_a_failure_and_caches_nothing(tmp_path, tiny_config):
    tiny_config.write_text("name: tiny\ninputs: {transactions: tx.csv}\nrelationship: {model: nonsense}\n")
    rec = cache.prepare(tiny_config, tmp_path / "c", names=["relationships"])
    assert rec["results"]["relationships"]["status"] == "failed"
    assert "nonsense" in rec["results"]["relationships"]["error"]
    assert not list((tmp_path / "c").glob("relationships-*.pkl"))


def test_shared_reads_the_folder_from_the_environment(tmp_path):
    cache.prepare("data/sample/config.yml", tmp_path / "c", names=[])
    run = cache.run_status(tmp_path / "c")["run"]
    os.environ[cache.RUN_ENV_VAR] = "earlier"
    try:
        with cache.environment(tmp_path / "c"):
            assert cache.shared().folder == tmp_path / "c"
            assert os.environ[cache.RUN_ENV_VAR] == run
        assert os.environ[cache.RUN_ENV_VAR] == "earlier"
    finally:
        os.environ.pop(cache.RUN_ENV_VAR)
    with cache.environment(None):
        assert cache.shared().folder is None
        assert cache.ENV_VAR not in os.environ


def test_notebooks_ask_for_the_shared_results_by_name():
    assert cache.notebook_needs(NOTEBOOKS_DIR / "00_data_check.ipynb") == ["data"]
    assert cache.notebook_needs(NOTEBOOKS_DIR / "02_lifecycle.ipynb") == ["data", "lifecycle"]
    # 03 reads 02's lifecycle stages to explain lapsed True Friends and Barnacles beside its groups
    assert cache.notebook_needs(NOTEBOOKS_DIR / "03_relationship_groups.ipynb") == ["data", "lifecycle",
                                                                                   "relationships"]
    assert cache.notebook_needs(NOTEBOOKS_DIR / "04_customer_actions.ipynb") == ["data", "view"]
    assert cache.notebook_needs(NOTEBOOKS_DIR / "glossary.ipynb") == []


def test_pipeline_builds_what_the_chosen_notebooks_need_once(small, tmp_path):
    nbs = [NOTEBOOKS_DIR / "00_data_check.ipynb", NOTEBOOKS_DIR / "02_lifecycle.ipynb"]
    folder = pipeline.start_cache(small, tmp_path / ".cache", nbs)
    rec = cache.run_status(folder)["results"]
    assert {k: v["status"] for k, v in rec.items()} == {"data": "built", "lifecycle": "built"}
    assert sorted(p.name.split("-")[0] for p in folder.glob("*.pkl")
                  if not p.name.endswith(cache.TRANSACTIONS_SUFFIX)) == ["data", "lifecycle"]
    assert len(list(folder.glob("data-*" + cache.TRANSACTIONS_SUFFIX))) == 1


def test_an_input_that_is_not_a_file_turns_the_folder_off(small, tmp_path):
    from helpers.config import load_config

    cfg = load_config(small)
    cfg["inputs"]["transactions"] = "warehouse.sales"  # e.g. a database table: no bytes to hash
    assert cache.shared(cfg, tmp_path / "c").folder is None
    rec = cache.prepare(cfg, tmp_path / "c", names=["data"])
    assert rec["results"] == {} and rec["not_cached"] == ["transactions"]
    assert not list((tmp_path / "c").glob("*.pkl"))


@pytest.mark.slow
def test_notebooks_of_a_run_read_what_the_pipeline_built(small, tmp_path):
    from nbformat.v4 import new_markdown_cell

    from tests.report.tiny import headline_cell, make_nb, params_cell

    nb = make_nb(tmp_path / "00_reads.ipynb", [
        new_markdown_cell("# Reads the cache"), params_cell(),
        headline_cell("from helpers import cache\nresults = cache.shared(config_path)\n"
                      "ds = results.get('data')\nprint(results.log, len(ds.transactions))")])
    out = tmp_path / "out"
    first = pipeline.run_all(small, out, notebooks=[nb], jobs=1, pdf=False)
    n_rows = len(load_all(small).transactions)
    assert first[0].headline == f"[('data', 'reused')] {n_rows}"  # built by the pipeline, read here
    assert cache.run_status(out / ".cache")["results"]["data"]["status"] == "built"
    pipeline.run_all(small, out, notebooks=[nb], jobs=1, pdf=False)
    assert cache.run_status(out / ".cache")["results"]["data"]["status"] == "reused"
    alone = pipeline.run_all(small, tmp_path / "alone", notebooks=[nb], jobs=1, pdf=False, cache=False)
    assert alone[0].headline == f"[('data', 'built')] {n_rows}"
    assert not (tmp_path / "alone" / ".cache").exists()


def test_prepare_stores_the_loaded_inputs_instead_of_loading_again(tmp_path):
    import dataclasses

    from helpers.config import SAMPLE_CONFIG

    ds = load_all(SAMPLE_CONFIG)
    marked = dataclasses.replace(ds, transactions=ds.transactions.head(10))  # not what a load gives
    with pytest.warns(UserWarning, match="from the check"):
        warnings.warn("from the check", UserWarning)
        caught = [warnings.WarningMessage("from the check", UserWarning, "x", 1)]
    rec = cache.prepare(SAMPLE_CONFIG, tmp_path / "c", names=["data"], loaded=(marked, caught))
    assert rec["results"]["data"]["status"] == "built"
    with pytest.warns(UserWarning, match="from the check"):  # its warnings are issued again
        again = cache.shared(SAMPLE_CONFIG, folder=tmp_path / "c").get("data")
    assert len(again.transactions) == 10


def test_prepare_announces_each_result_once_recorded(small, tmp_path):
    folder, seen = tmp_path / "c", []

    def on_ready(name):  # the record on disk already holds the result announced
        seen.append((name, sorted(cache.run_status(folder)["results"])))

    rec = cache.prepare(small, folder, names=["lifecycle", "data"], on_ready=on_ready)
    assert seen == [("data", ["data"]), ("lifecycle", ["data", "lifecycle"])]
    assert sorted(rec["results"]) == ["data", "lifecycle"]


def test_each_notebook_waits_only_for_what_it_needs():
    names = set(cache.BUILDERS)
    waits = {nb.name: pipeline._waits_for(nb, names) for nb in pipeline.list_notebooks()}
    assert waits["02_lifecycle.ipynb"] == {"data", "lifecycle"}
    assert waits["01_nps.ipynb"] == {"data"}
    assert waits["00_start_here.ipynb"] == set()
    # the data check reports what the run built, so it starts once everything is done
    assert waits["00_data_check.ipynb"] == names
