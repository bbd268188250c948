"""Company inventories and locations from GHGRP (harmonize/companies.py, issue 17)."""

from __future__ import annotations

import pandas as pd
import pytest

from subnat.errors import ConsistencyError
from subnat.harmonize import companies
from subnat.sources.climactor import NameDictionary

KEY_DICT = pd.DataFrame({"wrong": ["Mars, Incorporated", "Campbell Soup Co"], "right": ["Mars", "CR Bard"],
                         "climactor_id": ["c1", "c2"], "iso": "USA", "entity_type": "Company"})
NO_HAND = pd.DataFrame(columns=["company_id", "ghgrp_parent", "decision", "citation"])


def _owners(rows):
    return pd.DataFrame(rows, columns=["facility_id", "parent", "share", "lossy"])


def _facilities(rows):
    df = pd.DataFrame(rows, columns=["facility_id", "state", "year", "emissions_t"])
    return df.assign(located=True, sheet="Direct Point Emitters")


def test_owners_fill_missing_percent_and_prefer_the_2020_table():
    p2020 = pd.DataFrame({"facility_id": [1, 1, 2], "reporting_year": 2020, "state": "NY",
                          "parent": ["A CORP", "B LLC", "C INC"], "share": [0.7, None, None],
                          "lossy": False, "source": "p"})
    latest = pd.DataFrame({"facility_id": [1, 3], "reporting_year": None, "state": "NY",
                           "parent": ["B LLC", "D CO"], "share": [1.0, 1.001], "lossy": True, "source": "l"})
    out = companies.owners(p2020, latest).set_index(["facility_id", "parent"])
    assert out.loc[(1, "B LLC"), "share"] == pytest.approx(0.3)  # what A leaves; latest table ignored
    assert out.loc[(2, "C INC"), "share"] == 1.0  # sole owner without a percent
    assert out.loc[(3, "D CO"), "share"] == pytest.approx(1.0)  # 100.1 % rounding brought to 1
    assert bool(out.loc[(3, "D CO"), "lossy"]) and not bool(out.loc[(1, "B LLC"), "lossy"])


def test_match_report_statuses_and_hand_table():
    names = NameDictionary(KEY_DICT)
    owned = _owners([(1, "MARS INC", 1.0, False), (2, "CAMPBELL SOUP CO", 1.0, False),
                     (3, "WELLS FARGO & CO", 1.0, False), (4, "ZETA FOODS LLC", 1.0, False)])
    targets = pd.DataFrame({"actor_id": ["CO-MARS", "CO-CR_BARD", "CO-WELLS_FARGO", "CO-ZETA", "CO-NONE"],
                            "name": ["Mars", "CR Bard", "Wells Fargo", "Zeta", "None"]})
    plain = companies.match_report(targets, owned, names, NO_HAND).report.set_index("company_id")
    assert plain.loc["CO-MARS", "status"] == "matched"  # legal suffix removed: MARS INC -> CO-MARS
    assert plain.loc["CO-CR_BARD", "status"] == "matched"  # the dictionary's wrong variant, until rejected
    assert plain.loc["CO-WELLS_FARGO", "status"] == "matched"  # "& CO" removed with its "and"
    assert plain.loc["CO-ZETA", "status"] == "ambiguous" and plain.loc["CO-NONE", "status"] == "unmatched"
    hand = pd.DataFrame({"company_id": ["CO-CR_BARD", "CO-NONE"],
                         "ghgrp_parent": ["CAMPBELL SOUP CO", "ZETA FOODS LLC"],
                         "decision": ["reject", "match"], "citation": ["different companies", "renamed"]})
    m = companies.match_report(targets, owned, names, hand)
    rep = m.report.set_index("company_id")
    assert rep.loc["CO-CR_BARD", "status"] == "unmatched"
    assert rep.loc["CO-NONE", "status"] == "matched" and "renamed" in rep.loc["CO-NONE", "source"]
    assert m.parents == {"CO-MARS": ["MARS INC"], "CO-WELLS_FARGO": ["WELLS FARGO & CO"],
                         "CO-NONE": ["ZETA FOODS LLC"]}


def test_a_parent_claimed_twice_counts_for_neither():
    owned = _owners([(1, "ABBOTT LABORATORIES", 1.0, False)])
    targets = pd.DataFrame({"actor_id": ["CO-ABBOTT_LABORATORIES", "CO-ABBOTT"], "name": ["Abbott Labs", "Abbott"]})
    hand = pd.DataFrame({"company_id": ["CO-ABBOTT"], "ghgrp_parent": ["ABBOTT LABORATORIES"],
                         "decision": ["match"], "citation": ["x"]})
    m = companies.match_report(targets, owned, NameDictionary(KEY_DICT), hand)
    assert m.parents == {}
    assert set(m.report["status"]) == {"ambiguous"}


