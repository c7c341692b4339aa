// Passkeys and security keys (WebAuthn) against django-otp-webauthn's JSON endpoints.
// A form with data-passkey="register" or "authenticate" and data-begin-url / data-complete-url.
(function () {
  "use strict";

  function fromBase64url(text) {
    var base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    var padded = base64 + "===".slice((base64.length + 3) % 4);
    var binary = atob(padded);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes.buffer;
  }

  function toBase64url(buffer) {
    var bytes = new Uint8Array(buffer);
    var binary = "";
    for (var i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function post(url, token, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token, Accept: "application/json" },
      body: body ? JSON.stringify(body) : "{}",
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) throw new Error(data.detail || "server");
        return data;
      });
    });
  }

  function register(options) {
    options.challenge = fromBase64url(options.challenge);
    options.user.id = fromBase64url(options.user.id);
    (options.excludeCredentials || []).forEach(function (c) { c.id = fromBase64url(c.id); });
    return navigator.credentials.create({ publicKey: options }).then(function (credential) {
      var r = credential.response;
      return {
        id: credential.id,
        rawId: toBase64url(credential.rawId),
        type: credential.type,
        response: {
          attestationObject: toBase64url(r.attestationObject),
          clientDataJSON: toBase64url(r.clientDataJSON),
          transports: typeof r.getTransports === "function" ? r.getTransports() : [],
        },
        clientExtensionResults: credential.getClientExtensionResults(),
        authenticatorAttachment: credential.authenticatorAttachment || undefined,
      };
    });
  }

  function authenticate(options) {
    options.challenge = fromBase64url(options.challenge);
    (options.allowCredentials || []).forEach(function (c) { c.id = fromBase64url(c.id); });
    return navigator.credentials.get({ publicKey: options }).then(function (credential) {
      var r = credential.response;
      return {
        id: credential.id,
        rawId: toBase64url(credential.rawId),
        type: credential.type,
        response: {
          authenticatorData: toBase64url(r.authenticatorData),
          clientDataJSON: toBase64url(r.clientDataJSON),
          signature: toBase64url(r.signature),
          userHandle: r.userHandle ? toBase64url(r.userHandle) : undefined,
        },
        clientExtensionResults: credential.getClientExtensionResults(),
        authenticatorAttachment: credential.authenticatorAttachment || undefined,
      };
    });
  }

  document.querySelectorAll("form[data-passkey]").forEach(function (form) {
    var button = form.querySelector(".passkey-button");
    var status = form.querySelector(".passkey-status");
    var token = form.querySelector("[name=csrfmiddlewaretoken]").value;
    var registering = form.dataset.passkey === "register";
    if (!window.PublicKeyCredential) {
      button.disabled = true;
      status.textContent = "Den här webbläsaren kan inte använda passkeys. Välj ett annat sätt.";
      return;
    }
    button.addEventListener("click", function () {
      button.disabled = true;
      status.textContent = registering ? "Följ webbläsarens anvisningar för att koppla nyckeln …" : "Följ webbläsarens anvisningar …";
      post(form.dataset.beginUrl, token)
        .then(registering ? register : authenticate)
        .then(function (result) { return post(form.dataset.completeUrl, token, result); })
        .then(function (data) {
          status.textContent = registering ? "Klart: nyckeln är kopplad." : "Klart.";
          window.location.assign(registering ? form.dataset.doneUrl : data.redirect_url);
        })
        .catch(function (error) {
          button.disabled = false;
          status.textContent = error && error.name === "NotAllowedError"
            ? "Avbrutet eller inte tillåtet. Försök igen, eller välj ett annat sätt."
            : "Det gick inte. Försök igen, eller välj ett annat sätt.";
        });
    });
  });
})();
