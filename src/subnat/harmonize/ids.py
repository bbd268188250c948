"""Stable actor ids.

- States (and DC, Puerto Rico): ISO 3166-2 ``US-CA``.
- Cities: UN/LOCODE in ``US-XXX`` form (``US-NYC``) when the place has a code; otherwise
  ``US-<ST>-<NAME_KEY>`` (e.g. counties: ``US-WI-DANE_COUNTY``). Parent: the state's id.
- Companies: ``CO-<KEY>``, the normalised ClimActor standard name (variants merged through the
  ClimActor key dictionary; legal suffixes such as Inc./Corp./LLC removed).
"""

from __future__ import annotations

import pandas as pd

from subnat.sources.climactor import NameDictionary
from subnat.sources.common import state_id
from subnat.sources.geo import CityIndex


class Resolver:
    """Resolve upstream names to case actor ids (see module docstring)."""

    def __init__(self, unlocode: pd.DataFrame, key_dict: pd.DataFrame) -> None:
        self.cities = CityIndex(unlocode)
        self.companies = NameDictionary(key_dict, iso="USA", entity_type="Company")

    @staticmethod
    def state(name: str) -> str | None:
        """``US-CA`` for "California", "CA", "Washington State"; None otherwise."""
        return state_id(name)

    def city(self, name: str, state: str | None = None) -> tuple[str | None, str | None]:
        """(city id, parent state id) or (None, None) when the state is unknown."""
        return self.cities.resolve(name, state)

    def company(self, name: str) -> tuple[str, str]:
        """(company id, standard name)."""
        return self.companies.actor_id(name), self.companies.standard(name)
