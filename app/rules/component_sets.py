"""Shared component sets for the JSON and SARIF of `mlsd check`, and the streaming writer.

A finding lists every component it concerns. On some designs many findings list long, mostly
equal lists (on a chain, each training job lists every job upstream of it), and writing each
list in full makes the output grow with the square of the design. Instead, long lists are
written once in a top-level table and findings refer to them:

    "component_sets": {
      "s1": {"components": ["c6", "c18", ..., "c42"]},
      "s2": {"extends": "s1", "components": ["c54", "c56"]}
    }

A set's list is its base's list (`extends`, always defined earlier in the table) followed by
its own `components`, so "s2" above stands for ["c6", "c18", ..., "c42", "c54", "c56"]. A
finding whose list is long (at least `MIN_SET` ids) and shares ids with another finding's long
list carries `"component_set": "s2"` in place of `"components"`; every other finding keeps its
`"components"` list as before. `expand_sets` turns the table back into full lists.

The sets are the nodes of a compressed trie of the long lists, so the table holds each shared
run of ids once: a design whose findings share prefixes writes output in proportion to the
design, not its square.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, BinaryIO

import orjson

from app.domain.text import json_escape_bidi_bytes

MIN_SET = 16  # a shorter list stays inline in its finding
_MIN_SHARED = 8  # a shared run shorter than this is not worth its own set

_INDENT = orjson.OPT_INDENT_2


@dataclass(eq=False)
class _Node:
    depth: int
    ids: tuple[str, ...]  # any list this node is a prefix of (its first `depth` ids are the node's)
    parent: _Node | None = None
    children: int = 0
    uses: int = 0
    name: str = ""
    kept: bool = False
    base: _Node | None = field(default=None, repr=False)


def _common(a: tuple[str, ...], b: tuple[str, ...]) -> int:
    """Length of the common prefix (binary search over C-level slice comparisons)."""
    lo, hi = 0, min(len(a), len(b))
    if a[:hi] == b[:hi]:
        return hi
    while lo < hi:  # a[:lo] == b[:lo] and a[:hi] != b[:hi]
        mid = (lo + hi + 1) // 2
        if a[:mid] == b[:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _trie(lists: list[tuple[str, ...]]) -> dict[tuple[str, ...], _Node]:
    """Leaf node of each distinct list in the compressed trie of `lists` (parents linked)."""
    ordered = sorted(set(lists))
    root = _Node(0, ())
    stack = [root]
    leaves: dict[tuple[str, ...], _Node] = {}
    previous: tuple[str, ...] = ()
    for ids in ordered:
        depth = _common(previous, ids)
        popped: _Node | None = None
        while stack[-1].depth > depth:
            popped = stack.pop()
            if stack[-1].depth >= depth:
                popped.parent = stack[-1]
        if stack[-1].depth < depth:
            node = _Node(depth, ids, parent=stack[-1])
            assert popped is not None  # a deeper node was on the stack, or depth would be 0
            popped.parent = node
            stack.append(node)
        leaf = _Node(len(ids), ids)
        stack.append(leaf)
        leaves[ids] = leaf
        previous = ids
        # the leaf's parent is the node below it on the stack
        leaf.parent = stack[-2]
    for node in stack[1:]:
        node.parent = node.parent or root
    return leaves


class ComponentSets:
    """The long component lists of a set of findings, shared as a table of sets."""

    def __init__(self, lists: Iterable[Sequence[str]]) -> None:
        long = [tuple(ids) for ids in lists if len(ids) >= MIN_SET]
        self._leaves = _trie(long)
        for ids in long:
            self._leaves[ids].uses += 1
        self._table: list[_Node] = []
        nodes: set[_Node] = set()
        for leaf in self._leaves.values():
            node: _Node | None = leaf
            while node is not None and node.depth > 0 and node not in nodes:
                nodes.add(node)
                if node.parent is not None:
                    node.parent.children += 1
                node = node.parent
        for node in nodes:
            branching = node.children >= 2 and node.depth >= _MIN_SHARED
            node.kept = node.uses > 0 or branching
        self._shared: set[_Node] = set()
        for leaf in self._leaves.values():
            base = self._base(leaf)
            if leaf.uses > 1 or base is not None or leaf.children:
                self._shared.add(leaf)

    @staticmethod
    def _base(node: _Node) -> _Node | None:
        parent = node.parent
        while parent is not None and parent.depth > 0 and not parent.kept:
            parent = parent.parent
        return parent if parent is not None and parent.depth > 0 else None

    def _name(self, node: _Node) -> str:
        """The set's id, defining it (and its bases first) in the table on first use."""
        if not node.name:
            base = self._base(node)
            if base is not None:
                self._name(base)
            node.base = base
            node.name = f"s{len(self._table) + 1}"
            self._table.append(node)
        return node.name

    def reference(self, ids: Sequence[str]) -> str | None:
        """The set id standing for `ids`, or None when the list stays inline."""
        if len(ids) < MIN_SET:
            return None
        leaf = self._leaves.get(tuple(ids))
        if leaf is None or leaf not in self._shared:
            return None
        return self._name(leaf)

    def table(self) -> dict[str, dict[str, Any]]:
        """The sets referred to so far, each after its base."""
        out: dict[str, dict[str, Any]] = {}
        for node in self._table:
            start = node.base.depth if node.base is not None else 0
            entry: dict[str, Any] = {"extends": node.base.name} if node.base is not None else {}
            entry["components"] = list(node.ids[start : node.depth])
            out[node.name] = entry
        return out