def test_mars_us2017_hand_arithmetic():
    """Mars, Incorporated in us2017 (real GHGRP numbers, ghgp_data_by_year_2023.xlsx):

    facilities (RY2020 parent table: MARS INC, 100 % each)
      1005417  NJ  2015: 45,098.980 t
      1010654  OH  2015: 22,637.464 t
    inventory 2015 = 45,098.980 + 22,637.464 = 67,736.444 t = 0.067736 Mt (scope1)
    locations: NJ 45,098.980 / 67,736.444 = 0.665800, OH 22,637.464 / 67,736.444 = 0.334199
    (rounded down, so they sum to <= 1).

    Target (SBTi 2023-01 export, Mars): scope 1+2 27 % below 2015 by 2025 -> a scope1 target
    on the GHGRP inventory (scope 2 not in GHGRP), base-year emissions 0.067736 Mt.

    O3 in 2025, full implementation (run of us2017 on this branch, medians): E_ref = 0.072408 Mt,
    D = 0.022961 Mt, rho_k = 0.3171. In 2017 only NJ has a target (OH none): phi = 0.6658;
    NJ's delivered rate rho_j = 17.988 / 117.454 = 0.1532.
      N = D (1 - phi) + E_ref phi max(0, rho_k - rho_j)
        = 0.022961 x 0.3342 + 0.072408 x 0.6658 x 0.1640 = 0.00767 + 0.00790 = 0.0156 Mt
    (the run's per-draw median is 0.0150), so O3 removes ~0.0074 Mt of Mars' 0.0230 Mt.
    """
    owned = _owners([(1005417, "MARS INC", 1.0, False), (1010654, "MARS INC", 1.0, False)])
    facilities = _facilities([(1005417, "NJ", 2015, 45098.980), (1010654, "OH", 2015, 22637.464),
                              (1005417, "NJ", 2016, 46036.876)])
    targets = pd.DataFrame({"actor_id": ["CO-MARS"], "name": ["Mars"]})
    m = companies.match_report(targets, owned, NameDictionary(KEY_DICT), NO_HAND)
    t = companies.company_tables(m, owned, companies.facility_emissions(facilities, 2015), "test")
    assert t.inventory[["actor_id", "year", "emissions_mt", "scope"]].values.tolist() == \
        [["CO-MARS", 2015, 0.067736, "scope1"]]
    shares = t.locations.set_index("jurisdiction_id")["share"].to_dict()
    assert shares == {"US-NJ": 0.6658, "US-OH": 0.334199}
    assert sum(shares.values()) <= 1.0
    com = pd.DataFrame({"actor_id": ["CO-MARS"], "scope": ["scope1+2"], "target_year": [2025], "base_year": [2015],
                        "base_year_emissions_mt": [None], "value": [0.27], "source": ["SBTi, Mars"]})
    out, cover = companies.scope1_commitments(com, t.inventory)
    assert out.loc[0, "scope"] == "scope1" and out.loc[0, "source"].startswith("scope-1 part quantified")
    assert cover.loc[0, "ghgrp_covers"].endswith("scope 2 and non-US operations not covered")
    rho_k, phi, rho_j = 0.022961 / 0.072408, shares["US-NJ"], 17.988170 / 117.454337
    net = 0.022961 * (1 - phi) + 0.072408 * phi * max(0.0, rho_k - rho_j)
    assert net == pytest.approx(0.0156, abs=5e-5)


def test_located_emissions_above_a_state_stop_the_build():
    located = pd.DataFrame({"company_id": ["CO-A", "CO-B"], "jurisdiction_id": "US-NY", "year": 2015,
                            "emissions_mt": [60.0, 50.0]})
    states = pd.DataFrame({"actor_id": ["US-NY"], "year": [2015], "emissions_mt": [100.0]})
    with pytest.raises(ConsistencyError, match=r"US-NY emit 110\.00 Mt in 2015, more than the state's"):
        companies.check_below_states(located, states)
    companies.check_below_states(located.iloc[:1], states)


def test_close_keys_listed_until_the_hand_table_settles_them():
    owned = _owners([(1, "NEWMONT CORP", 1.0, False), (2, "WILLIAMS COMPANY", 1.0, False)])
    targets = pd.DataFrame({"actor_id": ["CO-NEWMONT_MINING", "CO-WILLIAMS_SONOMA", "CO-AMERICAN_EXPRESS"],
                            "name": ["Newmont Mining", "Williams-Sonoma", "American Express"]})
    names = NameDictionary(KEY_DICT)
    rep = companies.match_report(targets, owned, names, NO_HAND).report.set_index("company_id")
    assert rep.loc["CO-NEWMONT_MINING", "candidates"] == "CO-NEWMONT"  # word-prefix
    assert rep.loc["CO-WILLIAMS_SONOMA", "status"] == "ambiguous"
    assert rep.loc["CO-AMERICAN_EXPRESS", "status"] == "unmatched"
    hand = pd.DataFrame({"company_id": ["CO-WILLIAMS_SONOMA"], "ghgrp_parent": ["WILLIAMS COMPANY"],
                         "decision": ["reject"], "citation": ["pipelines, not retail"]})
    rep = companies.match_report(targets, owned, names, hand).report.set_index("company_id")
    assert rep.loc["CO-WILLIAMS_SONOMA", "status"] == "unmatched"
    assert "pipelines, not retail" in rep.loc["CO-WILLIAMS_SONOMA", "source"]
    assert rep.loc["CO-NEWMONT_MINING", "status"] == "ambiguous"
