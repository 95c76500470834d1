"""helpers.frameworks: every term is complete, cited, and rendered by glossary()."""

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
