"""The bundled formulary (crmsim/library/formulary.yaml) is valid, sourced and internally consistent."""

from __future__ import annotations

from functools import cache
from importlib import resources

import pytest
import yaml

from crmsim.schema.formulary import Drug, Formulary
from crmsim.schema.units import Quantity, parse_quantity
from crmsim.schema.yaml_loader import ParsedYaml, parse_yaml

#: Weight assumed when a per-kg dose is compared with an absolute one.
WEIGHT_KG = 70.0

REQUIRED_DRUGS = (
    "adrenaline",
    "noradrenaline",
    "metaraminol",
    "vasopressin",
    "glucagon",
    "salbutamol",
    "hydrocortisone",
    "chlorphenamine",
    "ephedrine",
    "phenylephrine",
    "atropine",
    "amiodarone",
    "calcium_chloride",
    "sodium_bicarbonate",
    "dantrolene",
    "lipid_emulsion",
    "midazolam",
    "propofol",
    "thiopental",
    "suxamethonium",
    "rocuronium",
    "sugammadex",
    "oxytocin",
    "ergometrine",
    "carboprost",
    "misoprostol",
    "tranexamic_acid",
    "insulin_dextrose",
)

REQUIRED_INTERVENTIONS = (
    "oxygen_high_flow",
    "bag_mask_ventilation",
    "intubation_attempt",
    "supraglottic_airway",
    "front_of_neck_access",
    "mechanical_ventilation",
    "hyperventilate",
    "chest_compressions",
    "defibrillation",
    "crystalloid_bolus",
    "crystalloid_bolus_1l",
    "blood_transfusion",
    "major_haemorrhage_pack",
    "cooling",
    "stop_trigger",
    "remove_trigger",
    "stop_surgery",
    "stop_volatile_tiva",
    "change_circuit",
    "legs_up",
    "left_lateral_tilt",
    "uterine_massage",
    "bimanual_compression",
    "nibp_cycle",
    "arterial_blood_gas",
    "mast_cell_tryptase",
    "full_blood_count_coag",
    "ck",
)


@cache
def parsed() -> ParsedYaml:
    source = resources.files("crmsim.library").joinpath("formulary.yaml")
    return parse_yaml(source.read_bytes(), "crmsim/library/formulary.yaml")


@cache
def formulary() -> Formulary:
    return Formulary.model_validate(parsed().data)


def amount(quantity: Quantity) -> float:
    """The canonical value for a 70 kg patient, per minute when it is a rate."""
    return quantity.for_weight(WEIGHT_KG).per_minute()


def comparable(a: Quantity, b: Quantity) -> bool:
    """Same dimension, and both rates or both single doses (per-kg is resolved at 70 kg)."""
    return a.dimension == b.dimension and (a.per_time is None) == (b.per_time is None)


def mapping_value(node: yaml.Node, key: str) -> yaml.Node:
    assert isinstance(node, yaml.MappingNode)
    for key_node, value_node in node.value:
        if key_node.value == key:
            return value_node
    raise KeyError(key)


def test_formulary_validates() -> None:
    """The file reads with the hardened loader (no anchors, aliases or odd tags) and validates as a Formulary."""
    result = formulary()
    assert result.drugs and result.interventions


def test_file_starts_with_an_education_only_header() -> None:
    """The file opens with a comment saying it is for education, not clinical use, and holds model parameters."""
    text = parsed().text
    assert text.startswith("#")
    header = text.split("\ndrugs:", 1)[0].lower()
    assert "education" in header
    assert "not for clinical use" in header
    assert "model parameters" in header


def test_required_drugs_and_interventions_are_present() -> None:
    """Every drug and intervention the bundled scenarios rely on exists under its agreed id."""
    result = formulary()
    assert not [drug for drug in REQUIRED_DRUGS if drug not in result.drugs]
    assert not [item for item in REQUIRED_INTERVENTIONS if item not in result.interventions]
    assert {"cefazolin", "co_amoxiclav"} & set(result.drugs), "at least one trigger antibiotic"


