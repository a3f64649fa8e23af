"""The PDF's page layout on its own: measured blocks onto pages, in one pass."""

from __future__ import annotations

from planner.io.pdf_pages import Block, paginate

PAGE = 100.0


def table(rows: int, row_h: float = 10.0, header: float = 5.0) -> Block:
    """A table: a header, then `rows` rows; it may be split below any row but the last."""
    cuts = tuple(header + row_h * (i + 1) for i in range(rows - 1))
    return Block(header + rows * row_h, cuts, header)


def covered(pages, index: int) -> list[tuple[float, float]]:
    return [(s.top, s.bottom) for page in pages for s in page if s.block == index]


def test_a_long_table_continues_with_its_header_and_never_splits_a_row():
    pages = paginate([table(30)], PAGE)
    parts = covered(pages, 0)
    # every row once, in order, each part ending at a row boundary
    assert parts[0][0] == 0 and parts[-1][1] == 305
    for (_, end), (start, _) in zip(parts, parts[1:], strict=False):
        assert end == start and (end - 5) % 10 == 0
    # the first part starts with the header itself; each later part repeats it on top
    assert [s.header for page in pages for s in page] == [False] + [True] * (len(parts) - 1)
    # nothing runs past the foot of a page
    for page in pages:
        for s in page:
            assert s.y + (5 if s.header else 0) + s.bottom - s.top <= PAGE
    assert len(pages) == 4  # 9 rows + header on the first page, 9 + header on each next


def test_a_short_table_moves_whole_to_the_next_page():
    text = Block(70.0)
    short = table(3)  # 35 high: under 45% of a page, so not split
    pages = paginate([text, short], PAGE)
    assert [[s.block for s in p] for p in pages] == [[0], [1]]
    assert covered(pages, 1) == [(0, 35)]


def test_a_heading_stays_with_its_table():
    heading = Block(8.0, keep_with_next=True)
    pages = paginate([Block(85.0), heading, table(20)], PAGE)
    # heading + header + first row (8 + 15) do not fit under the 85-high block: both move
    assert [s.block for s in pages[0]] == [0]
    assert [s.block for s in pages[1]][:2] == [1, 2]


def test_sections_start_a_page_and_space_before_is_dropped_at_the_top():
    pages = paginate([Block(10.0), Block(10.0, page_break_before=True, space_before=6.0),
                      Block(10.0, space_before=6.0)], PAGE)
    assert len(pages) == 2
    assert [s.y for s in pages[1]] == [0.0, 16.0]


def test_a_row_taller_than_a_page_is_cut_at_the_foot_rather_than_looping():
    giant = Block(250.0, cuts=(5.0, 245.0), header=5.0)
    pages = paginate([giant], PAGE)
    parts = covered(pages, 0)
    assert parts[0][0] == 0 and parts[-1][1] == 250
    assert all(b > a for a, b in parts)


def test_a_thousand_row_table_is_one_pass_with_a_page_count():
    pages = paginate([Block(20.0), table(1000)], PAGE)
    parts = covered(pages, 1)
    assert sum(b - a for a, b in parts) == 10_005
    assert len(pages) == len({id(p) for p in pages}) >= 100


def test_no_blocks_is_one_empty_page():
    assert paginate([], PAGE) == [[]]
