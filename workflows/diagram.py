"""Draw a workflow as an SVG picture on the server, from the same `Workflow.graph()` that the
transition table, DOT and Mermaid use, so the picture cannot drift from the declaration.
No JavaScript and no outside service: the admin and the command print it as it is."""

from collections import defaultdict

from django.utils.html import escape
from django.utils.translation import gettext as _

NODE_W, NODE_H = 172, 46
COL_GAP, ROW_GAP = 124, 58
PAD_X, PAD_BOTTOM = 24, 40


def _layout(states, pairs):
    """Columns and rows. The longest path from the initial state is the top row, read left to
    right; every other state sits below the middle of the states it is linked to. States that
    no path reaches (switched off by a policy) are returned apart."""
    following = defaultdict(list)
    for source, target in pairs:
        if source != target:
            following[source].append(target)
    # Keep only forward edges (depth-first from the initial state) so the rest is acyclic.
    forward, seen, on_stack = defaultdict(list), set(), set()

    def visit(state):
        seen.add(state)
        on_stack.add(state)
        for target in following[state]:
            if target in on_stack:
                continue  # a way back, e.g. resubmit
            forward[state].append(target)
            if target not in seen:
                visit(target)
        on_stack.discard(state)

    visit(states[0])
    order = []  # topological order of the reachable states
    done = set()

    def finish(state):
        done.add(state)
        for target in forward[state]:
            if target not in done:
                finish(target)
        order.append(state)

    finish(states[0])
    order.reverse()
    depth, best_previous = {states[0]: 0}, {}
    for state in order:
        for target in forward[state]:
            if depth.get(target, -1) < depth[state] + 1:
                depth[target], best_previous[target] = depth[state] + 1, state
    end = max(depth, key=lambda st: (depth[st], states.index(st)))
    main = [end]
    while main[-1] in best_previous:
        main.append(best_previous[main[-1]])
    main.reverse()

    place = {state: (col, 0) for col, state in enumerate(main)}
    used_rows = defaultdict(lambda: 1)
    for state in states:
        if state in place or state not in depth:
            continue
        linked = [place[o][0] for pair in pairs for o in pair if state in pair and o in place and o != state]
        col = round(sum(linked) / len(linked)) if linked else depth[state]
        place[state] = (col, used_rows[col])
        used_rows[col] += 1
    unreachable = [s for s in states if s not in place]
    for state in unreachable:
        col = states.index(state) % len(main)
        place[state] = (col, used_rows[col])
        used_rows[col] += 1
    return place, set(unreachable)


def _wrapped(text, x, y, width=18):
    """Text split into lines of about `width` characters, centred on (x, y)."""
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    top = y - 13 * (len(lines) - 1)
    return "".join(
        f'<tspan x="{x:.0f}" y="{top + 13 * i:.0f}">{escape(part)}</tspan>' for i, part in enumerate(lines)
    )


def _midpoint(p0, p1, p2, p3):
    """The point halfway along a cubic Bézier curve."""
    return tuple((a + 3 * b + 3 * c + d) / 8 for a, b, c, d in zip(p0, p1, p2, p3, strict=True))


