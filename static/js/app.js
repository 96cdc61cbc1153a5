// DevOps Learn: a little progressive enhancement. Every page works without this file.
(function () {
  "use strict";

  // After htmx swaps in new content, move keyboard and screen-reader focus to it.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    var focus = target && (target.querySelector("[data-focus-after-swap]") ||
      (target.matches && target.matches("[data-focus-after-swap]") ? target : null));
    if (focus) {
      if (!focus.hasAttribute("tabindex")) { focus.setAttribute("tabindex", "-1"); }
      focus.focus({ preventScroll: false });
    }
  });

  // A countdown for timed quizzes; the server enforces the deadline either way.
  function tick() {
    document.querySelectorAll("[data-deadline]").forEach(function (el) {
      var left = Math.max(0, Math.round((Date.parse(el.dataset.deadline) - Date.now()) / 1000));
      var minutes = Math.floor(left / 60), seconds = left % 60;
      el.textContent = minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
    });
  }
  if (document.querySelector("[data-deadline]")) {
    tick();
    setInterval(tick, 1000);
  }

  // Close the account menu with Escape, returning focus to its toggle.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    document.querySelectorAll("details.menu[open]").forEach(function (menu) {
      menu.removeAttribute("open");
      menu.querySelector("summary").focus();
    });
  });
})();
