"""Model prices, quality scores, the catalog and the user's overlay on top of it."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    SkipValidation,
    ValidationError,
    field_serializer,
    field_validator,
    model_validator,
)

from planner.domain.errors import InputError
from planner.domain.tiers import Tier, tier_for_input_price

CATALOG_SCHEMA_VERSION = 1
OVERLAY_SCHEMA_VERSION = 1

#: A price in USD per 1M tokens. Finite, non-negative, below an absurd ceiling.
Price = Annotated[Decimal, Field(ge=0, le=100_000, allow_inf_nan=False)]
#: The most tokens a context window, an output or a long-context threshold may have.
MAX_TOKENS = 1_000_000_000
#: A count of tokens: positive, at most MAX_TOKENS.
Tokens = Annotated[int, Field(gt=0, le=MAX_TOKENS)]
#: A fraction in [0, 1].
Fraction = Annotated[Decimal, Field(ge=0, le=1, allow_inf_nan=False)]

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._:@+-]*(/[A-Za-z0-9._:@+-]+)*$")


class QualityMetric(BaseModel):
    """A named quality metric (all scores are on a 0-100 scale, higher is better)."""

    model_config = ConfigDict(frozen=True)

    key: str
    label: str
    short: str = ""
    description: str = ""


#: The metrics the shipped catalog uses. Imported catalogs may add others.
QUALITY_METRICS: dict[str, QualityMetric] = {
    m.key: m
    for m in (
        QualityMetric(
            key="tokenrate",
            label="TokenRate quality",
            short="TokenRate",
            description="TokenRate's quality index (0-100), as used for its Value column.",
        ),
        QualityMetric(
            key="aa_intelligence",
            label="AA Intelligence Index",
            short="AA Index",
            description="Artificial Analysis Intelligence Index (0-100).",
        ),
        QualityMetric(
            key="swe_bench",
            label="SWE-bench %",
            short="SWE-bench",
            description="SWE-bench (Verified) resolved rate, percent.",
        ),
        QualityMetric(key="gpqa_diamond", label="GPQA Diamond %", short="GPQA", description="GPQA Diamond accuracy, percent."),
        QualityMetric(key="tau2", label="Tau-2 %", short="Tau-2", description="Tau-2 tool-use benchmark, percent."),
        QualityMetric(key="hle", label="HLE %", short="HLE", description="Humanity's Last Exam, percent."),
    )
}
DEFAULT_QUALITY_METRIC = "tokenrate"


def metric_label(key: str, short: bool = False) -> str:
    """Display name of a quality metric (the key itself for metrics this program doesn't know)."""
    m = QUALITY_METRICS.get(key)
    if m is None:
        return key
    return (m.short or m.label) if short else m.label


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# One set object per distinct set of given fields, shared by every frozen model that has
# it: pydantic keeps a set of the fields each instance was given (2 KB for a model with
# every field), 11 MB for a 3,600-model catalog. Frozen models never change theirs; a copy
# gets a set of its own. An imported catalog has a few hundred distinct sets.
_FIELDS_SETS: dict[frozenset[str], set[str]] = {}
_MAX_FIELDS_SETS = 4096


def _share_fields_set(obj: BaseModel) -> None:
    given = obj.__pydantic_fields_set__
    shared = _FIELDS_SETS.get(key := frozenset(given))
    if shared is None:
        if len(_FIELDS_SETS) < _MAX_FIELDS_SETS:
            _FIELDS_SETS[key] = given
    elif shared is not given:
        object.__setattr__(obj, "__pydantic_fields_set__", shared)


class LongContextTier(_Strict):
    """Prices for requests whose input exceeds `threshold_tokens`.

    Such a request is billed entirely at these prices, not only the tokens above the
    threshold. Cache prices missing here scale with the input price.
    """

    threshold_tokens: Tokens
    input: Price
    output: Price
    cache_read: Price | None = None
    cache_write: Price | None = None


#: A fee in USD per request, call or image (not per 1M tokens).
Fee = Annotated[Decimal, Field(ge=0, le=1_000, allow_inf_nan=False)]

#: Service tiers a request can be sent at (OpenAI's flex and priority processing, ...).
SERVICE_TIERS = ("standard", "flex", "priority")


class TierPrices(_Strict):
    """A model's prices at a service tier other than standard, or in its off-peak hours."""

    input: Price
    output: Price
    cache_read: Price | None = None
    #: when the prices apply, in words ("16:30-00:30 UTC"), for off-peak prices
    window: str = ""


class ReasoningEstimate(_Strict):
    """How many reasoning tokens a reasoning model spends per output token, as an estimate
    (low / expected / high), for lines that do not state their reasoning tokens."""

    low: Annotated[Decimal, Field(ge=0, le=1000, allow_inf_nan=False)]
    expected: Annotated[Decimal, Field(ge=0, le=1000, allow_inf_nan=False)]
    high: Annotated[Decimal, Field(ge=0, le=1000, allow_inf_nan=False)]

    @model_validator(mode="after")
    def _ordered(self) -> ReasoningEstimate:
        if not (self.low <= self.expected <= self.high):
            raise ValueError("reasoning estimate must satisfy low <= expected <= high")
        return self


class PricePoint(_Strict):
    """One dated price of a model, with where it came from."""

    date: date
    input: Price
    output: Price
    cache_read: Price | None = None
    cache_write: Price | None = None
    source: str = ""
    source_url: str | None = None

    def model_post_init(self, __context: Any) -> None:
        _share_fields_set(self)


class ModelPrice(_Strict):
    """One model's prices (USD per 1M tokens) and what is known of its quality and speed."""

    id: str
    name: str = Field(min_length=1)
    provider: str = Field(min_length=1)
    tier: Tier | None = None
    input: Price
    output: Price
    cache_read: Price | None = None
    cache_write: Price | None = None
    batch_input: Price | None = None
    batch_output: Price | None = None
    batch_discount: Fraction | None = None
    #: long-context ranges, by rising threshold: a request is billed wholly at the range its
    #: input falls in (the last one whose threshold it exceeds); a file may give one tier
    long_context: tuple[LongContextTier, ...] = ()
    #: per 1M reasoning (thinking) tokens; the output price where a model lists none
    reasoning: Price | None = None
    reasoning_estimate: ReasoningEstimate | None = None
    #: per 1M tokens written to a 1-hour prompt cache (cache_write is the 5-minute price)
    cache_write_1h: Price | None = None
    #: prices at other service tiers, by tier ("flex", "priority")
    service_tiers: dict[str, TierPrices] = Field(default_factory=dict)
    #: cheaper prices in off-peak hours (DeepSeek's 16:30-00:30 UTC)
    off_peak: TierPrices | None = None
    #: USD per request, per web-search call, per input image
    per_request: Fee | None = None
    per_search: Fee | None = None
    per_image: Fee | None = None
    context_window: Tokens | None = None
    max_output: Tokens | None = None
    modalities: tuple[str, ...] = ("text",)
    capabilities: tuple[str, ...] = ()
    quality: dict[str, Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)]] = Field(
        default_factory=dict
    )
    throughput_tps: float | None = Field(default=None, gt=0, le=1_000_000, allow_inf_nan=False)
    ttft_s: float | None = Field(default=None, ge=0, le=86_400, allow_inf_nan=False)
    source: str = ""
    source_url: str | None = None
    as_of: date | None = None
    notes: str = ""
    history: tuple[PricePoint, ...] = ()
    self_hosted: bool = False

    def model_post_init(self, __context: Any) -> None:
        _share_fields_set(self)

    @field_validator("long_context", mode="before")
    @classmethod
    def _ranges(cls, v: Any) -> Any:
        if v is None:
            return ()
        if isinstance(v, (dict, LongContextTier)):
            return (v,)
        return v

    @field_validator("long_context")
    @classmethod
    def _ranges_rise(cls, v: tuple[LongContextTier, ...]) -> tuple[LongContextTier, ...]:
        ordered = tuple(sorted(v, key=lambda t: t.threshold_tokens))
        if len({t.threshold_tokens for t in ordered}) != len(ordered):
            raise ValueError("two long-context ranges start at the same threshold")
        return ordered

    def long_context_for(self, input_tokens: Any) -> LongContextTier | None:
        """The long-context range a request of `input_tokens` input falls in, if any."""
        tier = None
        for t in self.long_context:
            if input_tokens > t.threshold_tokens:
                tier = t
        return tier

    @field_validator("service_tiers")
    @classmethod
    def _known_tiers(cls, v: dict[str, TierPrices]) -> dict[str, TierPrices]:
        for key in v:
            if key not in SERVICE_TIERS or key == "standard":
                raise ValueError(f"unknown service tier '{key}' (known: flex, priority)")
        return v

    @field_validator("id")
    @classmethod
    def _id_shape(cls, v: str) -> str:
        if not ID_PATTERN.match(v):
            raise ValueError("must look like 'provider/model-slug' (lowercase provider, no spaces)")
        return v

    @property
    def effective_tier(self) -> Tier:
        return self.tier if self.tier is not None else tier_for_input_price(self.input)

    @property
    def has_vision(self) -> bool:
        return "image" in self.modalities or "vision" in self.capabilities

    @property
    def has_tools(self) -> bool:
        return "tools" in self.capabilities


    def with_changes(self, **changes: Any) -> ModelPrice:
        """A validated copy with some fields replaced."""
        data = self.model_dump()
        data.update(changes)
        return ModelPrice.model_validate(data)