def expand_sets(table: dict[str, dict[str, Any]]) -> dict[str, list[str]]:
    """Each set id of a "component_sets" table with its full list of component ids."""
    full: dict[str, list[str]] = {}
    for name, entry in table.items():
        base = full[entry["extends"]] if "extends" in entry else []
        full[name] = [*base, *entry["components"]]
    return full


def share_components(findings: list[dict[str, Any]], key: str = "components") -> dict[str, dict[str, Any]]:
    """Replace long shared lists under `key` in the finding dicts by "component_set"; the table."""
    sets = ComponentSets(item[key] for item in findings)
    for item in findings:
        name = sets.reference(item[key])
        if name is not None:
            rebuilt = {}
            for k, v in item.items():
                if k == key:
                    rebuilt["component_set"] = name
                else:
                    rebuilt[k] = v
            item.clear()
            item.update(rebuilt)
    return sets.table()


# ---- streaming ------------------------------------------------------------------------------


def _dump(value: Any, level: int) -> bytes:
    text = orjson.dumps(value, option=_INDENT)
    return text.replace(b"\n", b"\n" + b"  " * level) if level else text


def _chunks(data: dict[str, Any], streamed: str) -> Iterator[bytes]:
    """`data` as JSON indented by two spaces, the list under `streamed` item by item."""
    yield b"{"
    for i, (key, value) in enumerate(data.items()):
        head = (b"," if i else b"") + b"\n  " + orjson.dumps(key) + b": "
        if key == streamed and isinstance(value, list) and value:
            yield head + b"["
            for j, item in enumerate(value):
                yield (b"," if j else b"") + b"\n    " + _dump(item, 2)
            yield b"\n  ]"
        else:
            yield head + _dump(value, 1)
    yield b"\n}\n" if data else b"}\n"


def write_json(data: dict[str, Any], out: BinaryIO, streamed: str = "findings") -> None:
    """Write `data` as indented JSON (the same bytes as orjson's OPT_INDENT_2 and a newline),
    one item of the list under `streamed` at a time."""
    batch: list[bytes] = []
    size = 0
    for chunk in _chunks(data, streamed):
        batch.append(chunk)
        size += len(chunk)
        if size >= 1 << 16:
            out.write(json_escape_bidi_bytes(b"".join(batch)))
            batch, size = [], 0
    out.write(json_escape_bidi_bytes(b"".join(batch)))


def json_bytes(data: dict[str, Any]) -> bytes:
    """`data` as `write_json` writes it, in one piece."""
    return json_escape_bidi_bytes(orjson.dumps(data, option=_INDENT)) + b"\n"
