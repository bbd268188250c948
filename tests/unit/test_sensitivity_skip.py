"""Per-case sensitivity cases: a case's settings.yaml `sensitivity.skip` drops those that cannot change its result."""

from __future__ import annotations

import copy

import pytest

from subnat.config import package_defaults, resolve, sources_from
from subnat.errors import InputError
from subnat.workflow import case_sensitivity, sensitivity_names

SKIPPED = {"land_sink_high", "land_sink_low", "o6_off", "scope2_market_based"}


def _defaults() -> dict:
    return resolve(copy.deepcopy(package_defaults().data))


def test_skip_removes_named_cases_in_order():
    config = _defaults()
    every = [c["name"] for c in config["sensitivity"]["cases"]]
    assert sensitivity_names(config) == every
    config["sensitivity"]["skip"]["value"] = ["o6_off", "cps_low"]
    assert sensitivity_names(config) == [n for n in every if n not in {"o6_off", "cps_low"}]
    config["sensitivity"]["enabled"] = False
    assert sensitivity_names(config) == []


def test_unknown_skip_name_is_a_clear_error():
    config = _defaults()
    config["sensitivity"]["skip"]["value"] = ["no_such_case"]
    with pytest.raises(InputError, match=r"sensitivity\.skip: no sensitivity case named no_such_case"):
        sensitivity_names(config)


def test_skip_of_a_package_case_the_user_list_lacks_is_ignored():
    """A case's settings.yaml skips package cases; a user's own sensitivity list need not have them
    (the Slurm global run's test config has two cases)."""
    config = _defaults()
    config["sensitivity"]["cases"] = [c for c in config["sensitivity"]["cases"] if c["name"] == "cps_low"]
    config["sensitivity"]["skip"]["value"] = ["o6_off", "land_sink_low"]
    assert sensitivity_names(config) == ["cps_low"]
    sources = sources_from([], base=package_defaults()).with_flags(
        {"sensitivity": {"cases": config["sensitivity"]["cases"]}}, "test flags").to_dict()
    assert case_sensitivity(sources, "jpn2024", "jpn2024") == ["cps_low"]


def test_country_cases_skip_only_the_cases_equal_to_their_default():
    sources = sources_from([], base=package_defaults()).to_dict()
    every = sensitivity_names(_defaults())
    assert case_sensitivity(sources, "us2017", "us2017") == every
    for name in ("jpn2024", "deu2024", "mex2024", "bra2024"):
        assert case_sensitivity(sources, name, name) == [n for n in every if n not in SKIPPED]


def test_a_user_layer_can_reset_the_skip():
    sources = sources_from([], base=package_defaults()).with_flags(
        {"sensitivity": {"skip": {"value": [], "source": "test"}}}, "test flags").to_dict()
    assert case_sensitivity(sources, "jpn2024", "jpn2024") == sensitivity_names(_defaults())
