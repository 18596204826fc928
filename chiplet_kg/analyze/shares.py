"""Measured provider shares (``ckg:Provision`` records): per item and level, losses when providers go, concentration."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..network import share_text
from ._model import COUNTRY, ITEM, Model, join, t

__all__ = ["LEVELS", "COUNTRY_GROUP", "LevelShares", "LevelLoss", "item_levels", "level_loss", "concentration",
           "CONCENTRATION_COLUMNS", "top_share_text", "measured_text", "share_columns", "is_country_like"]

#: The two levels of provision records; a sum or an index stays within one level.
LEVELS = ("firm", "country")
COUNTRY_GROUP = "ckg:CountryGroup"
#: Shares at one level may add up to a little over 100 % through rounding in the source (ETO: up to 102 %).
_EPS = 1e-9
#: Shares given to one decimal add up to 99.9 % for a whole market.
_ROUNDING = 0.5

CONCENTRATION_COLUMNS = ["rank", "id", "entity", "class", "level", "hhi", "top_provider", "top_share", "year",
                         "unnamed_share", "known_total", "providers_known", "providers_unknown", "note", "source"]


@dataclass
class LevelShares:
    """One item's providers at one level: each provider's latest record (share None: unknown, never 0).

    ``records`` holds the named providers; ``aggregates`` the rows for unnamed providers taken together
    (``ckg:AggregateProvider``, ETO's "Various companies"), whose share is spread over several of them.
    """

    item: str
    level: str
    records: dict[str, dict] = field(default_factory=dict)   # provider → record
    aggregates: dict[str, dict] = field(default_factory=dict)

    @property
    def unnamed(self) -> float:
        """The known share held by unnamed providers, in per cent."""
        return sum(r["share"] for r in self.aggregates.values() if r["share"] is not None)

    @property
    def dispersed(self) -> bool:
        """Whether unnamed providers hold part of this level (a known share above 0, or an unknown one)."""
        return any(r["share"] is None or r["share"] > 0 for r in self.aggregates.values())

    @property
    def known(self) -> dict[str, float]:
        return {p: r["share"] for p, r in self.records.items() if r["share"] is not None}

    @property
    def unknown(self) -> list[str]:
        return sorted(p for p, r in self.records.items() if r["share"] is None)

    @property
    def total(self) -> float:
        return sum(self.known.values())

    @property
    def years(self) -> list[int]:
        return sorted({r["year"] for r in self.records.values() if r["year"] is not None})


def item_levels(m: Model, item: str) -> dict[str, LevelShares]:
    """The provision records of ``item`` by level (``firm`` / ``country``), the latest record per provider; those of
    unnamed providers (``ckg:AggregateProvider``) apart, in ``aggregates``."""
    levels: dict[str, LevelShares] = {}
    for record in m.provisions.get(item, ()):
        level = levels.setdefault(record["level"], LevelShares(item, record["level"]))
        table = level.aggregates if m.is_aggregate(record["provider"]) else level.records
        known = table.get(record["provider"])
        if known is None or (record["year"] or 0) > (known["year"] or 0):
            table[record["provider"]] = record
    return {lv: levels[lv] for lv in LEVELS if lv in levels}


@dataclass
class LevelLoss:
    """What one level of an item loses when ``gone`` providers are removed.

    ``rule`` is ``shares`` (some share at this level is known: the lost share counts) or ``count`` (no share is
    known: the lost fraction of providers counts, as for items without measured data). ``lost`` is in per cent,
    clamped to 100 (``clamped`` says the removed providers' shares added up to more, by rounding in the source).
    """

    level: str
    rule: str
    lost: float
    status: str                          # blocked, at-risk or weakened
    removed: list[dict]                  # the removed providers' records
    providers: int
    unknown_removed: int
    total: float                         # the known shares at this level, added up (unclamped)
    clamped: bool
    unnamed: float = 0.0                 # the known share of unnamed providers (they stay)
    dispersed: bool = False              # unnamed providers hold part of this level


def level_loss(shares: LevelShares, gone: set[str], threshold: float) -> LevelLoss | None:
    """The loss of one level when the providers in ``gone`` are removed; None when none of them provides it.

    Blocked: the removed providers held all of it — their known shares reach 100 %, or every provider at this
    level is removed and the known shares cover the market (at least 99.5 %: shares given to one decimal add up
    to 99.9 or 100.1) or some of the removed shares are unknown (they may hold the rest). When every listed
    provider goes but the known shares cover less (90 %: the rest comes from providers the data does not
    name), the level loses what they held. Without any known share the level counts providers: blocked when
    all go. At risk: they held at least ``threshold`` per cent; otherwise weakened. Unnamed providers
    (``shares.aggregates``) are never removed and never counted as providers; while they hold part of the level
    it is never blocked by removing every named provider (their share stays).
    """
    hit = [r for p, r in shares.records.items() if p in gone]
    if not hit:
        return None
    known = shares.known
    everyone = len(hit) == len(shares.records) and not shares.dispersed
    if known:
        raw = sum(r["share"] for r in hit if r["share"] is not None)
        lost, rule = min(raw, 100.0), "shares"
        clamped = raw > 100.0 + _EPS
        whole = lost >= 100.0 - _EPS or (everyone and (shares.total >= 100.0 - _ROUNDING
                                                       or any(r["share"] is None for r in hit)))
    else:
        lost, rule, clamped = 100.0 * len(hit) / len(shares.records), "count", False
        whole = everyone
    if whole:
        status = "blocked"
    elif lost >= threshold - _EPS:
        status = "at-risk"
    else:
        status = "weakened"
    hit.sort(key=lambda r: (-(r["share"] if r["share"] is not None else -1.0), r["provider"]))
    return LevelLoss(shares.level, rule, lost, status, hit, len(shares.records),
                     sum(r["share"] is None for r in hit), shares.total, clamped, shares.unnamed, shares.dispersed)


def _level_name(level: str, lang: str) -> str:
    return {"firm": t(lang, "firm level", "企业层面"), "country": t(lang, "country level", "国家层面")}[level]


def top_share_text(m: Model, item: str, lang: str = "en") -> str:
    """The top provider of ``item`` at each level with its share and year, e.g. ``ASML 100 % (2025), firm level``;
    empty when no share of it is known."""
    parts = []
    for level, shares in item_levels(m, item).items():
        known = shares.known
        if not known:
            continue
        top = max(known, key=lambda p: (known[p], p))
        r = shares.records[top]
        parts.append(f"{m.label(top, lang)} {share_text(r['share'], r['year'], lang)}, {_level_name(level, lang)}")
    return t(lang, "; ", "；").join(parts)


def measured_text(m: Model, node: str | None, lang: str = "en") -> str:
    """The measured shares behind ``node``: its own top provider per level, else those of the items it is linked to
    by ``skos:exactMatch`` (=) or ``skos:closeMatch`` (≈), e.g. ``= EUV lithography tools: ASML 100 % (2025), firm
    level; Netherlands 100 % (2025), country level``; empty when there are none."""
    if node is None:
        return ""
    own = _measured(m, node, lang)
    if own:
        return own
    parts = []
    for other, how in sorted(m.matches.get(node, ()), key=lambda oh: (oh[1] != "exact", m.label(oh[0], lang))):
        text = _measured(m, other, lang)
        if text:
            parts.append(f"{'=' if how == 'exact' else '≈'} {m.label(other, lang)}: {text}")
    return t(lang, " | ", " | ").join(parts)


def _measured(m: Model, node: str, lang: str) -> str:
    """The top share per level of ``node``; when it has provision records but no known share, how many providers
    (their shares unknown, never taken as 0)."""
    text = top_share_text(m, node, lang)
    if text or node not in m.provisions:
        return text
    n = len({r["provider"] for r in m.provisions[node] if not m.is_aggregate(r["provider"])})
    if not n:
        return t(lang, "unnamed providers only", "仅有未列名供应方")
    return t(lang, f"{n} provider(s), share unknown", f"{n} 家供应方，份额未知")


def share_columns(g, columns: list[str], column: str = "measured_shares") -> list[str]:
    """``columns`` with ``column`` added before ``source`` when ``g`` carries measured shares, else unchanged."""
    if not g.graph.get("provisions") or column in columns:
        return list(columns)
    at = columns.index("source") if "source" in columns else len(columns)
    return [*columns[:at], column, *columns[at:]]


def concentration(g, *, level: str | None = None, lang: str = "en", limit: int | None = None) -> list[dict]:
    """Supply-chain items ranked by how concentrated their measured provider shares are.

    Per item and level (firm-level and country-level records are never mixed): the Herfindahl–Hirschman index
    over the known shares of the named providers in per cent (HHI = Σ sᵢ², from 0 to 10,000; a sole provider with
    100 % gives 10,000), the top named provider and its share, the share held by unnamed providers together
    (``unnamed_share``: ETO's "Various companies", ``ckg:AggregateProvider``), the known shares added up, and how
    many named providers have a known or an unknown share. Unknown shares are left out of the index, never
    counted as 0; a level whose known shares add up to less than 100 % says so (the index is then a lower
    bound), and one that adds up to more (rounding in the source) is computed as given and says so too.

    Why unnamed providers are left out of the index and reported beside it, rather than bounding the index: their
    share is spread over several providers whose number and sizes are unknown, so it adds between almost 0 (many
    small firms) and almost its square (one dominant firm, which is what the row says is not the case) to the
    index. The upper bound is the very reading the aggregate contradicts (an item held 100 % by "various
    companies" would be at 10,000, the most concentrated of all); the named-provider index is what the data
    shows, and the unnamed share beside it says how much of the market lies outside it. A level with no named
    provider has no index (empty) and ranks with the levels whose shares are unknown.

    Parameters
    ----------
    g : the projection (``chiplet_kg.network.project``), with provision records (``chiplet-kg import eto``).
    level : ``firm`` or ``country``; default both, as separate rows.
    lang : ``en`` or ``zh``.
    limit : keep only the first ``limit`` rows.

    Returns
    -------
    list of dict
        Rows with the keys in ``CONCENTRATION_COLUMNS``, the most concentrated first (levels without an index
        last, by how many named providers they have).
    """
    if level not in (None, *LEVELS):
        from ..errors import UsageError

        raise UsageError(f"--level must be firm or country, not {level!r}")
    m = Model.of(g)
    rows = []
    for item in m.provisions:
        if not m.is_(item, ITEM) and not m.is_(item, "ckg:IndustrySegment"):
            continue
        for lv, shares in item_levels(m, item).items():
            if level is not None and lv != level:
                continue
            known = shares.known
            hhi = sum(s * s for s in known.values()) if known else None
            top = max(known, key=lambda p: (known[p], p)) if known else None
            unnamed = shares.unnamed
            total = shares.total + unnamed
            notes = []
            if shares.aggregates:
                who = join(m.labels(shares.aggregates, lang), lang)
                if any(r["share"] is None for r in shares.aggregates.values()):
                    notes.append(t(lang, f"unnamed providers ({who}) hold an unknown share, left out of the index",
                                   f"未列名供应方（{who}）份额未知，不计入指数"))
                elif unnamed > 0:
                    notes.append(t(lang, f"{unnamed:.4g} % held by unnamed providers ({who}), spread over several: "
                                         "left out of the index, which counts named providers only",
                                   f"未列名供应方（{who}）合计占 {unnamed:.4g}%，分散于多家：不计入指数，指数仅计具名供应方"))
            if not known:
                if not shares.records:
                    notes.append(t(lang, "no named provider", "无具名供应方"))
                elif shares.aggregates:
                    notes.append(t(lang, "no named provider's share known", "具名供应方份额均未知"))
                else:
                    notes.append(t(lang, "no share known", "份额均未知"))
            elif total > 100.0 + _EPS:
                notes.append(t(lang, f"known shares add up to {total:.4g} % (rounding in the source)",
                               f"已知份额合计 {total:.4g}%（来源四舍五入）"))
            elif total < 100.0 - 0.5:
                notes.append(t(lang, f"known shares cover {total:.4g} %: the index is a lower bound",
                               f"已知份额仅覆盖 {total:.4g}%：指数为下限"))
            if shares.unknown:
                notes.append(t(lang, f"share unknown for {join(m.labels(shares.unknown, lang), lang)}",
                               f"份额未知：{join(m.labels(shares.unknown, lang), lang)}"))
            record = shares.records[top] if top else None
            sources = sorted({r["source"] for r in (*shares.records.values(), *shares.aggregates.values())
                              if r["source"]})
            rows.append({
                "id": m.qname(item), "entity": m.label(item, lang), "class": m.cls(item, lang),
                "level": _level_name(lv, lang), "level_code": lv,
                "hhi": round(hhi, 1) if hhi is not None else "",
                "top_provider": m.label(top, lang) if top else "",
                "top_share": record["share"] if record else "",
                "year": record["year"] if record and record["year"] else "",
                "unnamed_share": round(unnamed, 2) if shares.aggregates and unnamed > 0 else "",
                "known_total": round(total, 2) if known or unnamed else "",
                "providers_known": len(known), "providers_unknown": len(shares.unknown),
                "note": t(lang, "; ", "；").join(notes), "source": "; ".join(sources),
                "_key": (hhi is None, -(hhi or 0.0), -len(shares.records), m.label(item, lang).casefold(), lv),
            })
    rows.sort(key=lambda r: r.pop("_key"))
    for rank, row in enumerate(rows, 1):
        row["rank"] = rank
    rows = [{**{k: row[k] for k in CONCENTRATION_COLUMNS}, "level_code": row["level_code"]} for row in rows]
    if not rows:
        from ..diagnose import warn_if_empty

        warn_if_empty(g, rows, what="analyze chokepoints --by concentration", classes=(ITEM,),
                      relations=("ckg:provider",))
    return rows[:limit] if limit else rows


def is_country_like(m: Model, node: str) -> bool:
    """A country, region or group of countries (an ETO provider such as Europe)."""
    return m.is_(node, COUNTRY) or m.is_(node, COUNTRY_GROUP)
