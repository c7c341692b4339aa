// Warns before the idle limit ends the session, and keeps it on "Fortsätt arbeta".
// Every request renews the session on the server (SESSION_SAVE_EVERY_REQUEST), so the clock
// restarts on every page load, every htmx request and every keep-alive.
(function () {
  "use strict";
  var body = document.body;
  var idle = parseInt(body.dataset.sessionIdle, 10);
  var warning = parseInt(body.dataset.sessionWarning, 10);
  var keepalive = body.dataset.sessionKeepalive;
  var box = document.getElementById("session-warning");
  var text = document.getElementById("session-warning-text");
  var button = document.getElementById("session-continue");
  if (!idle || !box || !button) return;
  var warnTimer = null;
  var endTimer = null;

  function minutes(seconds) {
    var m = Math.round(seconds / 60);
    return m <= 1 ? "1 minut" : m + " minuter";
  }

  function restart() {
    clearTimeout(warnTimer);
    clearTimeout(endTimer);
    box.hidden = true;
    warnTimer = setTimeout(warn, Math.max(idle - warning, 0) * 1000);
    endTimer = setTimeout(ended, idle * 1000);
  }

  function warn() {
    text.textContent = "Du loggas ut om " + minutes(warning) + " om du inte fortsätter.";
    button.hidden = false;
    box.hidden = false;
    button.focus();
  }

  function ended() {
    // Nothing on the page is lost: a form sent now is kept and given back after logging in.
    text.textContent = "Du har loggats ut eftersom du inte varit aktiv. Det du skrivit finns kvar: skicka formuläret så loggar du in igen och kommer tillbaka hit.";
    button.hidden = true;
    box.hidden = false;
  }

  button.addEventListener("click", function () {
    fetch(keepalive, { credentials: "same-origin", redirect: "manual" }).then(function (response) {
      if (response.ok) restart();
      else ended();
    }, ended);
  });
  document.addEventListener("htmx:afterRequest", restart);
  restart();
})();
