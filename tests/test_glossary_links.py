"""The reports' terms against the glossary: every term a report uses is defined there, every glossary
link of a report lands on an entry, and each report links its framework's terms where they first appear."""

import re

import nbformat
import pytest

from helpers import frameworks
from helpers.actions.playbook import load_playbook
from helpers.frameworks import VOCABULARIES, anchor, glossary_markdown, glossary_terms, vocabulary_anchor
from helpers.lifecycle.stages import STAGES
from helpers.nps.classes import CLASSES
from helpers.paths import NOTEBOOKS_DIR
from helpers.relationship.groups import GROUPS

REPORTS = ["01_nps", "02_lifecycle", "03_relationship_groups", "04_customer_actions"]
LINK = re.compile(r"\]\(glossary\.html#([\w-]+)\)")
VOCAB_CALL = re.compile(r"""frameworks\.(?:glossary|glossary_markdown)\(\s*["'](\w+)["']""")
STRING = re.compile(r"""["']([^"'\n]{2,40})["']""")


def _cells(report, kind):
    nb = nbformat.read(NOTEBOOKS_DIR / f"{report}.ipynb", as_version=4)
    return [c.source for c in nb.cells if c.cell_type == kind]


def _glossary_ids():
    """Every id the glossary report renders (read back from its Markdown, not from anchor())."""
    text = "\n".join(glossary_markdown(v) for v in VOCABULARIES)
    return set(re.findall(r'<a id="([\w-]+)"></a>', text))


NAMES = {name.casefold() for _, name in glossary_terms()}


@pytest.mark.parametrize("report", REPORTS)
def test_every_glossary_link_lands_on_an_entry(report):
    links = [a for md in _cells(report, "markdown") for a in LINK.findall(md)]
    assert links, f"{report} links no glossary term"
    missing = sorted(set(links) - _glossary_ids())
    assert not missing, f"{report} links to glossary ids that do not exist: {missing}"


@pytest.mark.parametrize("report", REPORTS)
def test_vocabularies_shown_in_code_are_in_the_glossary(report):
    used = {v for src in _cells(report, "code") for v in VOCAB_CALL.findall(src)}
    rendered = {vocabulary_anchor(v) for v in VOCABULARIES} & _glossary_ids()
    assert {vocabulary_anchor(v) for v in used} <= rendered


@pytest.mark.parametrize("report", REPORTS)
def test_term_strings_in_code_are_glossary_terms(report):
    """A string in a report's code that names a term of any framework (the names the helpers produce:
    NPS classes, stages, groups) is a glossary term; the check runs in both directions for the
    producers, so a new stage or group without a glossary entry fails here."""
    produced = {*CLASSES, *STAGES, *GROUPS}
    assert {p.casefold() for p in produced} <= NAMES
    for src in _cells(report, "code"):
        for s in STRING.findall(src):
            if s.casefold() in {p.casefold() for p in produced}:
                assert s.casefold() in NAMES, f"{report} uses {s!r}, which the glossary lacks"


def test_the_playbook_and_rules_only_name_glossary_terms():
    fields = {"nps_class": "nps_classes", "lifecycle_stage": "lifecycle_stages",
              "ladder_step": "loyalty_ladder", "rfm_segment": "rfm_segments",
              "relationship_group": "relationship_groups", "buyer_type": "buyer_types"}
    named = set()
    for rule in load_playbook():
        for field, value in rule.get("when", {}).items():
            if field in fields:
                for v in value if isinstance(value, list) else [value]:
                    named.add((fields[field], v))
    named |= {("buyer_types", r["buyer_type"]) for r in frameworks.BUYER_TYPE_RULES}
    assert named, "the playbook names no term"
    for vocabulary, name in sorted(named):
        assert f'<a id="{anchor(name, vocabulary)}"></a>' in glossary_markdown(vocabulary), (vocabulary, name)


# Each report links these terms where they first appear in its Markdown.
FIRST_USE = {
    "01_nps": [("promoter", None), ("passive", None), ("detractor", None)],
    "02_lifecycle": [("new", None), ("active", None), ("at risk", "lifecycle_stages"), ("lapsed", None),
                     ("prospect", "lifecycle_stages"), ("prospect", "loyalty_ladder"), ("client", None),
                     ("advocate", None), ("suspect", None)],
    "03_relationship_groups": [(g, None) for g in GROUPS],
    "04_customer_actions": [("detractor", None), ("True Friends", None), ("at risk", "lifecycle_stages")],
}


@pytest.mark.parametrize("report", REPORTS)
def test_terms_linked_where_they_first_appear(report):
    text = "\n\n".join(_cells(report, "markdown"))
    for name, vocabulary in FIRST_USE[report]:
        link = re.search(rf"\[[^\]]*\]\(glossary\.html#{anchor(name, vocabulary)}\)", text)
        assert link, f"{report} does not link {name!r}"
        at = link.start()
        # no earlier bare use of the term (outside links, code and headings) than the link
        before = re.sub(r"\[[^\]]*\]\([^)]*\)|`[^`]*`|^#.*$|Net Promoter", " ", text[:at], flags=re.M)
        stem = re.escape(name.rstrip("s")) if name[0].isupper() else re.escape(name)
        bare = re.search(rf"(?<![\w-]){stem}(?![\w-])", before, flags=0 if name[0].isupper() else re.I)
        if bare and vocabulary and name == "prospect":
            continue  # the stage and the rung share the word; each is linked at its own first use
        assert not bare, f"{report} uses {name!r} before its glossary link: ...{before[bare.start()-40:bare.end()+20]!r}"
