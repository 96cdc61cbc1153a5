"""Lay the modules of a path out as a map: rows by depth in the prerequisite graph, arrows between."""

from dataclasses import dataclass

NODE_W, NODE_H, GAP_X, GAP_Y, PAD, SIDE = 270, 72, 36, 52, 12, 44


@dataclass
class Node:
    status: object
    x: int
    y: int
    number: int
    depth: int

    @property
    def cx(self) -> int:
        return self.x + NODE_W // 2


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
    node_h: int = NODE_H


def _edge(source: Node, target: Node, left: int) -> Edge:
    x1, y1 = source.cx, source.y + NODE_H
    if target.depth - source.depth <= 1:
        x2, y2 = target.cx, target.y - 6
        mid = (y1 + y2) // 2
        return Edge(f"M{x1},{y1} C{x1},{mid} {x2},{mid} {x2},{y2}")
    # A prerequisite several rows up: go round the side, into the target's left edge.
    x2, y2 = target.x - 6, target.y + NODE_H // 2
    side = left - SIDE // 2
    return Edge(f"M{x1},{y1} C{x1},{y1 + GAP_Y} {side},{y1 + GAP_Y} {side},{(y1 + y2) // 2} S{side},{y2} {x2},{y2}")


def layout(statuses) -> PathMap:
    """``statuses`` in path order, each with ``module`` and ``prerequisites`` (modules)."""
    depth: dict[int, int] = {}
    for status in statuses:  # path order puts prerequisites first
        depth[status.module.pk] = 1 + max((depth.get(p.pk, -1) for p in status.prerequisites), default=-1)
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
        y = PAD + level * (NODE_H + GAP_Y)
        nodes[status.module.pk] = Node(status, x, y, number, level)
    edges = []
    for status in statuses:
        target = nodes[status.module.pk]
        for prerequisite in status.prerequisites:
            if prerequisite.pk in nodes:
                source = nodes[prerequisite.pk]
                between = [n.x for n in nodes.values() if source.depth < n.depth <= target.depth]
                edges.append(_edge(source, target, min(between, default=target.x)))
    height = PAD * 2 + (max(rows, default=0) + 1) * (NODE_H + GAP_Y) - GAP_Y
    return PathMap(list(nodes.values()), edges, width, height)
