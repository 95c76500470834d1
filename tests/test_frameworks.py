"""helpers.frameworks: every term is complete, cited, and rendered by glossary(); the glossary
report's anchors and links; the start-here guide's tables."""

import re

import pytest

from helpers import frameworks as fw


@pytest.mark.parametrize("name", sorted(fw.VOCABULARIES))
def test_every_term_has_definition_source_and_actions(name):
    for term in fw.VOCABULARIES[name]:
        for key in ("name", "definition", "source", "actions"):
            assert term.get(key), f"{name}: {term.get('name')} lacks {key}"
        assert term["source"] in fw.SOURCES, f"{name}: unknown source {term['source']!r}"


@pytest.mark.parametrize("name", sorted(fw.VOCABULARIES))
def test_names_are_unique(name):
    names = [t["name"] for t in fw.VOCABULARIES[name]]
    assert len(names) == len(set(names))


def test_required_vocabularies_are_complete():
    names = {k: [t["name"] for t in v] for k, v in fw.VOCABULARIES.items()}
    assert names["nps_classes"] == ["promoter", "passive", "detractor"]
    assert [t["seed_name"] for t in fw.NPS_CLASSES] == ["ecstatic", "static", "vulnerable"]
    assert names["lifecycle_phases"] == ["discovery", "evaluation", "purchase", "use/experience", "bond",
                                         "advocacy"]
    assert set(names["relationship_groups"]) == {"Strangers", "Butterflies", "Barnacles", "True Friends"}
    assert set(names["buyer_types"]) == {"price buyer", "value buyer", "relationship buyer", "poker player"}
    assert len(names["relationship_types"]) == 6
    assert set(names["service_personas"]) == {
        "decision maker", "analytical thinker", "indecisive", "bargain hunter", "high maintenance",
        "loyalist", "impatient", "skeptic", "chatty", "demanding"}


def test_glossary_spells_out_sources_and_rejects_unknown():
    table = fw.glossary("relationship_groups")
    assert table["source"].str.contains("Reinartz").all()
    with pytest.raises(KeyError, match="known"):
        fw.glossary("nope")


def test_buyer_type_rules_have_a_catch_all_last():
    rules = sorted(fw.BUYER_TYPE_RULES, key=lambda r: r["precedence"])
    assert len({r["precedence"] for r in rules}) == len(rules)
    assert rules[-1]["when"] == {}
    assert {r["buyer_type"] for r in rules} == {t["name"] for t in fw.BUYER_TYPES}


# --- the glossary report and the start-here guide --------------------------------------------------
ANCHOR = re.compile(r'<a id="([^"]+)"></a>')


def _all_anchors():
    return [a for key in fw.VOCABULARIES for a in ANCHOR.findall(fw.glossary_markdown(key))]


@pytest.mark.parametrize("key", sorted(fw.VOCABULARIES))
def test_glossary_markdown_gives_every_term_an_anchor_heading_and_its_fields(key):
    text = fw.glossary_markdown(key)
    for term in fw.VOCABULARIES[key]:
        entry = text.split(f'<a id="{fw.anchor(term["name"], key)}"></a>', 1)
        assert len(entry) == 2, f"{key}: {term['name']} has no anchor"
        body = entry[1].split("<a id=", 1)[0]
        assert body.lstrip().startswith(f"### {term['name']}\n")
        assert term["definition"] in body and term["actions"] in body
        assert fw.SOURCES[term["source"]] in body and "**Other names:**" in body


def test_anchors_are_unique_and_one_per_term_and_vocabulary():
    anchors = _all_anchors()
    assert len(anchors) == len(set(anchors))
    n_terms = sum(len(v) for v in fw.VOCABULARIES.values())
    assert len([a for a in anchors if a.startswith("term-")]) == n_terms
    assert {a for a in anchors if a.startswith("vocabulary-")} == {
        fw.vocabulary_anchor(k) for k in fw.VOCABULARIES}


def test_term_link_points_at_the_anchor_in_the_glossary():
    anchors = set(_all_anchors())
    for key, name in fw.glossary_terms():
        try:
            link = fw.term_link(name)
        except ValueError:  # shared name: the vocabulary says which entry
            link = fw.term_link(name, key)
        page, target = link.split("#")
        assert page == "glossary.html" and target in anchors
    assert fw.term_link("promoter") == "glossary.html#term-promoter"
    assert fw.term_link("Can't Lose Them", page="g.html") == "g.html#term-can-t-lose-them"


def test_shared_names_need_their_vocabulary_and_unknown_names_fail():
    assert fw.anchor("prospect", "lifecycle_stages") != fw.anchor("prospect", "loyalty_ladder")
    assert fw.anchor("At Risk", "rfm_segments") != fw.anchor("at risk", "lifecycle_stages")
    with pytest.raises(ValueError, match="several vocabularies"):
        fw.term_link("prospect")
    with pytest.raises(KeyError, match="no term 'nope'"):
        fw.term_link("nope")
    with pytest.raises(KeyError, match="in 'nps_classes'"):
        fw.anchor("Barnacles", "nps_classes")
    with pytest.raises(KeyError, match="known"):
        fw.glossary_markdown("nope")


def test_glossary_covers_every_vocabulary_once_with_a_title():
    keys = [k for k, _ in fw.glossary_terms()]
    assert set(keys) == set(fw.VOCABULARIES) == set(fw.VOCABULARY_TITLES)
    assert len(keys) == sum(len(v) for v in fw.VOCABULARIES.values())
    counts = fw.glossary_counts()
    assert counts == {"terms": len(keys), "vocabularies": len(fw.VOCABULARIES),
                      "sources": len({t["source"] for v in fw.VOCABULARIES.values() for t in v})}


def test_other_names_include_the_nps_seed_names():
    text = fw.glossary_markdown("nps_classes")
    for term in fw.NPS_CLASSES:
        assert re.search(rf"### {term['name']}\n.*?Other names:\*\* {term['seed_name']}", text, re.S)


def test_frameworks_cite_known_sources_and_name_listed_reports():
    reports = {r["notebook"] for r in fw.REPORTS}
    assert [f["key"] for f in fw.FRAMEWORKS] == ["nps", "lifecycle", "relationship"]
    for f in fw.FRAMEWORKS:
        text = fw.framework_markdown(f["key"])
        assert all(fw.SOURCES[s] in text for s in f["sources"])
        assert set(f["reports"]) <= reports and set(f["vocabularies"]) <= set(fw.VOCABULARIES)
    with pytest.raises(KeyError, match="unknown framework"):
        fw.framework_markdown("rfm")


def test_reports_table_and_reading_orders_cover_the_notebooks():
    from helpers.report.pipeline import list_notebooks

    notebooks = [p.stem for p in list_notebooks()]
    assert [r["notebook"] for r in fw.REPORTS] == notebooks
    table = fw.reports_markdown().splitlines()
    assert len(table) == 2 + len(fw.REPORTS)
    assert all(row.count("|") == 4 for row in table)
    assert set(fw.READING_ORDER) == {"manager", "analyst", "trainee"}
    for steps in fw.READING_ORDER.values():
        assert {nb for nb, _ in steps} <= set(notebooks)
    order = fw.reading_order_markdown()
    assert order.count("](") == sum(len(s) for s in fw.READING_ORDER.values())
