// The reflow check of the browser tests: see reflow.py.
(() => {
  const width = document.documentElement.clientWidth;
  const problems = [];
  const shown = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== "hidden"; };
  const name = (el) => (el.getAttribute("aria-label") || el.textContent || el.className || el.tagName).trim().slice(0, 40);
  if (document.documentElement.scrollWidth > width) {
    problems.push(`the page scrolls sideways (${document.documentElement.scrollWidth} px wide)`);
  }
  for (const el of document.querySelectorAll("main *")) {
    if (el.matches("textarea, select, pre, pre *, .visually-hidden") || !shown(el)) { continue; }
    const style = getComputedStyle(el);
    const scrollable = style.overflowX === "auto" || style.overflowX === "scroll";
    if (!scrollable) { continue; }
    const hintId = el.getAttribute("aria-describedby");
    const hint = hintId && document.getElementById(hintId);
    if (el.scrollWidth > el.clientWidth + 1) {
      const named = el.getAttribute("role") === "region" && (el.getAttribute("aria-label") || el.getAttribute("aria-labelledby"));
      if (!named || el.tabIndex !== 0) { problems.push(`"${name(el)}" scrolls sideways but is not a named, focusable region`); }
      if (!hint || !shown(hint)) { problems.push(`"${name(el)}" scrolls sideways without a visible hint that it does`); }
    } else if (hint && shown(hint)) {
      problems.push(`"${name(el)}" fits but still shows its scroll hint`);
    }
  }
  for (const el of document.querySelectorAll("main a, main button, main summary, main input, main select")) {
    if (!shown(el) || el.closest("[role=region]")) { continue; }
    const r = el.getBoundingClientRect();
    if (r.right > width + 1 || r.left < -1) { problems.push(`"${name(el)}" is cut at the edge (${Math.round(r.left)}-${Math.round(r.right)} px)`); }
  }
  return problems;
})