def test_ids_are_snake_case() -> None:
    """Drug and intervention ids are lower-case snake_case, and no id names both a drug and an intervention."""
    result = formulary()
    for action_id in result.ids():
        assert action_id.replace("_", "").isalnum() and action_id == action_id.lower(), action_id
        assert action_id[0].isalpha() and "__" not in action_id and not action_id.endswith("_"), action_id
    assert not set(result.drugs) & set(result.interventions)


def test_every_drug_has_a_source() -> None:
    """Every drug cites its doses; one with kinetics or effects also names their origin or says "estimate"."""
    origins = ("estimate", "biogears", "anasim", "pulse")
    for drug_id, drug in formulary().drugs.items():
        lowered = drug.source.lower()
        assert len(lowered.strip()) >= 20 and "dose" in lowered, drug_id
        if drug.kinetics is not None or drug.effects:
            assert any(origin in lowered for origin in origins), f"{drug_id}: cite PK/PD or mark it 'estimate'"


def test_every_drug_has_a_dose_for_each_route() -> None:
    """Each listed route has a dose guide, so the lint can judge any dose a scenario gives by that route."""
    for drug_id, drug in formulary().drugs.items():
        assert set(drug.doses) == set(drug.routes), drug_id


def test_dose_guides_are_ordered() -> None:
    """usual <= max_single <= limit wherever two values are comparable (70 kg assumed for per-kg doses)."""
    checked = 0
    for drug_id, drug in formulary().drugs.items():
        for route, guide in drug.doses.items():
            values = [guide.usual, guide.max_single, guide.limit]
            present = [value for value in values if value is not None]
            for low, high in zip(present, present[1:], strict=False):
                if comparable(low, high):
                    checked += 1
                    assert amount(low) <= amount(high), f"{drug_id} {route}: {low} > {high}"
    assert checked > 50


def test_dose_guides_match_the_drug_unit() -> None:
    """Every dose is in the same dimension as the drug's unit, so doses convert to that unit."""
    for drug_id, drug in formulary().drugs.items():
        dimension = parse_quantity(f"1 {drug.unit}").dimension
        for route, guide in drug.doses.items():
            for value in (guide.usual, guide.max_single, guide.limit):
                if value is not None:
                    assert value.dimension == dimension, f"{drug_id} {route}: {value} is not in {drug.unit}"


def test_every_dose_has_a_limit() -> None:
    """Every route gives a limit, so an implausible dose in a scenario is always caught."""
    for drug_id, drug in formulary().drugs.items():
        for route, guide in drug.doses.items():
            assert guide.max_single is not None and guide.limit is not None, f"{drug_id} {route}"


def within_limit(drug: Drug, route: str, dose: str) -> bool:
    guide = drug.doses[route]
    assert guide.limit is not None
    given = parse_quantity(dose)
    assert comparable(given, guide.limit)
    return amount(given) <= amount(guide.limit)


def test_adrenaline_iv_limit_allows_arrest_dose_only() -> None:
    """Adrenaline IV: 1 mg (the arrest dose) is within max_single and the limit; 50 mg is beyond the limit."""
    adrenaline = formulary().drugs["adrenaline"]
    assert within_limit(adrenaline, "iv", "1 mg")
    assert within_limit(adrenaline, "iv", "50 mcg")
    assert not within_limit(adrenaline, "iv", "50 mg")
    max_single = adrenaline.doses["iv"].max_single
    assert max_single is not None and amount(max_single) >= amount(parse_quantity("1 mg"))


@pytest.mark.parametrize(
    ("drug_id", "route", "usual"),
    [
        ("adrenaline", "iv", "50 mcg"),
        ("adrenaline", "im", "500 mcg"),
        ("amiodarone", "iv", "300 mg"),
        ("calcium_chloride", "iv", "1 g"),
        ("dantrolene", "iv", "2.5 mg/kg"),
        ("lipid_emulsion", "iv", "1.5 ml/kg"),
        ("lipid_emulsion", "infusion", "15 ml/kg/h"),
        ("oxytocin", "iv", "5 units"),
        ("ergometrine", "im", "500 mcg"),
        ("carboprost", "im", "250 mcg"),
        ("misoprostol", "sl", "800 mcg"),
        ("tranexamic_acid", "iv", "1 g"),
        ("insulin_dextrose", "iv", "10 units"),
        ("glucagon", "iv", "1 mg"),
    ],
)
def test_guideline_doses(drug_id: str, route: str, usual: str) -> None:
    """The usual dose of each crisis drug is the guideline dose the scenarios teach."""
    guide = formulary().drugs[drug_id].doses[route]
    expected = parse_quantity(usual)
    assert guide.usual.signature == expected.signature
    assert guide.usual.value == pytest.approx(expected.value)


