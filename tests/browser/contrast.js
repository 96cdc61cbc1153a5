// Contrast against what is behind, in three modes (run by contrast.py, one mode a call):
//   "controls": the text of every visible button and link (WCAG 2.2, 1.4.3: 4.5:1, 3:1 large text);
//   "text": every other visible piece of text on the page, and what is typed in a field;
//   "rings": the focus ring of every control and field, against the fill around it (1.4.11: 3:1).
// Returns one entry per failure: {name, fg, bg, ratio, needed}.
(mode) => {
  "use strict";
  const TARGETS = "a, button, summary, input[type=submit], input[type=button], input[type=reset], [role=button], [role=link]";
  const FIELDS = "input:not([type=hidden]):not([type=submit]):not([type=button]):not([type=reset]):not([type=checkbox]):not([type=radio]), select, textarea";
  const SKIPPED = "script, style, noscript, template, title, desc, option, select, textarea";

  function parse(colour) {
    const m = colour.match(/rgba?\(([^)]+)\)/);
    if (!m) { return null; }
    const parts = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number);
    return { r: parts[0], g: parts[1], b: parts[2], a: parts.length > 3 ? parts[3] : 1 };
  }
  function over(top, bottom) {  // top composited onto an opaque bottom
    const a = top.a;
    return { r: top.r * a + bottom.r * (1 - a), g: top.g * a + bottom.g * (1 - a), b: top.b * a + bottom.b * (1 - a), a: 1 };
  }
  function luminance(c) {
    const f = (v) => { v /= 255; return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
  }
  function ratio(a, b) {
    const [l1, l2] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (l1 + 0.05) / (l2 + 0.05);
  }
  function gradientStops(image) {  // the colours of a CSS gradient, each a possible background
    return (image.match(/rgba?\([^)]+\)/g) || []).map(parse);
  }
  // The possible backgrounds behind el: its own and its ancestors' fills composited down to the
  // canvas; a gradient gives one candidate per colour stop.
  function backgrounds(el) {
    const layers = [];
    for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (style.backgroundImage && style.backgroundImage.includes("gradient")) {
        layers.push(gradientStops(style.backgroundImage));
      }
      const fill = parse(style.backgroundColor);
      if (fill && fill.a > 0) { layers.push([fill]); }
      if (layers.length && layers[layers.length - 1].every((c) => c.a >= 1)) { break; }
    }
    let candidates = [{ r: 255, g: 255, b: 255, a: 1 }];  // the canvas
    for (const layer of layers.reverse()) {
      const next = [];
      for (const below of candidates) { for (const colour of layer) { next.push(over(colour, below)); } }
      candidates = next;
    }
    return candidates;
  }
  function opacity(el) {
    let value = 1;
    for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
      value *= Number(getComputedStyle(node).opacity);
    }
    return value;
  }
  function visible(el) {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    return box.width > 1 && box.height > 1 && style.visibility !== "hidden" && opacity(el) > 0
      && !el.closest("[hidden], [aria-hidden=true]") && el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true });
  }
  function isLarge(style) {
    const size = parseFloat(style.fontSize);
    return size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
  }
  function name(el) {
    const label = (el.innerText || el.value || el.getAttribute("aria-label") || "").trim().replace(/\s+/g, " ");
    return `${el.tagName.toLowerCase()} "${label.slice(0, 60)}"`;
  }
  // The elements that paint the text of a target: the target itself (an input's value) or the
  // parents of its non-blank text nodes.
  function painters(target) {
    if (target.tagName === "INPUT") { return [target]; }
    const found = new Set();
    const walker = document.createTreeWalker(target, NodeFilter.SHOW_TEXT);
    for (let text = walker.nextNode(); text; text = walker.nextNode()) {
      if (text.textContent.trim()) { found.add(text.parentElement); }
    }
    return [...found];
  }
  function svgBackground(el) {  // a label drawn over a shape of the same link or group
    const group = el.closest("a, g");
    const shape = group && group.querySelector("rect, circle, path");
    const fill = shape && parse(getComputedStyle(shape).fill);
    return fill && fill.a > 0 ? [over(fill, backgrounds(el.ownerSVGElement)[0])] : backgrounds(el.ownerSVGElement);
  }
  const hex = (c) => "#" + [c.r, c.g, c.b].map((v) => Math.round(v).toString(16).padStart(2, "0")).join("");
  const failures = [];
  function measure(target, painter) {
    if (!visible(painter)) { return; }
    const style = getComputedStyle(painter);
    const inSvg = painter instanceof SVGElement;
    const bgs = inSvg ? svgBackground(painter) : backgrounds(painter);
    const raw = parse(inSvg ? style.fill : style.color);
    if (!raw) { return; }
    const needed = isLarge(style) ? 3 : 4.5;
    for (const bg of bgs) {
      const fg = over({ ...raw, a: raw.a * opacity(painter) }, bg);
      const value = ratio(fg, bg);
      if (value < needed - 0.005) {
        failures.push({ name: name(target), fg: hex(fg), bg: hex(bg), ratio: Math.round(value * 100) / 100, needed });
        return;
      }
    }
  }
  if (mode === "controls") {
    for (const target of document.querySelectorAll(TARGETS)) {
      if (target.matches("[disabled], [aria-disabled=true]") || !visible(target)) { continue; }
      for (const painter of painters(target)) { measure(target, painter); }
    }
  } else if (mode === "text") {
    const seen = new Set();
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let text = walker.nextNode(); text; text = walker.nextNode()) {
      const painter = text.parentElement;
      if (!text.textContent.trim() || seen.has(painter) || painter.closest(SKIPPED) || painter.closest(TARGETS)) { continue; }
      seen.add(painter);
      measure(painter, painter);
    }
    for (const field of document.querySelectorAll(FIELDS)) {
      if (!field.matches("[disabled]") && visible(field)) { measure(field, field); }
    }
  } else if (mode === "rings") {
    for (const target of document.querySelectorAll(`${TARGETS}, ${FIELDS}`)) {
      if (target.matches("[disabled], [aria-disabled=true]") || !visible(target) || target.closest(".editor")) { continue; }
      const style = getComputedStyle(target);
      const width = parseFloat(style.outlineWidth);
      if (style.outlineStyle === "none" || !(width >= 2)) {
        failures.push({ name: name(target), fg: "no ring", bg: "", ratio: width || 0, needed: "a 2px outline" });
        continue;
      }
      const ring = parse(style.outlineColor);
      const around = target.parentElement ? backgrounds(target.parentElement) : [{ r: 255, g: 255, b: 255, a: 1 }];
      for (const bg of around) {
        const value = ratio(over(ring, bg), bg);
        if (value < 3 - 0.005) {
          failures.push({ name: name(target), fg: hex(ring), bg: hex(bg), ratio: Math.round(value * 100) / 100, needed: 3 });
          break;
        }
      }
    }
  }
  return failures;
}
