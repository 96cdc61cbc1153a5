"""The reflow check of the browser tests (WCAG 2.2 success criterion 1.4.10): at the width of the
page, nothing scrolls the page sideways and no control is cut at its edge, except inside a region that
says it scrolls: every element that scrolls sideways is a named, focusable region (role=region, a name,
tabindex=0, so that a keyboard can scroll it) whose hint ("Scroll sideways for more columns", its
aria-describedby) is shown while it overflows and hidden while it fits."""

from pathlib import Path

SCRIPT = (Path(__file__).parent / "reflow.js").read_text(encoding="utf-8")


def reflow_problems(page) -> list[str]:
    """What breaks reflow on ``page`` as it stands (empty: nothing); see the module docstring."""
    page.wait_for_load_state("networkidle")
    return page.evaluate(SCRIPT)
