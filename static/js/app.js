// DevOps Learn: a little progressive enhancement. Every page works without this file.
(function () {
  "use strict";

  // A 403 that names its target (HX-Retarget) is a notice to show, not an error to drop: the CSRF
  // refusal "Your session changed: reload the page" goes just above the form that posted, and the
  // form keeps what was typed. An older notice is removed first. (Registered before the focus
  // handler below, which reads the final target.)
  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    if (xhr.status !== 403 || !xhr.getResponseHeader("HX-Retarget")) { return; }
    document.querySelectorAll(".session-changed").forEach(function (old) { old.remove(); });
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  });

  // After htmx swaps in new content, move keyboard and screen-reader focus to it. With
  // hx-swap="outerHTML" the old target leaves the page, so find the new one by its id.
  var swappedId = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    swappedId = event.detail.target && event.detail.target.id;
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    var root = (swappedId && document.getElementById(swappedId)) || event.detail.elt;
    swappedId = null;
    if (!root) { return; }
    var focus = root.matches("[data-focus-after-swap]") ? root : root.querySelector("[data-focus-after-swap]");
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

  // Sign-up proposes the browser's time zone (a legacy name it may report, such as Asia/Calcutta,
  // mapped to the listed zone); without JavaScript the site's default stays selected.
  document.querySelectorAll("select[data-browser-zone]").forEach(function (select) {
    var zone;
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (error) { return; }
    var aliases = {};
    try { aliases = JSON.parse(select.getAttribute("data-zone-aliases") || "{}"); } catch (error) { aliases = {}; }
    zone = aliases[zone] || zone;
    if (zone && select.querySelector('option[value="' + zone.replace(/["\\]/g, "") + '"]')) { select.value = zone; }
  });

  // Code blocks (lessons, labs, questions) get a copy button by their language label; a live region,
  // there from the start, says "Copied" (or that copying failed). The words come from <body>'s data.
  var blocks = document.querySelectorAll(".code-block");
  if (blocks.length && navigator.clipboard) {
    var words = document.body.dataset;
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("aria-live", "polite");
    status.id = "copy-status";
    document.body.appendChild(status);
    var announce = function (text) {
      status.textContent = "";
      window.setTimeout(function () { status.textContent = text; }, 50);
    };
    blocks.forEach(function (block) {
      var code = block.querySelector("pre");
      var bar = block.querySelector(".code-bar");
      if (!code || !bar) { return; }
      var button = document.createElement("button");
      button.type = "button";
      button.className = "code-copy";
      button.textContent = words.copyLabel || "Copy";
      var label = bar.querySelector(".code-language");
      // Its name says what it copies, and begins with the word it shows ("Copy code", "Copy the YAML code").
      var name = label ? (words.copyLanguageLabel || "Copy the {language} code").replace("{language}", label.textContent)
        : (words.copyCodeLabel || "Copy code");
      button.setAttribute("aria-label", name);
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(code.innerText.replace(/\n$/, "")).then(function () {
          button.textContent = words.copiedLabel || "Copied";
          announce(words.copiedLabel || "Copied");
          window.setTimeout(function () { button.textContent = words.copyLabel || "Copy"; }, 2000);
        }, function () {
          announce(words.copyFailedLabel || "Copying failed: select the code and copy it");
        });
      });
      bar.appendChild(button);
    });
  }

  // A region that scrolls sideways (a wide table or chart, templates/_scroll_hint.html) shows its hint,
  // and is described by it, only while it overflows; after htmx sorts a table, the sorted column is
  // scrolled into view (it may be a module column off to the right).
  function watchScrollRegions(root) {
    root.querySelectorAll("[data-scroll-hint]").forEach(function (region) {
      var hint = document.getElementById(region.getAttribute("data-scroll-hint"));
      if (!hint || region.dataset.scrollWatched) { return; }
      region.dataset.scrollWatched = "1";
      var update = function () {
        var overflows = region.scrollWidth > region.clientWidth + 1;
        hint.hidden = !overflows;
        if (overflows) { region.setAttribute("aria-describedby", hint.id); } else { region.removeAttribute("aria-describedby"); }
      };
      update();
      if (window.ResizeObserver) {
        var observer = new ResizeObserver(update);
        observer.observe(region);
        if (region.firstElementChild) { observer.observe(region.firstElementChild); }
      }
    });
    root.querySelectorAll("[data-scroll-hint]").forEach(function (region) {
      var sorted = region.querySelector('th[aria-sort="ascending"], th[aria-sort="descending"]');
      var sticky = region.querySelector("thead th:first-child");
      if (!sorted || sorted === sticky) { return; }
      var box = region.getBoundingClientRect(), cell = sorted.getBoundingClientRect();
      var start = box.left + region.clientLeft + (sticky ? sticky.getBoundingClientRect().width : 0);
      var end = box.left + region.clientLeft + region.clientWidth;
      if (cell.right > end) { region.scrollLeft += cell.right - end; } else if (cell.left < start) { region.scrollLeft -= start - cell.left; }
    });
  }
  watchScrollRegions(document);
  document.addEventListener("htmx:load", function (event) { watchScrollRegions(event.detail.elt); });

  // An answer typed or chosen but not sent yet survives leaving the page in the same tab (switching the
  // language posts a form and reloads): each answer form with data-draft keeps its fields in
  // sessionStorage under that key (the attempt and question) and gets them back on load. Sending the
  // answer forgets it. Hidden fields (the CSRF token, a form's one-time key) are never kept.
  function draftFields(form) {
    return Array.prototype.filter.call(form.elements, function (field) {
      return field.name && field.type !== "hidden" && field.type !== "submit" && field.type !== "button";
    });
  }
  function saveDraft(form) {
    var values = draftFields(form).map(function (field) {
      return (field.type === "checkbox" || field.type === "radio") ? field.checked : field.value;
    });
    try { sessionStorage.setItem("draft:" + form.dataset.draft, JSON.stringify(values)); } catch (error) { /* storage off */ }
  }
  function restoreDrafts(root) {
    root.querySelectorAll("form[data-draft]").forEach(function (form) {
      var values;
      try { values = JSON.parse(sessionStorage.getItem("draft:" + form.dataset.draft) || "null"); } catch (error) { return; }
      var fields = draftFields(form);
      if (!Array.isArray(values) || values.length !== fields.length) { return; }  // the form changed: start afresh
      fields.forEach(function (field, index) {
        if (field.type === "checkbox" || field.type === "radio") { field.checked = values[index] === true; }
        else if (typeof values[index] === "string") { field.value = values[index]; }
      });
    });
  }
  function draftForm(event) {
    return event.target.closest && event.target.closest("form[data-draft]");
  }
  document.addEventListener("input", function (event) { var form = draftForm(event); if (form) { saveDraft(form); } });
  document.addEventListener("change", function (event) { var form = draftForm(event); if (form) { saveDraft(form); } });
  document.addEventListener("submit", function (event) {
    var form = draftForm(event);
    if (form) { try { sessionStorage.removeItem("draft:" + form.dataset.draft); } catch (error) { /* storage off */ } }
  }, true);
  restoreDrafts(document);

  // Close the account menu and the phone's navigation menu with Escape, returning focus to the toggle.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    document.querySelectorAll("details.menu[open], details.nav-menu[open]").forEach(function (menu) {
      menu.removeAttribute("open");
      menu.querySelector("summary").focus();
    });
  });
})();