class Catalog(_Strict):
    """A set of models with one as-of date. The shipped file and imports have this shape."""

    schema_version: int = CATALOG_SCHEMA_VERSION
    as_of: date
    name: str = "Catalog"
    default_quality_metric: str = DEFAULT_QUALITY_METRIC
    models: tuple[ModelPrice, ...]

    @model_validator(mode="after")
    def _unique_ids(self) -> Catalog:
        seen: set[str] = set()
        for i, m in enumerate(self.models):
            if m.id in seen:
                raise ValueError(f"models[{i}] '{m.id}': duplicate id")
            seen.add(m.id)
        return self

    @field_validator("schema_version")
    @classmethod
    def _known_version(cls, v: int) -> int:
        if v > CATALOG_SCHEMA_VERSION:
            raise ValueError(
                f"schema_version {v} is newer than this program understands ({CATALOG_SCHEMA_VERSION})"
            )
        if v < 1:
            raise ValueError("schema_version must be at least 1")
        return v

    _by_id: dict[str, ModelPrice] = PrivateAttr(default_factory=dict)

    def model_post_init(self, __context: Any) -> None:
        self._by_id = {m.id: m for m in self.models}

    def __iter__(self) -> Iterator[ModelPrice]:  # type: ignore[override]
        return iter(self.models)

    def __len__(self) -> int:
        return len(self.models)

    def __contains__(self, model_id: object) -> bool:
        return model_id in self._by_id

    @property
    def by_id(self) -> dict[str, ModelPrice]:
        """Models by id (read-only by convention)."""
        return self._by_id

    def get(self, model_id: str) -> ModelPrice | None:
        return self._by_id.get(model_id)

    def __getitem__(self, model_id: str) -> ModelPrice:
        try:
            return self._by_id[model_id]
        except KeyError:
            raise KeyError(f"unknown model '{model_id}'") from None

    @property
    def providers(self) -> list[str]:
        return sorted({m.provider for m in self.models}, key=str.lower)

    @property
    def quality_metrics(self) -> list[str]:
        """Metric keys present in this catalog, known ones first in their defined order."""
        present = {k for m in self.models for k in m.quality}
        known = [k for k in QUALITY_METRICS if k in present]
        return known + sorted(present - set(known))

    def replace_models(self, models: Iterable[ModelPrice], as_of: date | None = None) -> Catalog:
        return Catalog(
            schema_version=self.schema_version,
            as_of=as_of or self.as_of,
            name=self.name,
            default_quality_metric=self.default_quality_metric,
            models=tuple(models),
        )


