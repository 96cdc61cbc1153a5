// No chip, badge or pill breaks its content: every line box of its content shares the first one's line,
// and none runs past its border. See test_phone_layout_browser.py.
(selector) => {
  const problems = [];
  for (const el of document.querySelectorAll(selector)) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0 || getComputedStyle(el).visibility === "hidden") { continue; }
    const range = document.createRange();
    range.selectNodeContents(el);
    const rects = [...range.getClientRects()].filter((r) => r.width > 0 && r.height > 0);
    if (!rects.length) { continue; }
    const first = rects[0];
    const label = `"${el.textContent.trim().replace(/\s+/g, " ").slice(0, 40)}" (${el.className || el.tagName})`;
    if (rects.some((r) => r.top >= first.bottom - 1 || r.bottom <= first.top + 1)) {
      problems.push(`${label} breaks onto ${Math.round(box.height)} px`);
    } else if (rects.some((r) => r.right > box.right + 1 || r.left < box.left - 1)) {
      problems.push(`${label} runs past its border`);
    }
  }
  return problems;
}
