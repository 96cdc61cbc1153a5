// DevOps Learn labs: the editor's progressive enhancement. Without this file the textarea is a plain
// textarea (Tab moves the focus, as everywhere else), and every lab works.
(function () {
  "use strict";

  var INDENT = "  ";

  function enhance(textarea) {
    if (textarea.dataset.enhanced) { return; }
    textarea.dataset.enhanced = "1";

    // Line numbers: a gutter beside the textarea, kept in step with its lines and scrolling.
    var wrapper = document.createElement("div");
    wrapper.className = "editor";
    var gutter = document.createElement("pre");
    gutter.className = "editor-gutter";
    gutter.setAttribute("aria-hidden", "true");
    textarea.parentNode.insertBefore(wrapper, textarea);
    wrapper.appendChild(gutter);
    wrapper.appendChild(textarea);

    var shown = 0;
    function renumber() {
      var count = textarea.value.split("\n").length;
      if (count !== shown) {
        var lines = [];
        for (var i = 1; i <= count; i++) { lines.push(i); }
        gutter.textContent = lines.join("\n");
        shown = count;
      }
      gutter.scrollTop = textarea.scrollTop;
    }
    textarea.addEventListener("input", renumber);
    textarea.addEventListener("scroll", function () { gutter.scrollTop = textarea.scrollTop; });
    renumber();

    // Tab indents and Shift+Tab outdents; Esc, then Tab, leaves the editor (no keyboard trap).
    var leaving = false;
    var keys = document.querySelector(".editor-keys");
    if (keys) { keys.hidden = false; }

    function lineStart(value, index) { return value.lastIndexOf("\n", index - 1) + 1; }

    function insert(text) {
      // execCommand keeps the browser's undo history; setRangeText where it is gone.
      if (!document.execCommand || !document.execCommand("insertText", false, text)) {
        textarea.setRangeText(text, textarea.selectionStart, textarea.selectionEnd, "end");
        textarea.dispatchEvent(new Event("input"));
      }
    }

    function outdent() {
      var value = textarea.value;
      var start = lineStart(value, textarea.selectionStart);
      var end = textarea.selectionEnd;
      var block = value.slice(start, end);
      var changed = block.replace(/^( {1,2}|\t)/gm, "");
      if (changed === block) { return; }
      textarea.setSelectionRange(start, end);
      insert(changed);
      textarea.setSelectionRange(start, start + changed.length);
    }

    function indentLines() {
      var value = textarea.value;
      var start = lineStart(value, textarea.selectionStart);
      var end = textarea.selectionEnd;
      var block = value.slice(start, end);
      var changed = block.replace(/^/gm, INDENT);
      textarea.setSelectionRange(start, end);
      insert(changed);
      textarea.setSelectionRange(start, start + changed.length);
    }

    textarea.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        leaving = true;
        return;
      }
      if (event.key !== "Tab" || event.ctrlKey || event.altKey || event.metaKey) {
        leaving = false;
        return;
      }
      if (leaving) {  // Esc was pressed: let Tab move the focus on
        leaving = false;
        return;
      }
      event.preventDefault();
      var multiline = textarea.value.slice(textarea.selectionStart, textarea.selectionEnd).indexOf("\n") !== -1;
      if (event.shiftKey) {
        outdent();
      } else if (multiline) {
        indentLines();
      } else {
        insert(INDENT);
      }
    });
    textarea.addEventListener("blur", function () { leaving = false; });
  }

  // A result's line numbers are links to the editor (#id_artifact): without this file they only move
  // the focus there; with it the caret goes to the start of that line, scrolled into view.
  function goToLine(textarea, line) {
    var lines = textarea.value.split("\n");
    var number = Math.max(1, Math.min(line, lines.length));
    var start = 0;
    for (var i = 0; i < number - 1; i++) { start += lines[i].length + 1; }
    textarea.focus({ preventScroll: true });
    textarea.setSelectionRange(start, start);
    var style = window.getComputedStyle(textarea);
    var height = parseFloat(style.lineHeight) || 1.5 * parseFloat(style.fontSize);
    var top = (number - 1) * height;
    textarea.scrollTop = Math.max(0, top - textarea.clientHeight / 3);
    // The line on the screen too (on a phone the editor is above the result).
    var y = textarea.getBoundingClientRect().top + parseFloat(style.paddingTop) + top - textarea.scrollTop;
    if (y < 0 || y > window.innerHeight - 3 * height) {
      window.scrollBy(0, y - window.innerHeight / 3);
    }
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a.line-link[data-line]") : null;
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) { return; }
    var textarea = document.getElementById(link.hash.slice(1));
    if (!textarea || textarea.tagName !== "TEXTAREA") { return; }
    event.preventDefault();
    goToLine(textarea, parseInt(link.getAttribute("data-line"), 10) || 1);
  });

  function start() {
    document.querySelectorAll("textarea[data-editor]").forEach(enhance);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
