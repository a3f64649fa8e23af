"""Pagination: a list of measured blocks laid onto pages in one pass.

A block is anything with a height: a paragraph, a table, a chart. It may say where it can be
split (`cuts`: between table rows, between lines of text), how tall a header it repeats on
every page it continues on, whether it starts a page, and whether it stays with the next
block (a heading with its table). Nothing here knows Qt: the blocks are measured elsewhere
and painted elsewhere, from the slices this returns."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

#: A block (with whatever stays with it) shorter than this share of a page moves whole to the
#: next page rather than split; longer ones split at their cut points.
KEEP_TOGETHER = 0.45


@dataclass(frozen=True)
class Block:
    height: float
    #: where the block may be split, increasing, each in (0, height): a part ends there and
    #: the next part starts there (for a table: below each row but the last)
    cuts: tuple[float, ...] = ()
    #: the height of the header (from the top) repeated above each continued part
    header: float = 0.0
    page_break_before: bool = False
    keep_with_next: bool = False
    #: space above the block, left out at the top of a page
    space_before: float = 0.0


@dataclass(frozen=True)
class Slice:
    """The part [top, bottom) of block `block`, drawn at `y` on its page; when `header` is
    true the block's header is drawn at `y` first and the part below it."""

    block: int
    top: float
    bottom: float
    y: float
    header: bool = False


Page = list[Slice]


def _first_part(b: Block, page_h: float, keep_together: float) -> float:
    """What must fit on a page for the block to start there: all of it if it is short or
    cannot be split, else its header and first row."""
    if not b.cuts or b.height <= page_h * keep_together:
        return b.height
    return b.cuts[0]


def _lead(blocks: Sequence[Block], i: int, page_h: float, keep_together: float) -> float:
    """The height that must fit for block i to start on the current page: its first part,
    or all of it and the lead of the next block when it stays with the next."""
    need = blocks[i].space_before
    while True:
        b = blocks[i]
        nxt = blocks[i + 1] if i + 1 < len(blocks) else None
        if not b.keep_with_next or nxt is None or nxt.page_break_before:
            return min(need + _first_part(b, page_h, keep_together), page_h)
        need += b.height + nxt.space_before
        i += 1


class _Pager:
    def __init__(self, page_h: float) -> None:
        self.page_h = page_h
        self.pages: list[Page] = [[]]
        self.y = 0.0

    def new_page(self) -> None:
        self.pages.append([])
        self.y = 0.0

    @property
    def empty(self) -> bool:
        return not self.pages[-1]

    def place(self, i: int, top: float, bottom: float, header: float) -> None:
        self.pages[-1].append(Slice(i, top, bottom, self.y, header > 0))
        self.y += header + bottom - top


def _cut_within(b: Block, top: float, limit: float) -> float | None:
    """The lowest-placed cut point in (top, limit], if any."""
    k = bisect.bisect_right(b.cuts, limit)
    if k and b.cuts[k - 1] > top:
        return b.cuts[k - 1]
    return None


def _place_block(p: _Pager, i: int, b: Block, keep_together: float) -> None:
    top = 0.0
    while True:
        header = b.header if top > 0 else 0.0
        room = max(p.page_h - p.y - header, 1.0)
        if b.height - top <= room:
            p.place(i, top, b.height, header)
            return
        short = b.height <= p.page_h * keep_together
        if top == 0 and not p.empty and (short or not b.cuts):
            p.new_page()
            continue
        cut = _cut_within(b, top, top + room)
        if cut is None:
            if not p.empty:
                p.new_page()
                continue
            # a part taller than a page: it is cut at the page's foot
            cut = top + room
        p.place(i, top, cut, header)
        p.new_page()
        top = cut


def paginate(
    blocks: Sequence[Block], page_height: float, keep_together: float = KEEP_TOGETHER
) -> list[Page]:
    """Lay the blocks onto pages of `page_height`, in order, in one pass. Returns the pages,
    each a list of slices; at least one page."""
    p = _Pager(page_height)
    for i, b in enumerate(blocks):
        if b.page_break_before and not p.empty:
            p.new_page()
        elif not p.empty and p.y + _lead(blocks, i, page_height, keep_together) > page_height:
            p.new_page()
        if not p.empty:
            p.y += b.space_before
        _place_block(p, i, b, keep_together)
    if len(p.pages) > 1 and not p.pages[-1]:
        p.pages.pop()
    return p.pages
