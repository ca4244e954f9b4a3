"""Crossing reduction inside lanes: which sub-column a card takes and its row there.

The columns of all lanes, left to right, are treated as the layers of a layered drawing.
Barycentre sweeps (alternately left to right and right to left) sort each column by the
mean row of its neighbours on the side already placed; a transpose pass then swaps
neighbouring cards of a column while that removes crossings. Everything is keyed by node
index and sorted with index tie-breaks, so the result never depends on set or dict order.
"""

from __future__ import annotations

from dataclasses import dataclass

SWEEPS = 8
TRANSPOSE_ROUNDS = 6


@dataclass
class OrderGraph:
    """Moving nodes 0..n-1 of a layout problem.

    lane: lane index of each node.
    nbrs: per node, (neighbour node, weight) for links between moving nodes (both directions).
    anchors: per node, (column position, row, weight) of neighbours that do not move, with the
        column position on the same scale as column indices (may be fractional).
    """

    lane: list[int]
    nbrs: list[list[tuple[int, float]]]
    anchors: list[list[tuple[float, float, float]]]


def split_lane(graph: OrderGraph, members: list[int], columns: int) -> list[list[int]]:
    """Split one lane's nodes into `columns` sub-columns of balanced size.

    Cards whose links mostly go to earlier lanes take the left sub-columns, those that feed
    later lanes the right ones; inside the lane, a card comes after what links into it.
    """
    if columns <= 1:
        return [list(members)]
    inside = set(members)
    depth = _depths(graph, members, inside)
    score: dict[int, float] = {}
    for i in members:
        s = 0.0
        for j, w in graph.nbrs[i]:
            if j not in inside:
                s += w if graph.lane[j] > graph.lane[i] else -w
        for col, _row, w in graph.anchors[i]:
            s += w if col > graph.lane[i] else -w
        score[i] = s
    top = max(depth.values(), default=0) or 1
    ranked = sorted(members, key=lambda i: (score[i] + 2.0 * depth[i] / top, i))
    n = len(ranked)
    sizes = [n // columns + (1 if c < n % columns else 0) for c in range(columns)]
    out: list[list[int]] = []
    start = 0
    for size in sizes:
        out.append(ranked[start : start + size])
        start += size
    return out


def _depths(graph: OrderGraph, members: list[int], inside: set[int]) -> dict[int, int]:
    """Longest-path depth over links inside the lane (links to lower indices are ignored on cycles)."""
    succ: dict[int, list[int]] = {i: [] for i in members}
    indeg = dict.fromkeys(members, 0)
    for i in members:
        for j, w in graph.nbrs[i]:
            if j in inside and w > 0 and j > i:
                succ[i].append(j)
                indeg[j] += 1
    depth = dict.fromkeys(members, 0)
    ready = [i for i in members if indeg[i] == 0]
    while ready:
        i = ready.pop()
        for j in succ[i]:
            depth[j] = max(depth[j], depth[i] + 1)
            indeg[j] -= 1
            if indeg[j] == 0:
                ready.append(j)
    return depth


def order_columns(
    graph: OrderGraph, columns: list[list[int]], column_pos: list[float], rows: int
) -> tuple[list[int], list[int]]:
    """Rows for every node: returns (column index per node, row per node).

    columns: node indices per column (left to right); column_pos: each column's position on
    the lane/column scale used by graph.anchors; rows: rows available in every column.
    """
    n = len(graph.lane)
    col = [0] * n
    row = [0] * n
    for k, members in enumerate(columns):
        for r, i in enumerate(members):
            col[i] = k
            row[i] = r
    cols = [list(m) for m in columns]
    pos = [column_pos[col[i]] for i in range(n)]
    for sweep in range(SWEEPS):
        side = 1 if sweep % 2 == 0 else -1
        if sweep == SWEEPS - 1:
            side = 0
        order = range(len(cols)) if side >= 0 else range(len(cols) - 1, -1, -1)
        for k in order:
            members = cols[k]
            if not members:
                continue
            here = column_pos[k]
            key: dict[int, float] = {}
            for i in members:
                acc = 0.0
                total = 0.0
                for j, w in graph.nbrs[i]:
                    d = pos[j] - here
                    if d != 0 and (side == 0 or (d < 0) == (side > 0)):
                        acc += w * row[j]
                        total += w
                for c, anchor_row, w in graph.anchors[i]:
                    d = c - here
                    if d != 0 and (side == 0 or (d < 0) == (side > 0)):
                        acc += w * anchor_row
                        total += w
                key[i] = acc / total if total else float(row[i])
            members.sort(key=lambda i: (key[i], row[i], i))
            _assign_rows(members, [key[i] for i in members], rows, row)
    for _ in range(TRANSPOSE_ROUNDS):
        if not _transpose(graph, cols, pos, column_pos, row):
            break
    return col, row


def _assign_rows(members: list[int], wanted: list[float], rows: int, row: list[int]) -> None:
    """Increasing rows in 0..rows-1 for the ordered members, each as near its wanted row as fits."""
    k = len(members)
    prev = -1
    for idx, i in enumerate(members):
        lowest = prev + 1
        highest = rows - k + idx
        r = min(max(round(wanted[idx]), lowest), highest)
        row[i] = r
        prev = r


def _transpose(
    graph: OrderGraph, cols: list[list[int]], pos: list[float], column_pos: list[float], row: list[int]
) -> bool:
    """Swap vertically adjacent cards of a column while that removes crossings; True if any swap."""
    improved = False
    for k, members in enumerate(cols):
        here = column_pos[k]
        members.sort(key=lambda i: row[i])
        for idx in range(len(members) - 1):
            u, v = members[idx], members[idx + 1]
            nu = _sided(graph, u, pos, here, row)
            nv = _sided(graph, v, pos, here, row)
            keep = _pair_crossings(nu, nv)
            swap = _pair_crossings(nv, nu)
            if swap < keep:
                row[u], row[v] = row[v], row[u]
                members[idx], members[idx + 1] = v, u
                improved = True
    return improved


def _sided(
    graph: OrderGraph, i: int, pos: list[float], here: float, row: list[int]
) -> tuple[list[tuple[float, float]], list[tuple[float, float]]]:
    """(row, weight) of node i's neighbours left and right of its column."""
    left: list[tuple[float, float]] = []
    right: list[tuple[float, float]] = []
    for j, w in graph.nbrs[i]:
        d = pos[j] - here
        if d < 0:
            left.append((row[j], w))
        elif d > 0:
            right.append((row[j], w))
    for c, r, w in graph.anchors[i]:
        if c < here:
            left.append((r, w))
        elif c > here:
            right.append((r, w))
    return left, right


def _pair_crossings(
    upper: tuple[list[tuple[float, float]], list[tuple[float, float]]],
    lower: tuple[list[tuple[float, float]], list[tuple[float, float]]],
) -> float:
    """Weighted crossings between the links of an upper and a lower card of one column."""
    total = 0.0
    for a_side, b_side in ((upper[0], lower[0]), (upper[1], lower[1])):
        for ra, wa in a_side:
            for rb, wb in b_side:
                if ra > rb:
                    total += wa * wb
    return total
