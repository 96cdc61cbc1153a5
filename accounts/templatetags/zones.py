"""``{{ zone|zone_label }}``: a time zone (its name or a tzinfo) as a person reads it (accounts.zones.readable),
"Ho Chi Minh time (UTC+07:00)", never the raw "Asia/Ho_Chi_Minh". The current zone:
``{% get_current_timezone as zone %}{{ zone|zone_label }}``."""

from django import template

from accounts.zones import readable

register = template.Library()


@register.filter
def zone_label(zone) -> str:
    return readable(zone) if zone else ""
