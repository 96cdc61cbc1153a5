"""Rendered fragments kept per worker, keyed by exactly what they are rendered from.

``render(template_name, inputs, build)`` renders a template (usually a partial, "app/page.html#name")
with ``build(**inputs)`` alone: no request, no user, no context processor, so the fragment shows
nothing that does not come from ``inputs``. The cache key is made from ``inputs`` themselves (and the
active language and time zone), so one function call makes both the key and the data, and two
learners share a rendering only when everything it is made from is equal. ``build`` must read
nothing but its arguments and content (which the marker in ``inputs`` covers); without ``build``
the inputs are the data.

What ``inputs`` may hold, and how each kind of value enters the key:
- plain values (text, numbers, decimals, dates, booleans, None), and lists, tuples, dicts,
  named tuples and dataclasses of them: by value;
- content (instances of a class given to ``content``: the curriculum, which changes only with the
  content marker): by model and primary key, and ``inputs`` must then hold ``marker``;
- other model instances: by every loaded field, annotation and cached related object.
Anything else is refused (TypeError), rather than keyed by its identity.
"""

import dataclasses
import datetime
import hashlib
import uuid
from collections.abc import Callable
from decimal import Decimal

from django.core.cache import caches
from django.db.models import Model
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

CACHE = "fragments"
TIMEOUT = 3600
_PLAIN = (str, int, float, Decimal, datetime.date, datetime.time, datetime.timedelta, uuid.UUID, type(None))
_PLAIN_TYPES = {*_PLAIN, bool, datetime.datetime}
_content: tuple[type[Model], ...] = ()


def content(base: type[Model]) -> None:
    """Key instances of ``base`` (and its subclasses) by the content marker and their primary key:
    for models every change of which moves the marker (courses registers its content base class)."""
    global _content
    _content = (*_content, base)


def render(template_name: str, inputs: dict, build: Callable[..., dict] | None = None) -> SafeString:
    """``template_name`` rendered with ``build(**inputs)`` (or ``inputs``) alone, from the cache when
    it was rendered from equal inputs before."""
    key = fragment_key(template_name, inputs)
    cache = caches[CACHE]
    html = cache.get(key)
    if html is None:
        html = render_to_string(template_name, build(**inputs) if build is not None else inputs)
        cache.set(key, html, TIMEOUT)
    return mark_safe(html)  # noqa: S308 - a rendered template: escaped by the template engine


def fragment_key(template_name: str, inputs: dict) -> str:
    """The cache key of ``template_name`` rendered from ``inputs`` (see the module docstring)."""
    seen: dict[int, tuple[int, object]] = {}
    values = _value(inputs, seen)
    if "marker" not in inputs and any(isinstance(item, _content) for _, item in seen.values()):
        raise TypeError(f"{template_name}: inputs holding content must hold the content marker too")
    parts = (template_name, get_language(), timezone.get_current_timezone_name(), values)
    return "fragment:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def _value(value, seen: dict[int, tuple[int, object]]):
    if type(value) in _PLAIN_TYPES:  # the common case, first and fast
        return value
    if isinstance(value, _PLAIN):  # their subclasses (a SafeString, a bool)
        return value
    if isinstance(value, Promise):  # a lazy translation: the language is in the key
        return str(value)
    if isinstance(value, list | tuple):  # named tuples too
        return tuple(_value(item, seen) for item in value)
    if isinstance(value, dict):
        return tuple((key, _value(item, seen)) for key, item in value.items())
    if id(value) in seen:  # a shared object (a module listed as another's prerequisite): keyed once,
        return ("same", seen[id(value)][0])  # then by the order in which it was first met
    seen[id(value)] = (len(seen), value)
    if isinstance(value, _content):
        return (value._meta.label, value.pk)
    if isinstance(value, Model):
        loaded = {k: v for k, v in value.__dict__.items() if not k.startswith("_")}
        related = value._state.fields_cache.items()
        prefetched = getattr(value, "_prefetched_objects_cache", {})
        return (
            value._meta.label,
            _value(loaded, seen),
            tuple((name, _value(item, seen)) for name, item in related),
            tuple((name, _value(list(items), seen)) for name, items in prefetched.items()),
        )
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (type(value).__name__, *(_value(getattr(value, f.name), seen) for f in dataclasses.fields(value)))
    raise TypeError(f"A fragment cannot be keyed on {type(value).__name__}: pass plain values or model instances")
