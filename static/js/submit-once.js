/* A form's submit buttons are disabled while its submit is in flight, so an impatient second click
   does not send it again. The server does not rely on this: every creation form carries a form
   token and is saved once however often it arrives (docs/decisions/0015-forms-robustness.md).

   Plain forms: disabled just after the browser has collected the form's data (a disabled button
   would drop its own name and value, e.g. "Spara utkast" / "Skicka"), enabled again if the page
   comes back from the back/forward cache or after ten seconds (a download does not leave the page).
   htmx forms: disabled from the request's start to its end. */
(function () {
  "use strict";

  var RELEASE_AFTER_MS = 10000;

  function buttons(form) {
    return form.querySelectorAll('button:not([type]), button[type="submit"], input[type="submit"]');
  }

  function busy(form, on) {
    buttons(form).forEach(function (button) {
      if (on) {
        if (!button.disabled) {
          button.disabled = true;
          button.setAttribute("data-submit-once", "");
        }
      } else if (button.hasAttribute("data-submit-once")) {
        button.disabled = false;
        button.removeAttribute("data-submit-once");
      }
    });
    if (on) {
      form.setAttribute("aria-busy", "true");
    } else {
      form.removeAttribute("aria-busy");
    }
  }

  function isHtmx(form) {
    return form.hasAttribute("hx-post") || form.hasAttribute("hx-get");
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || isHtmx(form) || (form.method || "get").toLowerCase() !== "post") {
      return;
    }
    window.setTimeout(function () {
      if (!event.defaultPrevented) {
        busy(form, true);
        // An answer that is a download leaves the page where it is: let the form be used again.
        window.setTimeout(function () {
          busy(form, false);
        }, RELEASE_AFTER_MS);
      }
    }, 0);
  });

  function submittedForm(event) {
    var elt = event.detail && event.detail.elt;
    var trigger = event.detail && event.detail.requestConfig && event.detail.requestConfig.triggeringEvent;
    return elt instanceof HTMLFormElement && trigger && trigger.type === "submit" ? elt : null;
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = submittedForm(event);
    if (form) {
      busy(form, true);
    }
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail && event.detail.elt;
    if (form instanceof HTMLFormElement) {
      busy(form, false);
    }
  });

  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      document.querySelectorAll("form[aria-busy]").forEach(function (form) {
        busy(form, false);
      });
    }
  });
})();
