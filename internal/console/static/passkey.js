// Passkeys for the Placard console: the only script the console has.
// Everything else works without JavaScript. An element with
// data-passkey="signin" or "register" gets its button enabled; pressing
// it fetches options from data-begin, asks the browser, posts the answer
// to data-finish and follows the "next" address the server answers.
(function () {
  "use strict";
  if (!window.PublicKeyCredential || !navigator.credentials) { return; }

  function b64urlToBuf(s) {
    s = s.replace(/-/g, "+").replace(/_/g, "/");
    while (s.length % 4) { s += "="; }
    var bin = atob(s), out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) { out[i] = bin.charCodeAt(i); }
    return out.buffer;
  }
  function bufToB64url(b) {
    var bytes = new Uint8Array(b), s = "";
    for (var i = 0; i < bytes.length; i++) { s += String.fromCharCode(bytes[i]); }
    return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
      body: body === undefined ? "{}" : JSON.stringify(body)
    }).then(function (r) {
      if (!r.ok) { throw new Error("status " + r.status); }
      return r.json();
    });
  }
  function credJSON(c) {
    var r = c.response, out = {
      id: c.id, rawId: bufToB64url(c.rawId), type: c.type,
      clientExtensionResults: c.getClientExtensionResults ? c.getClientExtensionResults() : {},
      response: { clientDataJSON: bufToB64url(r.clientDataJSON) }
    };
    if (r.attestationObject) {
      out.response.attestationObject = bufToB64url(r.attestationObject);
      if (r.getTransports) { out.response.transports = r.getTransports(); }
    } else {
      out.response.authenticatorData = bufToB64url(r.authenticatorData);
      out.response.signature = bufToB64url(r.signature);
      if (r.userHandle) { out.response.userHandle = bufToB64url(r.userHandle); }
    }
    return out;
  }

  function setup(el) {
    var button = el.querySelector("button");
    var status = el.parentNode.querySelector(".passkey-status");
    var mode = el.getAttribute("data-passkey");
    button.disabled = false;
    button.addEventListener("click", function () {
      button.disabled = true;
      if (status) { status.textContent = ""; }
      post(el.getAttribute("data-begin")).then(function (opts) {
        var pk = opts.publicKey;
        pk.challenge = b64urlToBuf(pk.challenge);
        if (mode === "register") {
          pk.user.id = b64urlToBuf(pk.user.id);
          (pk.excludeCredentials || []).forEach(function (c) { c.id = b64urlToBuf(c.id); });
          return navigator.credentials.create({ publicKey: pk });
        }
        (pk.allowCredentials || []).forEach(function (c) { c.id = b64urlToBuf(c.id); });
        return navigator.credentials.get({ publicKey: pk });
      }).then(function (cred) {
        return post(el.getAttribute("data-finish"), credJSON(cred));
      }).then(function (res) {
        window.location.assign(res.next || el.getAttribute("data-next"));
      }).catch(function () {
        button.disabled = false;
        if (status) { status.textContent = el.getAttribute("data-failed") || "That did not work. Please try again."; }
      });
    });
  }
  document.querySelectorAll("[data-passkey]").forEach(setup);
})();