# ---------------------------------------------------------------------------------------
# Loading with errors that name the file, the entry and the field


def describe_validation_error(
    exc: ValidationError, source: str, raw: Any, id_key: str = "id"
) -> str:
    """One line naming the file, the entry (by its id or name) and the field.

    The entry is the first list item on the error's path (`models[3] 'openai/gpt-x'`,
    `lines[0] 'Support bot'`, `multipliers[1] 'Smart routing'`); the rest is the field.
    """
    err = exc.errors()[0]
    loc = list(err.get("loc", ()))
    entry = ""
    node: Any = raw
    for k in range(len(loc) - 1):
        key, idx = loc[k], loc[k + 1]
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(key, str) and isinstance(idx, int):
            item = node[idx] if isinstance(node, list) and 0 <= idx < len(node) else None
            ident = None
            if isinstance(item, dict):
                ident = item.get(id_key) or item.get("id") or item.get("name")
            prefix = ".".join(str(p) for p in loc[:k])
            entry = (f"{prefix}." if prefix else "") + f"{key}[{idx}]" + (f" '{ident}'" if ident else "")
            loc = loc[k + 2 :]
            break
    field = ""
    for p in loc:
        field += f"[{p}]" if isinstance(p, int) else (f".{p}" if field else str(p))
    msg = err.get("msg", "invalid").removeprefix("Value error, ")
    parts = [source]
    if entry:
        parts.append(entry)
    if field:
        parts.append(f"field '{field}'")
    return ": ".join(parts) + f": {msg}"