def workflow_svg(workflow, policy=None) -> str:
    states = [code for code, _label in workflow.field.flatchoices]
    labels = {code: str(label) for code, label in workflow.field.flatchoices}
    pairs = defaultdict(list)  # (source, target) -> transition labels, in declaration order
    roles = defaultdict(list)
    for edge in workflow.graph(policy):
        for target, _label in edge["targets"]:
            key = (edge["source"], target)
            if edge["label"] not in pairs[key]:
                pairs[key].append(edge["label"])
            roles[key].extend(r for way in edge["ways"] for r in way["roles"] if r not in roles[key])

    place, unreachable = _layout(states, pairs)
    # A state the policy never reaches leads nowhere either.
    pairs = {key: names for key, names in pairs.items() if key[0] not in unreachable}
    top_spans = [place[t][0] - place[s][0] for s, t in pairs if place[s][1] == place[t][1] == 0 and s != t]
    arc_room = 34 + 18 * max([span for span in top_spans if span > 1] or [1])
    position = {
        state: (PAD_X + col * (NODE_W + COL_GAP), arc_room + row * (NODE_H + ROW_GAP))
        for state, (col, row) in place.items()
    }
    width = 2 * PAD_X + (max(c for c, _r in place.values()) + 1) * (NODE_W + COL_GAP) - COL_GAP
    height = arc_room + PAD_BOTTOM + (max(r for _c, r in place.values()) + 1) * (NODE_H + ROW_GAP) - ROW_GAP
    has_exit = {source for source, target in pairs if source != target}

    # Where every arrow into a state is the same action (withdraw, reject...), say it once.
    incoming = defaultdict(set)
    for (source, target), names in pairs.items():
        if source != target:
            incoming[target].add(" / ".join(names))
    said_once = {
        t
        for t, names in incoming.items()
        if place[t][1] > 0 and len(names) == 1 and sum(1 for p in pairs if p[1] == t) > 1
    }

    title = _("Workflow: %(name)s") % {"name": workflow.label}
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="workflow-diagram" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}" '
        'font-family="system-ui, sans-serif" font-size="12">',
        f"<title>{escape(title)}</title>",
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#40515a"/></marker></defs>',
    ]
    leaving = defaultdict(int)
    for (source, target), names in pairs.items():
        sx, sy = position[source]
        tx, ty = position[target]
        (scol, srow), (tcol, trow) = place[source], place[target]
        if source == target:  # a loop: e.g. a further disbursement keeps a proposal funded
            p0, p3 = (sx + NODE_W * 0.62, sy), (sx + NODE_W * 0.38, sy)
            p1, p2 = (p0[0], sy - 30), (p3[0], sy - 30)
        elif srow == trow == 0 and tcol == scol + 1:
            p0, p3 = (sx + NODE_W, sy + NODE_H / 2), (tx, ty + NODE_H / 2)
            p1, p2 = (p0[0] + 20, p0[1]), (p3[0] - 20, p3[1])
        elif srow == trow == 0:  # skips a step, or goes back: an arc over the row
            lift = 26 + 18 * abs(tcol - scol)
            p0, p3 = (sx + NODE_W * 0.7, sy), (tx + NODE_W * 0.3, ty)
            p1, p2 = (p0[0], sy - lift), (p3[0], ty - lift)
        elif trow > srow:  # down to a side state
            leaving[source] += 1
            offset = (leaving[source] % 5 - 2) * 14
            p0, p3 = (sx + NODE_W / 2 + offset, sy + NODE_H), (tx + NODE_W / 2, ty)
            p1, p2 = (p0[0], p0[1] + ROW_GAP / 2), (p3[0], p3[1] - ROW_GAP / 2)
        else:  # up from a side state, e.g. resubmit
            p0, p3 = (sx + NODE_W * 0.25, sy), (tx + NODE_W * 0.25, ty + NODE_H)
            p1, p2 = (p0[0], p0[1] - ROW_GAP / 2), (p3[0], p3[1] + ROW_GAP / 2)
        mx, my = _midpoint(p0, p1, p2, p3)
        text = " / ".join(names)
        label = ""
        if target not in said_once:
            label = (
                f'<text x="{mx:.0f}" y="{my - 4:.0f}" text-anchor="middle" font-size="11" fill="#1d2a30" '
                f'stroke="#fff" stroke-width="3" paint-order="stroke">{_wrapped(text, mx, my - 4)}</text>'
            )
        parts.append(
            f'<g class="transition"><title>{escape(text)}: {escape(", ".join(roles[(source, target)]))}'
            f'</title><path d="M{p0[0]:.0f},{p0[1]:.0f} C{p1[0]:.0f},{p1[1]:.0f} {p2[0]:.0f},{p2[1]:.0f} '
            f'{p3[0]:.0f},{p3[1]:.0f}" fill="none" stroke="#40515a" stroke-width="1.3" '
            f'marker-end="url(#arrow)"/>{label}</g>'
        )
    for state in states:
        x, y = position[state]
        if state in unreachable:
            style = 'fill="#f4f4f4" stroke="#9aa5ab" stroke-dasharray="4 3"'
        elif state not in has_exit:  # terminal
            style = 'fill="#e8eef1" stroke="#1d2a30" stroke-width="2"'
        else:
            style = 'fill="#fff" stroke="#0b6e4f" stroke-width="1.6"'
        note = ""
        if state in said_once:
            note = (
                f'<text x="{x + NODE_W + 4}" y="{y + NODE_H / 2 + 4:.0f}" font-size="11" fill="#1d2a30">'
                f"← {escape(next(iter(incoming[state])))}</text>"
            )
        if state in unreachable:
            note = (
                f'<text x="{x + NODE_W + 4}" y="{y + NODE_H / 2 + 4:.0f}" font-size="11" fill="#5b6b73">'
                f"{escape(_('not used under this policy'))}</text>"
            )
        parts.append(
            f'<g class="state" data-state="{escape(state)}">'
            f'<rect x="{x}" y="{y}" width="{NODE_W}" height="{NODE_H}" rx="8" {style}/>'
            f'<text x="{x + NODE_W / 2:.0f}" y="{y + 20}" text-anchor="middle" font-weight="600">'
            f"{escape(labels[state])}</text>"
            f'<text x="{x + NODE_W / 2:.0f}" y="{y + 36}" text-anchor="middle" font-size="10" '
            f'fill="#5b6b73">{escape(state)}</text>{note}</g>'
        )
    parts.append("</svg>")
    return "".join(parts)
