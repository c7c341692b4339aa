/* Person pickers (ist/pickers.py, templates/components/person_picker.html): keyboard between the
   search box and its matches. htmx fetches the matches while the user types; the matches are radio
   buttons, so the arrow keys move between them and Enter sends the form, as any radio group.
   Down (or Up) in the search box goes to the chosen match, or the first; Escape in the list goes back
   to the search box; Escape in an empty search box closes the list. Without this file the picker
   still works: the typed text is sent and the server shows the matches to choose from. */
(function () {
  "use strict";

  function picker(element) {
    return element.closest ? element.closest("[data-picker]") : null;
  }

  function radios(box) {
    return Array.prototype.slice.call(box.querySelectorAll('.picker-matches input[type="radio"]'));
  }

  document.addEventListener("keydown", function (event) {
    var box = picker(event.target);
    if (!box) {
      return;
    }
    var search = box.querySelector('input[type="search"]');
    var list = radios(box);
    if (event.target === search) {
      if ((event.key === "ArrowDown" || event.key === "ArrowUp") && list.length) {
        event.preventDefault();
        var chosen = list.filter(function (r) { return r.checked && r.value; })[0];
        var target = chosen || list.filter(function (r) { return r.value; })[0] || list[0];
        target.checked = true;
        target.focus();
      } else if (event.key === "Escape" && !search.value) {
        box.querySelector(".picker-matches").replaceChildren();
      }
    } else if (event.target.type === "radio" && event.key === "Escape") {
      event.preventDefault();
      search.focus();
    }
  });
})();
