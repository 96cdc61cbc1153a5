"""Lay the modules of a path out as a map for a desk: rows by depth in the prerequisite graph, modules
side by side where the graph allows, arrows between. On a phone the path's checklist is the map (one
module a row, in path order: templates/courses/path.html)."""

import textwrap
from dataclasses import dataclass, field

NODE_W, GAP_X, GAP_Y, PAD, SIDE = 270, 36, 52, 12, 44
LINE_CHARS, LINE_H, TOP, STATE_GAP = 30, 18, 28, 26  # a title wraps at 30 characters, never cut


@dataclass
class Node:
    status: object
    x: int
    y: int
    number: int
    depth: int
    lines: list[str] = field(default_factory=list)
    height: int = 0

    @property
    def cx(self) -> int:
        return self.x + NODE_W // 2

    @property
    def title_lines(self) -> list[tuple[int, str]]:
        """(baseline y, text) of each line of the node's title."""
        return [(self.y + TOP + n * LINE_H, line) for n, line in enumerate(self.lines)]

    @property
    def state_y(self) -> int:
        return self.y + TOP + (len(self.lines) - 1) * LINE_H + STATE_GAP


@dataclass
class Edge:
    path: str


@dataclass
class PathMap:
    nodes: list[Node]
    edges: list[Edge]
    width: int
    height: int
    node_w: int = NODE_W
    node_h: int = 0


def _edge(source: Node, target: Node, left: int, node_h: int) -> Edge:
    x1, y1 = source.cx, source.y + node_h
    if target.depth - source.depth <= 1:
        x2, y2 = target.cx, target.y - 6
        mid = (y1 + y2) // 2
        return Edge(f"M{x1},{y1} C{x1},{mid} {x2},{mid} {x2},{y2}")
    # A prerequisite several rows up: go round the side, into the target's left edge.
    x2, y2 = target.x - 6, target.y + node_h // 2
    side = left - SIDE // 2
    return Edge(f"M{x1},{y1} C{x1},{y1 + GAP_Y} {side},{y1 + GAP_Y} {side},{(y1 + y2) // 2} S{side},{y2} {x2},{y2}")


def layout(statuses) -> PathMap:
    """``statuses`` in path order, each with ``module`` and ``prerequisites`` (modules)."""
    depth: dict[int, int] = {}
    for status in statuses:  # path order puts prerequisites first
        depth[status.module.pk] = 1 + max((depth.get(p.pk, -1) for p in status.prerequisites), default=-1)
    lines = {s.module.pk: textwrap.wrap(f"{n}. {s.module.title}", LINE_CHARS) for n, s in enumerate(statuses, 1)}
    node_h = TOP + (max((len(v) for v in lines.values()), default=1) - 1) * LINE_H + STATE_GAP + 18
    rows: dict[int, list] = {}
    for status in statuses:
        rows.setdefault(depth[status.module.pk], []).append(status)
    columns = max((len(r) for r in rows.values()), default=1)
    inner = columns * NODE_W + (columns - 1) * GAP_X
    width = inner + 2 * (PAD + SIDE)
    nodes: dict[int, Node] = {}
    for number, status in enumerate(statuses, start=1):
        level = depth[status.module.pk]
        row = rows[level]
        row_width = len(row) * NODE_W + (len(row) - 1) * GAP_X
        x = (width - row_width) // 2 + row.index(status) * (NODE_W + GAP_X)
        y = PAD + level * (node_h + GAP_Y)
        nodes[status.module.pk] = Node(status, x, y, number, level, lines[status.module.pk], node_h)
    edges = []
    for status in statuses:
        target = nodes[status.module.pk]
        for prerequisite in status.prerequisites:
            if prerequisite.pk in nodes:
                source = nodes[prerequisite.pk]
                between = [n.x for n in nodes.values() if source.depth < n.depth <= target.depth]
                edges.append(_edge(source, target, min(between, default=target.x), node_h))
    height = PAD * 2 + (max(rows, default=0) + 1) * (node_h + GAP_Y) - GAP_Y
    return PathMap(list(nodes.values()), edges, width, height, node_h=node_h)