def parse_catalog(raw: Any, source: str) -> Catalog:
    if not isinstance(raw, dict):
        raise InputError(f"{source}: a catalog must be a JSON object with 'as_of' and 'models'")
    try:
        return Catalog.model_validate(raw)
    except ValidationError as e:
        raise InputError(describe_validation_error(e, source, raw)) from None


# ---------------------------------------------------------------------------------------
# The user overlay: edits and additions, kept apart from the shipped file


#: In `Overlay.marks`: the model was added by the user (not one of the shipped catalog's).
USER_ADDED = "(added)"


class OverlayEntry(BaseModel):
    """The user's changes to one model: a set of field values, or a whole model they added."""

    model_config = ConfigDict(extra="forbid")

    id: str
    #: the field values as given (a JSON object, so the names are text): each value is checked
    #: when the entry is applied (apply_overlay); here only that it is an object, kept as it is
    fields: SkipValidation[dict[str, Any]] = Field(default_factory=dict)
    added: bool = False
    edited_at: date | None = None
    provenance: str = ""

    @field_validator("fields", mode="before")
    @classmethod
    def _object(cls, v: Any) -> Any:
        if not isinstance(v, dict):
            raise ValueError("must be an object of field names and values")
        return v


class Overlay(BaseModel):
    """Everything the user changed, applied on top of the shipped catalog.

    `entries` holds the entries by model id (in the order they were made); in the file they
    are a list. Finding, adding and removing an entry does not scan the others.
    """

    model_config = ConfigDict(extra="forbid")

    schema_version: int = OVERLAY_SCHEMA_VERSION
    entries: dict[str, OverlayEntry] = Field(default_factory=dict)

    @field_validator("schema_version")
    @classmethod
    def _known_version(cls, v: int) -> int:
        if v > OVERLAY_SCHEMA_VERSION:
            raise ValueError(
                f"schema_version {v} is newer than this program understands ({OVERLAY_SCHEMA_VERSION})"
            )
        return v

    @field_validator("entries", mode="before")
    @classmethod
    def _entries_by_id(cls, v: Any) -> Any:
        """The file's list of entries, keyed by id (a later entry for the same id wins)."""
        if isinstance(v, list):
            return {_entry_key(e, i): e for i, e in enumerate(v)}
        return v

    @field_serializer("entries")
    def _entries_as_list(self, entries: dict[str, OverlayEntry]) -> list[OverlayEntry]:
        return list(entries.values())

    def entry(self, model_id: str) -> OverlayEntry | None:
        return self.entries.get(model_id)

    def ids(self) -> list[str]:
        return list(self.entries)

    def marks(self) -> dict[str, frozenset[str]]:
        """For each model with an entry, the fields the entry sets, with USER_ADDED for a model
        the user added (see OverlayMarks, which answers for one model at a time)."""
        return dict(OverlayMarks(self))

    def edited_fields(self, model_id: str) -> set[str]:
        e = self.entry(model_id)
        return set(e.fields) if e else set()

    def put(self, model_id: str, entry: OverlayEntry | None) -> None:
        """Set one model's entry as a whole (None: the model has none)."""
        if entry is None:
            self.entries.pop(model_id, None)
        else:
            self.entries[model_id] = entry

    def set_fields(self, model_id: str, today: date, **values: Any) -> None:
        e = self.entry(model_id)
        if e is None:
            e = self.entries[model_id] = OverlayEntry(id=model_id)
        e.fields = {**e.fields, **_jsonable(values)}  # a new dict: see apply_overlay's memo
        e.edited_at = today

    def add_model(self, model: ModelPrice, today: date, provenance: str = "") -> None:
        """The model as an entry of its own: the fields it does not leave at their defaults,
        which read back as the same model (a smaller file, read and checked faster: see
        docs/performance.md)."""
        self.entries.pop(model.id, None)  # a re-added model goes last, as a new entry
        self.entries[model.id] = OverlayEntry(
            id=model.id,
            fields=model.model_dump(mode="json", exclude={"id"}, exclude_defaults=True),
            added=True,
            edited_at=today,
            provenance=provenance,
        )

    def reset_fields(self, model_id: str, names: Iterable[str]) -> None:
        e = self.entry(model_id)
        if e is None or e.added:
            return
        gone = set(names)
        e.fields = {k: v for k, v in e.fields.items() if k not in gone}  # a new dict: see apply_overlay
        if not e.fields:
            self.remove(model_id)

    def remove(self, model_id: str) -> None:
        self.entries.pop(model_id, None)


