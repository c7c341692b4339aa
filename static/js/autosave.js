/* A form that saves itself while one types (hx-post with hx-trigger "input delay:…"; the answer
   replaces #autosave-status, which carries the version the next save must name) is also sent by its
   own buttons ("Spara utkast", "Skicka", "Slutför"). The send must not race the form's own autosave:
   an autosave that reached the server first but answered after the send was posted gives the draft a
   new version, and the send would be refused as a stale edit ("Någon annan har sparat ändringar")
   although nobody else wrote. So: an autosave already on its way is waited for, and the form is sent
   with the version it brought back; once the form is sent, no autosave of it starts. Without
   JavaScript there is no autosave, and nothing to wait for. */
(function () {
  "use strict";

  function autosaving(form) {
    return form instanceof HTMLFormElement && form.hasAttribute("hx-post") && form.querySelector("#autosave-status");
  }

  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      if (!autosaving(form)) {
        return;
      }
      form.setAttribute("data-sending", "");
      if (form.classList.contains("htmx-request")) {
        event.preventDefault();
        var submitter = event.submitter;
        form.addEventListener(
          "htmx:afterRequest",
          function () {
            // After htmx has finished with the answer (the new version is in the form by then).
            window.setTimeout(function () {
              form.requestSubmit(submitter && submitter.form === form ? submitter : null);
            }, 0);
          },
          { once: true }
        );
      }
    },
    true
  );

  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.detail && event.detail.elt;
    if (form instanceof HTMLFormElement && form.hasAttribute("data-sending") && autosaving(form)) {
      event.preventDefault(); // a queued or delayed autosave after the send: the send has it all
    }
  });

  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      document.querySelectorAll("form[data-sending]").forEach(function (form) {
        form.removeAttribute("data-sending");
      });
    }
  });
})();