def test_guideline_maxima() -> None:
    """Sugammadex allows the 16 mg/kg rescue dose; lipid emulsion stops at 12 ml/kg cumulative."""
    drugs = formulary().drugs
    assert within_limit(drugs["sugammadex"], "iv", "16 mg/kg")
    assert drugs["sugammadex"].doses["iv"].max_single == parse_quantity("16 mg/kg")
    assert drugs["lipid_emulsion"].doses["iv"].limit == parse_quantity("12 ml/kg")
    assert within_limit(drugs["dantrolene"], "iv", "10 mg/kg")
    assert not within_limit(drugs["dantrolene"], "iv", "11 mg/kg")


def test_effects_have_kinetics() -> None:
    """A drug with effects also has kinetics, since effects act on the effect-site concentration."""
    for drug_id, drug in formulary().drugs.items():
        if drug.effects:
            assert drug.kinetics is not None, drug_id
        targets = [effect.target for effect in drug.effects]
        assert len(targets) == len(set(targets)), f"{drug_id}: one effect per target"


def test_dose_strings_are_quoted() -> None:
    """Every dose and every fluid volume is written as a quoted string, never a bare number or plain scalar."""
    root = parsed().root
    assert root is not None
    drugs = mapping_value(root, "drugs")
    for drug_key, drug_node in drugs.value:
        for route_key, guide_node in mapping_value(drug_node, "doses").value:
            for field_key, value_node in guide_node.value:
                where = f"{drug_key.value}.doses.{route_key.value}.{field_key.value}"
                assert isinstance(value_node, yaml.ScalarNode) and value_node.style in ('"', "'"), where
    for item_key, item_node in mapping_value(root, "interventions").value:
        try:
            volume = mapping_value(item_node, "volume")
        except KeyError:
            continue
        assert volume.style in ('"', "'"), f"{item_key.value}.volume"


def test_interventions_have_what_their_kind_needs() -> None:
    """Fluids and blood carry a volume, oxygen an FiO2, defibrillation 150-200 J, airway attempts a success chance."""
    interventions = formulary().interventions
    assert interventions["oxygen_high_flow"].fio2 == 1.0
    assert interventions["crystalloid_bolus"].volume == 500
    assert interventions["crystalloid_bolus_1l"].volume == 1000
    assert interventions["blood_transfusion"].volume == pytest.approx(280, abs=60)
    energy = interventions["defibrillation"].energy_j
    assert energy is not None and 150 <= energy <= 200
    for item in ("intubation_attempt", "supraglottic_airway", "front_of_neck_access", "bag_mask_ventilation"):
        chance = interventions[item].success_chance
        assert chance is not None and 0 < chance <= 1, item
    assert interventions["chest_compressions"].duration == 120


def test_lab_delays() -> None:
    """The blood gas returns in minutes with its full panel; tryptase takes hours; the lab FBC/coag 30-45 min."""
    interventions = formulary().interventions
    gas = interventions["arterial_blood_gas"]
    assert gas.result_delay is not None and 60 <= gas.result_delay <= 300
    assert {"ph", "pao2", "paco2", "base_excess", "lactate", "k", "hb", "glucose"} <= set(gas.reports)
    tryptase = interventions["mast_cell_tryptase"].result_delay
    assert tryptase is not None and tryptase >= 3600
    coag = interventions["full_blood_count_coag"]
    assert coag.result_delay is not None and 30 * 60 <= coag.result_delay <= 45 * 60
    assert {"platelets", "fibrinogen", "inr", "hb"} <= set(coag.reports)
    point_of_care = [
        item
        for item in interventions.values()
        if item.kind == "lab" and "fibrinogen" in item.reports and item.result_delay is not None
    ]
    assert min(item.result_delay for item in point_of_care if item.result_delay) < coag.result_delay
