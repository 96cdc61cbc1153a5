"""The contrast check of the browser tests: every visible button's and link's text against its
background, at rest, hovered and focused (WCAG 2.2 success criterion 1.4.3: 4.5:1, 3:1 for large
text); every other piece of text at rest; and the focus ring of every control and field against the
fill around it (1.4.11: 3:1). The states are forced through the DevTools protocol
(CSS.forcePseudoState), not by moving the pointer, so that one page is measured in a few passes."""

from pathlib import Path

from playwright.sync_api import Error

SCRIPT = (Path(__file__).parent / "contrast.js").read_text(encoding="utf-8")
TARGETS = "a, button, summary, input, select, textarea, [role=button], [role=link]"
STATES = {"at rest": [], "hovered": ["hover"], "focused": ["focus", "focus-visible"]}


def contrast_failures(page, attempts: int = 3) -> list[str]:
    """Every failing piece of text on ``page`` as it stands, one line each ("<state>: a "Try again"
    #1d4ed8 on #1d4ed8 1.0 < 4.5"); an empty list when every one passes. A page that is still
    changing (a node gone between two protocol calls) is measured again, up to ``attempts`` times."""
    page.wait_for_load_state("networkidle")
    for attempt in range(attempts):
        try:
            return _measure(page)
        except Error as error:
            if "Could not find node" not in str(error) or attempt == attempts - 1:
                raise
            page.wait_for_timeout(200)
    return []


def _measure(page) -> list[str]:
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
        nodes = cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": TARGETS})["nodeIds"]
        found: list[str] = []
        for state, pseudo in STATES.items():
            for node in nodes:
                cdp.send("CSS.forcePseudoState", {"nodeId": node, "forcedPseudoClasses": pseudo})
            modes = {"at rest": ["controls", "text"], "focused": ["controls", "rings"]}.get(state, ["controls"])
            for mode in modes:
                label = "focus ring" if mode == "rings" else state if mode == "controls" else "text"
                for failure in page.evaluate(SCRIPT, mode):
                    colours = f"{failure['fg']} on {failure['bg']}"
                    line = f"{label}: {failure['name']} {colours} {failure['ratio']} < {failure['needed']}"
                    if line not in found:
                        found.append(line)
        for node in nodes:
            cdp.send("CSS.forcePseudoState", {"nodeId": node, "forcedPseudoClasses": []})
        return found
    finally:
        cdp.detach()
