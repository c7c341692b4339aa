/* Min vecka, keyboard-first (issue 19; docs/decisions/0027-handledare-week.md).

   - "L" (outside a field) goes to the first participant's first "Logga".
   - "Logga" (or a mark, to correct it) opens the form in the participant's row (htmx.ajax inserts
     it after the row; the server marks the first field autofocus). One form row at a time.
   - "✓ NN min" posts with htmx; this file adds its column and a form token of its own.
   - Enter in the form saves (the browser's implicit submission); the answer swaps the row and the
     status line out of band, and says (data-focus-*) which row and column it came from: the focus
     then goes to the next row's same cell (the same kind of control: "Logga" or "✓ min").
   - Esc in the form closes it and returns the focus to what opened it.
   Without JavaScript every "Logga" is a link to the form's own page. */
(function () {
  "use strict";

  var opener = null;

  function formRow() {
    return document.getElementById("loggrad");
  }

  function closeForm(returnFocus) {
    var row = formRow();
    if (row) {
      row.remove();
    }
    if (returnFocus && opener && document.body.contains(opener)) {
      opener.focus();
    }
  }

  function nextRow(row) {
    var next = row ? row.nextElementSibling : null;
    while (next && !next.classList.contains("week-row")) {
      next = next.nextElementSibling;
    }
    return next;
  }

  function control(row, column, what) {
    if (!row) {
      return null;
    }
    var selector = '[data-col="' + column + '"][data-what="' + what + '"]';
    return row.querySelector(selector) || row.querySelector('[data-col="' + column + '"][data-what="log"]');
  }

  function newToken() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") {
      return window.crypto.randomUUID();
    }
    return "xxxxxxxx-xxxx-4xxx-8xxx-xxxxxxxxxxxx".replace(/x/g, function () {
      return Math.floor(Math.random() * 16).toString(16);
    });
  }

  // "Logga" and the marks: plain links (their own page without JavaScript), loaded into the row.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("#vecka-tabell a[data-opens-form]");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey || !window.htmx) {
      return;
    }
    var row = link.closest("tr.week-row");
    if (!row) {
      return;
    }
    event.preventDefault();
    opener = link;
    closeForm(false);
    window.htmx.ajax("GET", link.getAttribute("href"), { source: link, target: row, swap: "afterend" });
  });

  // "✓ NN min": its column and a form token of its own (kept, so a double press logs once).
  document.addEventListener("htmx:configRequest", function (event) {
    var elt = event.detail.elt;
    if (!elt || !elt.classList || !elt.classList.contains("week-quick")) {
      return;
    }
    if (!elt.getAttribute("data-token")) {
      elt.setAttribute("data-token", newToken());
    }
    event.detail.parameters.form_token = elt.getAttribute("data-token");
    event.detail.parameters.kolumn = elt.getAttribute("data-col") || "";
  });

  document.addEventListener("htmx:afterSettle", function () {
    var status = document.getElementById("vecka-status");
    if (!status || !status.hasAttribute("data-focus-row")) {
      return;
    }
    var row = document.getElementById("rad-" + status.getAttribute("data-focus-row"));
    var column = status.getAttribute("data-focus-col");
    var what = status.getAttribute("data-focus-what");
    status.removeAttribute("data-focus-row");
    if (what === "fix") {
      what = "log";
    }
    var target = control(nextRow(row), column, what) || control(row, column, what);
    if (target) {
      target.focus();
    }
  });

  document.addEventListener("keydown", function (event) {
    var inForm = event.target.closest && event.target.closest("#loggrad");
    if (event.key === "Escape" && inForm) {
      event.preventDefault();
      closeForm(true);
      return;
    }
    if (event.altKey || event.ctrlKey || event.metaKey || (event.key !== "l" && event.key !== "L")) {
      return;
    }
    var tag = event.target.tagName;
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || event.target.isContentEditable) {
      return;
    }
    var first = document.querySelector('#vecka-tabell [data-what="log"]');
    if (first) {
      event.preventDefault();
      first.focus();
    }
  });

  document.addEventListener("click", function (event) {
    var cancel = event.target.closest && event.target.closest("#loggrad [data-closes-form]");
    if (cancel) {
      event.preventDefault();
      closeForm(true);
    }
  });
})();
