"""Number formatting shared by the CLI, the UI and the exports (no arithmetic on money here).

Money follows a display locale (CLDR, through Babel): '$1,234.50' in en_US, '1.234,50 $' in
de_DE. By default it is the system's (LC_ALL / LC_NUMERIC / LANG), en_US where that is C,
POSIX, unset or unknown; `set_display_locale` changes it. Amounts round half-up to the
currency's minor unit (cents, whole yen); per-request amounts keep six decimals."""

from __future__ import annotations

import math
import re
import unicodedata
from copy import copy
from decimal import ROUND_HALF_UP, Decimal, localcontext
from functools import lru_cache

from babel import Locale, UnknownLocaleError, default_locale
from babel.numbers import NumberPattern, get_currency_symbol

from planner.domain.currency import minor_digits, round_half_up

FALLBACK_LOCALE = "en_US"
#: What the C and POSIX locales are called once Babel has read them.
_POSIX = {"C", "POSIX", "en_US_POSIX"}
#: Decimals of a per-request amount ($0.000450).
SMALL_MONEY_PLACES = 6

_display: str | None = None  # the display locale; None until first used (then the system's)


def _parse_locale(name: str | None) -> Locale | None:
    """A Babel locale from 'de_DE', 'de-DE', 'de_DE.UTF-8' or 'de'; None if Babel has no such locale."""
    if not name:
        return None
    name = re.split(r"[.@]", name.strip(), maxsplit=1)[0].replace("-", "_")
    if name in _POSIX:
        return None
    try:
        return Locale.parse(name)
    except (UnknownLocaleError, ValueError, TypeError):
        return None


def system_locale() -> str:
    """The locale the system asks numbers in (e.g. 'de_DE'); en_US where it is C, POSIX,
    unset or unknown to Babel."""
    loc = _parse_locale(default_locale("LC_NUMERIC"))
    return str(loc) if loc is not None else FALLBACK_LOCALE


def set_display_locale(name: str | None) -> str:
    """Show money in locale `name` ('de_DE'); None or '' for the system's. Returns the locale
    now in use; raises ValueError for a name Babel does not know."""
    global _display
    if not name:
        _display = system_locale()
        return _display
    loc = _parse_locale(name)
    if loc is None:
        raise ValueError(f"unknown locale '{name}' (examples: en_US, de_DE, fr_FR, ja_JP)")
    _display = str(loc)
    return _display


def display_locale() -> str:
    """The locale money is shown in ('en_US', 'de_DE', ...)."""
    return _display if _display is not None else set_display_locale(None)


def locale_name(name: str) -> str:
    """A locale's name in English: 'de_DE' -> 'German (Germany)'."""
    loc = _parse_locale(name)
    return loc.get_display_name("en") if loc is not None else name


def _with_symbol(affix: str, symbol: str, before_number: bool) -> str:
    """A pattern's prefix or suffix with the currency symbol in place of '¤', spaced as
    CLDR asks: a no-break space between the digits and a symbol whose edge beside them is
    not itself a symbol ('CHF 1.00' but '$1.00', 'CN¥1.00')."""
    if "¤" not in affix:
        return affix
    text = affix.replace("¤", symbol)
    touching = affix.endswith("¤") if before_number else affix.startswith("¤")
    edge = symbol[-1] if before_number else symbol[0]
    if touching and not unicodedata.category(edge).startswith(("S", "Z")):
        text = text + "\xa0" if before_number else "\xa0" + text
    return text


@lru_cache(maxsize=64)
def _locale(name: str) -> Locale:
    """The Babel locale of a name, parsed once (given a name, Babel parses it again for each
    symbol of each amount: two thirds of the time of formatting one)."""
    return Locale.parse(name)


@lru_cache(maxsize=256)
def _pattern(locale: str, currency: str | None, places: int) -> NumberPattern:
    """The locale's standard currency pattern (or decimal pattern, without a currency),
    with exactly `places` decimals and the currency's symbol written in."""
    loc = Locale.parse(locale)
    base = loc.currency_formats["standard"] if currency else loc.decimal_formats[None]
    p = copy(base)
    p.frac_prec = (places, places)
    if currency:
        symbol = get_currency_symbol(currency, loc)
        p.prefix = tuple(_with_symbol(a, symbol, before_number=True) for a in base.prefix)
        p.suffix = tuple(_with_symbol(a, symbol, before_number=False) for a in base.suffix)
    return p


def _unquote(text: str) -> str:
    """A pattern affix as shown: quoted literals unquoted ('' is one quote)."""
    return re.sub(r"'([^']*)'", lambda m: m.group(1) or "'", text)


def currency_affixes(currency: str) -> tuple[str, str]:
    """What the display locale writes before and after a positive amount of `currency`:
    ('$', '') in en_US, ('', '\\xa0$') in de_DE, ('CHF\\xa0', '') in en_US for CHF."""
    p = _pattern(display_locale(), currency, 0)
    return _unquote(p.prefix[0]), _unquote(p.suffix[0])


def fmt_money(x: Decimal | None, currency: str = "USD", symbol: bool = True, places: int | None = None) -> str:
    """An amount in the display locale, half-up to the currency's minor unit (or `places`
    decimals): 1234.5 USD -> '$1,234.50' (en_US) or '1.234,50 $' (de_DE), 1234.5 JPY ->
    '¥1,235'; negative as '-$1.00'; None as '—'. `symbol=False`: the number alone ('1,234.50')."""
    if x is None:
        return "—"
    digits = minor_digits(currency) if places is None else places
    q = round_half_up(x, digits)
    locale = display_locale()
    with localcontext() as ctx:  # Babel computes in the current context: room for every digit
        ctx.prec = max(ctx.prec, len(q.as_tuple().digits) + 2)
        return _pattern(locale, currency if symbol else None, digits).apply(q, _locale(locale))


def fmt_small_money(x: Decimal | None, currency: str = "USD") -> str:
    """Per-request amounts: six decimals ($0.000450)."""
    return fmt_money(x, currency, places=SMALL_MONEY_PLACES)


def plain_money(x: Decimal, currency: str = "USD") -> str:
    """An amount for a file: '1234.50' (no grouping, '.' decimal, the currency's minor
    digits, half-up: '1235' for 1234.5 JPY), whatever the display locale."""
    return f"{round_half_up(x, minor_digits(currency)):f}"


def fmt_price(x: Decimal | None) -> str:
    """A per-1M price: at least two decimals, more when the price needs them ($0.075)."""
    if x is None:
        return "—"
    x = x.normalize()
    exp = -x.as_tuple().exponent if isinstance(x.as_tuple().exponent, int) else 0
    places = min(max(2, exp), 6)
    return f"{x:,.{places}f}"


def fmt_int(x: float | Decimal | int | None) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    return f"{int(Decimal(str(x)).to_integral_value(rounding=ROUND_HALF_UP)):,}"


def fmt_float(x: float | None, places: int = 2) -> str:
    if x is None or math.isnan(x):
        return "—"
    return f"{x:,.{places}f}"


def fmt_pct(x: Decimal | float | None, places: int = 1) -> str:
    """A percentage already in percent units: 12.345 -> '12.3%'."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    return f"{float(x):,.{places}f}%"


def fmt_tokens(n: int | None) -> str:
    """Context sizes: 128000 -> '128K', 1000000 -> '1M', 1048576 -> '1.05M'."""
    if n is None:
        return "—"
    if n >= 1_000_000:
        return f"{n / 1_000_000:.3g}M"
    if n >= 1000:
        return f"{n / 1000:.3g}K"
    return str(n)