class OverlayMarks(Mapping[str, frozenset[str]]):
    """For each model with an entry in `overlay`, the fields the entry sets, with USER_ADDED
    for a model the user added: worked out for a model when it is first asked for (a window
    shows a screenful of the thousands of models an import adds), and again once its entry
    changes (an entry's fields dict is replaced on every change: see Overlay.set_fields).
    One set object for each distinct set (an import adds thousands of models with the same
    fields)."""

    def __init__(self, overlay: Overlay) -> None:
        self._entries = overlay.entries
        self._shared: dict[tuple[frozenset[str], bool], frozenset[str]] = {}
        self._known: dict[str, tuple[dict[str, Any], bool, frozenset[str]]] = {}

    def get(self, model_id: str, default: Any = None) -> Any:  # (no KeyError raised and caught per model)
        e = self._entries.get(model_id)
        if e is None:
            return default
        known = self._known.get(model_id)
        if known is not None and known[0] is e.fields and known[1] == e.added:
            return known[2]
        key = (frozenset(e.fields), e.added)
        mark = self._shared.get(key)
        if mark is None:
            mark = self._shared[key] = key[0] | {USER_ADDED} if e.added else key[0]
        self._known[model_id] = (e.fields, e.added, mark)
        return mark

    def __getitem__(self, model_id: str) -> frozenset[str]:
        mark = self.get(model_id)
        if mark is None:
            raise KeyError(model_id)
        return mark

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)


def _entry_key(e: Any, i: int) -> str:
    ident = e.get("id") if isinstance(e, dict) else getattr(e, "id", None)
    return ident if isinstance(ident, str) else f"#{i}"


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in values.items():
        if isinstance(v, Decimal):
            out[k] = str(v)
        elif isinstance(v, date):
            out[k] = v.isoformat()
        elif isinstance(v, BaseModel):
            out[k] = v.model_dump(mode="json")
        elif isinstance(v, tuple):
            out[k] = list(v)
        else:
            out[k] = v
    return out


@dataclass(frozen=True)
class RejectedEntry:
    """An overlay entry that cannot be used: the entry as stored and why (one line)."""

    raw: Any
    reason: str


def parse_overlay(raw: Any, source: str) -> Overlay:
    """An overlay file's content; the first bad entry raises InputError naming it."""
    overlay, rejected = split_overlay(raw, source)
    if rejected:
        raise InputError(rejected[0].reason)
    return overlay


