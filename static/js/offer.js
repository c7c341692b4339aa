/* "Använd" beside an earlier referral's contact details (templates/components/contact_offer.html):
   fill the field in place, move to it, and say so in the live region. Without this file the button
   submits the form, which comes back with the field filled and everything typed kept. */
(function () {
  "use strict";

  // With this file the buttons only fill fields, so they must not be the form's default button
  // (Enter in a field presses the first submit button): make them plain buttons, here and in
  // every fragment htmx brings in.
  function plain(root) {
    var buttons = (root.querySelectorAll ? root : document).querySelectorAll("button[data-offer-target]");
    Array.prototype.forEach.call(buttons, function (b) { b.type = "button"; });
  }
  document.addEventListener("DOMContentLoaded", function () { plain(document); });
  document.addEventListener("htmx:load", function (event) { plain(event.target); });

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button[data-offer-target]") : null;
    if (!button) {
      return;
    }
    var field = document.getElementById(button.getAttribute("data-offer-target"));
    if (!field) {
      return; // no such field on this page: let the form post do it
    }
    event.preventDefault();
    field.value = button.getAttribute("data-offer-value");
    field.dispatchEvent(new Event("input", { bubbles: true }));
    field.dispatchEvent(new Event("change", { bubbles: true }));
    var box = button.closest("[data-offer]");
    var status = box ? box.querySelector("[data-offer-status]") : null;
    if (status) {
      status.textContent = button.getAttribute("data-offer-label") + " är ifylld från den tidigare remissen.";
    }
    field.focus();
  });
})();
