"""The bundled rating frameworks match their published structure, and their model refuses malformed data."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from crmsim.schema.frameworks import (
    FRAMEWORK_IDS,
    Element,
    Framework,
    FrameworkIndex,
    Scale,
    bundled_frameworks,
    load_framework,
    parse_framework,
)
from crmsim.schema.problems import ProblemsError


def names(framework: Framework) -> dict[str, list[str]]:
    return {category.name: [element.name for element in category.elements] for category in framework.categories}


def test_bundled_frameworks_load_in_order() -> None:
    """Every id in FRAMEWORK_IDS loads from its own file, and bundled_frameworks returns them in that order."""
    frameworks = bundled_frameworks()
    assert tuple(frameworks) == FRAMEWORK_IDS
    for framework_id, framework in frameworks.items():
        assert framework.id == framework_id
        assert load_framework(framework_id) is framework


def test_unknown_framework_id_is_a_key_error() -> None:
    """Only bundled ids can be loaded; anything else (including a path) is refused."""
    with pytest.raises(KeyError):
        load_framework("notechs")
    with pytest.raises(KeyError):
        load_framework("../frameworks/ants")


def test_ants_has_four_categories_and_fifteen_published_elements() -> None:
    """ANTS: 4 categories, 15 elements with the published names, rated 1-4 with a not-observed option."""
    ants = load_framework("ants")
    assert names(ants) == {
        "Task management": [
            "Planning and preparing",
            "Prioritising",
            "Providing and maintaining standards",
            "Identifying and utilising resources",
        ],
        "Team working": [
            "Coordinating activities with team",
            "Exchanging information",
            "Using authority and assertiveness",
            "Assessing capabilities",
            "Supporting others",
        ],
        "Situation awareness": ["Gathering information", "Recognising and understanding", "Anticipating"],
        "Decision making": ["Identifying options", "Balancing risks and selecting options", "Re-evaluating"],
    }
    assert sum(1 for _ in ants.iter_elements()) == 15
    assert (ants.scale.min, ants.scale.max) == (1, 4)
    assert [(p.value, p.label) for p in ants.scale.points] == [
        (4, "Good"),
        (3, "Acceptable"),
        (2, "Marginal"),
        (1, "Poor"),
    ]
    assert ants.scale.not_observed == "Not observed"
    assert ants.rated == "individual"


def test_ants_ships_example_behaviours_only_for_team_working() -> None:
    """Handbook marker text is copyright: only the confirmed team-working examples are bundled, one each."""
    ants = load_framework("ants")
    for category, element in ants.iter_elements():
        if category.id == "team_working":
            assert len(element.good) == 1 and len(element.poor) == 1
        else:
            assert element.good == () and element.poor == ()
    assert "copyright" in ants.notes


def test_notss_has_four_categories_of_three_elements() -> None:
    """NOTSS: 4 categories x 3 elements, rated 1-4 with 'Not applicable'."""
    notss = load_framework("notss")
    assert list(names(notss)) == [
        "Situation awareness",
        "Decision making",
        "Communication and teamwork",
        "Leadership",
    ]
    assert all(len(category.elements) == 3 for category in notss.categories)
    assert (notss.scale.min, notss.scale.max, notss.scale.not_observed) == (1, 4, "Not applicable")


def test_team_has_eleven_items_on_0_to_4_and_a_global_rating_1_to_10() -> None:
    """TEAM: 11 items on the 0-4 frequency scale in leadership/teamwork/task management, plus a global 1-10."""
    team = load_framework("team")
    assert [category.id for category in team.categories] == ["leadership", "teamwork", "task_management", "global"]
    assert team.rated == "team"
    items = [element for category, element in team.iter_elements() if category.id != "global"]
    assert len(items) == 11
    assert [element.id[:7] for element in items] == [f"item_{n:02d}" for n in range(1, 12)]
    assert items[0].name == "The team leader let the team know what was expected of them through direction and command"
    assert all(element.scale is None and team.scale_for(element) == team.scale for element in items)
    assert (team.scale.min, team.scale.max) == (0, 4)
    (global_item,) = team.categories[-1].elements
    assert global_item.id == "item_12_global_rating"
    assert global_item.scale is not None
    assert (global_item.scale.min, global_item.scale.max) == (1, 10)


def test_ottawa_has_six_categories_each_one_element_rated_1_to_7() -> None:
    """Ottawa GRS: five CRM categories plus overall, each a single element of the same id, rated 1-7."""
    ottawa = load_framework("ottawa")
    assert [category.id for category in ottawa.categories] == [
        "leadership",
        "problem_solving",
        "situational_awareness",
        "resource_utilization",
        "communication",
        "overall",
    ]
    for category in ottawa.categories:
        (element,) = category.elements
        assert element.id == category.id
        assert len(element.good) == (0 if category.id == "overall" else 3)
    assert (ottawa.scale.min, ottawa.scale.max) == (1, 7)
    assert [p.value for p in ottawa.scale.points] == [1, 3, 5, 7]


def test_acrm_has_the_fifteen_key_points_in_order_and_says_its_scale_is_crmsims() -> None:
    """ACRM: Rall & Gaba's 15 key points in published order; the 1-4 scale is declared crmsim's own."""
    acrm = load_framework("acrm")
    ids = [element.id for _, element in acrm.iter_elements()]
    assert len(ids) == len(set(ids)) == 15
    assert ids[:3] == ["know_the_environment", "anticipate_and_plan", "call_for_help_early"]
    assert ids[-1] == "set_priorities_dynamically"
    assert all("crmsim" in (point.descriptor or "") for point in acrm.scale.points)
    assert "no published" in acrm.notes.lower()


def test_core_has_six_skills_each_one_element_of_the_same_id() -> None:
    """core: the six crmsim skills, each a single element named like its category, rated 1-4."""
    core = load_framework("core")
    assert [category.id for category in core.categories] == [
        "situation_awareness",
        "decision_making",
        "leadership",
        "communication",
        "teamwork",
        "task_management",
    ]
    for category in core.categories:
        (element,) = category.elements
        assert element.id == category.id and element.maps_to
    assert (core.scale.min, core.scale.max) == (1, 4)


def test_every_other_framework_element_is_mapped_by_core_and_every_mapping_resolves() -> None:
    """Each element of ants/notss/team/ottawa/acrm is named by some core maps_to, and no maps_to ref dangles."""
    frameworks = bundled_frameworks()
    index = FrameworkIndex(frameworks)
    mapped: set[str] = set()
    for _, element in frameworks["core"].iter_elements():
        for ref in element.maps_to:
            assert index.has(ref), ref
            assert not ref.startswith("core."), ref
            mapped.add(ref)
    unmapped = [
        f"{framework_id}.{element.id}"
        for framework_id, framework in frameworks.items()
        if framework_id != "core"
        for _, element in framework.iter_elements()
        if f"{framework_id}.{element.id}" not in mapped
    ]
    assert unmapped == []
    for framework_id, framework in frameworks.items():
        if framework_id != "core":
            assert all(element.maps_to == () for _, element in framework.iter_elements())


def test_index_resolves_element_and_category_refs_and_rejects_misspellings() -> None:
    """FrameworkIndex.has accepts '<fw>.<element>' and '<fw>.<category>' and nothing else."""
    index = FrameworkIndex(bundled_frameworks())
    assert index.has("ants.recognising_and_understanding")
    assert index.has("ants.situation_awareness")
    assert index.has("ottawa.leadership")
    assert index.has("team.item_12_global_rating")
    for wrong in (
        "ants.recognizing_and_understanding",
        "ants.situational_awareness",
        "ant.situation_awareness",
        "ants",
        "recognising_and_understanding",
        "ants.recognising_and_understanding.extra",
        "ANTS.situation_awareness",
        "",
    ):
        assert not index.has(wrong), wrong
    element = index.element("ants.recognising_and_understanding")
    assert element is not None and element.name == "Recognising and understanding"
    assert index.element("ants.situation_awareness") is None
    assert index.element("ants.nonsense") is None
    refs = index.all_refs()
    assert refs == tuple(sorted(refs))
    assert "ants.situation_awareness" in refs and "acrm.cross_check" in refs
    assert len(refs) == len(set(refs))


def _framework(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "id": "demo",
        "name": "Demo",
        "version": "1",
        "citation": "None.",
        "rated": "individual",
        "scale": {"min": 1, "max": 4, "points": [{"value": 4, "label": "Good"}]},
        "categories": [
            {"id": "thinking", "name": "Thinking", "elements": [{"id": "noticing", "name": "Noticing"}]},
            {"id": "doing", "name": "Doing", "elements": [{"id": "acting", "name": "Acting"}]},
        ],
    }
    data.update(changes)
    return data


def test_model_accepts_a_minimal_framework_and_is_frozen() -> None:
    """A minimal valid framework validates; the result is immutable."""
    framework = Framework.model_validate(_framework())
    with pytest.raises(ValidationError):
        framework.id = "other"  # type: ignore[misc]


@pytest.mark.parametrize(
    "changes",
    [
        {"colour": "red"},
        {"rated": "pair"},
        {"id": "Demo"},
        {"categories": []},
        {"scale": {"min": 1, "max": 4, "points": [{"value": 5, "label": "Too good"}]}},
        {"scale": {"min": 4, "max": 1}},
        {"scale": {"min": 1, "max": 4, "points": [{"value": 2, "label": "a"}, {"value": 2, "label": "b"}]}},
        {"scale": {"min": True, "max": 4}},
        {
            "categories": [
                {"id": "thinking", "name": "T", "elements": [{"id": "noticing", "name": "N"}]},
                {"id": "thinking", "name": "T2", "elements": [{"id": "acting", "name": "A"}]},
            ]
        },
        {
            "categories": [
                {"id": "thinking", "name": "T", "elements": [{"id": "noticing", "name": "N"}]},
                {"id": "doing", "name": "D", "elements": [{"id": "noticing", "name": "N again"}]},
            ]
        },
        {
            "categories": [
                {"id": "thinking", "name": "T", "elements": [{"id": "doing", "name": "N"}]},
                {"id": "doing", "name": "D", "elements": [{"id": "acting", "name": "A"}]},
            ]
        },
        {
            "categories": [
                {
                    "id": "thinking",
                    "name": "T",
                    "elements": [
                        {
                            "id": "noticing",
                            "name": "N",
                            "scale": {"min": 1, "max": 10, "points": [{"value": 11, "label": "x"}]},
                        }
                    ],
                }
            ]
        },
        {
            "categories": [
                {"id": "thinking", "name": "T", "elements": [{"id": "noticing", "name": "N", "maps_to": ["ants"]}]}
            ]
        },
    ],
    ids=[
        "unknown-key",
        "bad-rated",
        "id-not-snake-case",
        "no-categories",
        "point-above-max",
        "min-above-max",
        "duplicate-point",
        "boolean-bound",
        "duplicate-category",
        "duplicate-element",
        "category-id-names-element-elsewhere",
        "element-scale-point-out-of-range",
        "maps-to-not-a-ref",
    ],
)
def test_model_rejects_malformed_frameworks(changes: dict[str, object]) -> None:
    """Unknown keys, bad ids, duplicate ids, ambiguous ids and scale points outside min..max are refused."""
    with pytest.raises(ValidationError):
        Framework.model_validate(_framework(**changes))


def test_scale_values_and_element_defaults() -> None:
    """A scale's values run min..max inclusive; an element defaults to no examples, no override, no mapping."""
    assert list(Scale(min=0, max=4).values()) == [0, 1, 2, 3, 4]
    element = Element(id="noticing", name="Noticing")
    assert (element.good, element.poor, element.scale, element.maps_to) == ((), (), None, ())


def test_problems_in_a_framework_file_are_positioned() -> None:
    """A framework file with a duplicate element id reports file:line of the duplicate, not a bare exception."""
    text = (
        "id: demo\n"
        "name: Demo\n"
        "version: '1'\n"
        "citation: None.\n"
        "rated: individual\n"
        "scale: {min: 1, max: 4}\n"
        "categories:\n"
        "  - id: thinking\n"
        "    name: Thinking\n"
        "    elements:\n"
        "      - id: noticing\n"
        "        name: Noticing\n"
        "      - id: noticing\n"
        "        name: Noticing again\n"
    )
    with pytest.raises(ProblemsError) as caught:
        parse_framework(text, "demo.yaml")
    (problem,) = caught.value.problems
    assert problem.path.endswith("demo.yaml")
    assert problem.line == 13
    assert "duplicate element id 'noticing'" in problem.format()