def split_overlay(raw: Any, source: str) -> tuple[Overlay, list[RejectedEntry]]:
    """An overlay file's content, and the entries of it that are not even shaped like one.

    A document of the wrong shape (not an object, an unknown schema version, no list of
    entries) raises InputError; a bad entry is returned apart, so the others still load.
    """
    if not isinstance(raw, dict):
        raise InputError(f"{source}: an overlay must be a JSON object with 'entries'")
    items = raw.get("entries", [])
    if not isinstance(items, list):
        raise InputError(f"{source}: field 'entries': must be a list")
    try:
        overlay = Overlay.model_validate({**raw, "entries": []})
    except ValidationError as e:
        raise InputError(describe_validation_error(e, source, raw)) from None
    rejected: list[RejectedEntry] = []
    for i, item in enumerate(items):
        try:
            e = _validate_entry(item)
        except ValidationError as exc:
            rejected.append(RejectedEntry(item, entry_reason(source, i, item, _error_text(exc))))
            continue
        overlay.put(e.id, e)
    return overlay, rejected


#: model_validate without its per-call keyword handling, for the loops over every overlay
#: entry (3,633 LiteLLM models: ~3 ms of a first start)
_validate_entry = OverlayEntry.__pydantic_validator__.validate_python
_validate_model = ModelPrice.__pydantic_validator__.validate_python


def entry_reason(source: str, index: int, item: Any, problem: str) -> str:
    """'overlay.json: entries[3] 'acme/x': field 'input': ...' (the entry named by its id)."""
    ident = item.get("id") if isinstance(item, dict) else None
    name = f" '{ident}'" if isinstance(ident, str) and ident else ""
    return f"{source}: entries[{index}]{name}: {problem}"


def _error_text(exc: ValidationError) -> str:
    """'field 'x.y': message' for the first error of a validation."""
    err = exc.errors()[0]
    field = ".".join(str(p) for p in err.get("loc", ()))
    msg = str(err.get("msg", "invalid")).removeprefix("Value error, ")
    return f"field '{field}': {msg}" if field else msg


#: apply_overlay's record of each entry's outcome: model id -> (the model it was applied to,
#: the entry's fields dict, added, the resulting model or the reason it was left out)
OverlayMemo = dict[str, tuple[ModelPrice | None, dict[str, Any], bool, "ModelPrice | str"]]


def apply_overlay(
    base: Catalog, overlay: Overlay, source: str = "overlay", memo: OverlayMemo | None = None
) -> tuple[Catalog, list[str]]:
    """The base catalog with the user's edits and additions on top.

    An entry that does not validate is left out, with a warning naming the source, the
    entry and the field; the model keeps its shipped values. Returns (catalog, warnings).

    With a `memo` (kept between calls), an entry applied before to the same model with the
    same fields dict is not validated again: one price edit in a 3,600-model catalog
    re-validates one model. Overlay entries replace their fields dict on every change
    (see Overlay.set_fields), so the dict's identity says whether it changed.
    """
    models: dict[str, ModelPrice] = {m.id: m for m in base.models}
    warnings: list[str] = []
    for i, e in enumerate(overlay.entries.values()):
        under = models.get(e.id)
        prior = memo.get(e.id) if memo is not None else None
        if prior is not None and prior[0] is under and prior[1] is e.fields and prior[2] == e.added:
            outcome = prior[3]
        else:
            outcome = entry_outcome(e, under)
            if memo is not None:
                memo[e.id] = (under, e.fields, e.added, outcome)
        if isinstance(outcome, str):
            warnings.append(f"{source}: entries[{i}] '{e.id}'{outcome}")
        else:
            models[e.id] = outcome
    return base.replace_models(models.values()), warnings


#: The end of the warning for an edit of a model the catalog no longer has (kept in the
#: file: it applies again if the model comes back).
NOT_IN_CATALOG = ": edits a model that is not in the catalog; ignored"


def invalid_entries(memo: OverlayMemo) -> set[str]:
    """The ids whose entries apply_overlay (with this memo) left out as invalid."""
    return {i for i, out in memo.items() if isinstance(out[3], str) and out[3] != NOT_IN_CATALOG}


def entry_outcome(e: OverlayEntry, under: ModelPrice | None) -> ModelPrice | str:
    """The model an entry makes, or why it is left out (the end of a warning)."""
    try:
        if e.added or under is None:
            if not e.added:
                return NOT_IN_CATALOG
            return _validate_model({"id": e.id, **e.fields})
        return under.with_changes(**e.fields)
    except ValidationError as exc:
        return f": {_error_text(exc)}; entry ignored"
