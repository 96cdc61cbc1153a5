"""The time zones a person chooses from: the canonical zones of the tz database, one or more per
country (its zone.tab), grouped by region, and UTC. Not the legacy names (US/Pacific, Etc/GMT+5,
Asia/Saigon) that ``zoneinfo.available_timezones()`` also lists: 599 entries, many of them twice.

A browser may report a legacy name (Chromium says Asia/Calcutta and Asia/Saigon): ``aliases()`` maps
each such name to its canonical zone, from the database's own links (tzdata.zi)."""

import zoneinfo
from datetime import datetime, tzinfo
from functools import cache
from importlib import resources
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _

UTC_NAME = "UTC"


def _database_file(name: str) -> str:
    """A file of the tz database: the system's (zoneinfo.TZPATH), else the tzdata package's; "" if neither."""
    for folder in zoneinfo.TZPATH:
        path = Path(folder) / name
        if path.is_file():
            return path.read_text(encoding="utf-8")
    try:
        return resources.files("tzdata.zoneinfo").joinpath(name).read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        return ""


@cache
def canonical_zones() -> list[str]:
    """The zones of zone.tab that this Python can load, and UTC, sorted. Without a zone.tab (a
    stripped system without the tzdata package), every zone Python knows."""
    available = zoneinfo.available_timezones()
    listed = {
        line.split("\t")[2].strip()
        for line in _database_file("zone.tab").splitlines()
        if line and not line.startswith("#") and line.count("\t") >= 2
    }
    zones = (listed & available) or available
    return sorted(zones | {UTC_NAME})


@cache
def aliases() -> dict[str, str]:
    """{legacy name: canonical zone} for the links of the tz database whose target is listed."""
    listed = set(canonical_zones())
    found = {}
    for line in _database_file("tzdata.zi").splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0] == "L" and parts[1] in listed:
            found[parts[2]] = parts[1]
    return found


def canonical(name: str) -> str:
    """``name`` as listed (a legacy name becomes its canonical zone; an unknown one stays as it is)."""
    return aliases().get(name, name)


def label(name: str) -> str:
    """The place, as read: "America/Argentina/Buenos_Aires" is "Argentina / Buenos Aires"."""
    return " / ".join(name.split("/")[1:] or [name]).replace("_", " ")


def readable(zone: str | tzinfo, at: datetime | None = None) -> str:
    """A zone as a person reads it, in the page's language: "Ho Chi Minh time (UTC+07:00)" for
    Asia/Ho_Chi_Minh, "UTC" for UTC; the offset is the zone's at ``at`` (now by default: it follows
    daylight saving time). What every page, file header or note shows of a zone, never its raw name."""
    name = getattr(zone, "key", None) or str(zone)
    if name == UTC_NAME:
        return UTC_NAME
    try:
        offset = timezone.localtime(at or timezone.now(), zoneinfo.ZoneInfo(name)).strftime("%z")
    except (ValueError, zoneinfo.ZoneInfoNotFoundError):
        return name
    place = name.rsplit("/", 1)[-1].replace("_", " ")
    return _("%(place)s time (UTC%(offset)s)") % {"place": place, "offset": f"{offset[:3]}:{offset[3:]}"}


@cache
def grouped_choices() -> list:
    """Form choices: UTC, then one group per region (Africa, America, ...) of its zones."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for name in canonical_zones():
        if name != UTC_NAME:
            groups.setdefault(name.split("/")[0], []).append((name, label(name)))
    return [(UTC_NAME, UTC_NAME), *groups.items()]
