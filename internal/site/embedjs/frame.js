// Placard embed, inside the frame: tells the page around it how tall the
// embed is, so the partner's iframe fits it without a scroll bar. It sends
// only the height, as a number. The message goes to the partner site named
// in ?origin= when the organisation lists that site (data-embed-origins);
// otherwise to whichever page holds the frame ("*"), which learns nothing
// but the number. The embed works without this script: the frame keeps the
// height the partner gave it.
(function () {
  "use strict";
  if (window.parent === window) {
    return;
  }
  var listed = (document.documentElement.getAttribute("data-embed-origins") || "").split(/\s+/);
  var origin = new URLSearchParams(window.location.search).get("origin");
  var target = origin && listed.indexOf(origin) >= 0 ? origin : "*";
  if (target !== "*") {
    // Keep the partner's origin through the signing form's round trip, so
    // the thank-you page can address it too. (The attribute, not
    // form.action: the form has a field named "action", which shadows it.)
    Array.prototype.forEach.call(document.querySelectorAll("form.sign-form"), function (form) {
      var u = new URL(form.getAttribute("action") || "", window.location.href);
      u.searchParams.set("origin", target);
      form.setAttribute("action", u.pathname + u.search);
    });
  }
  var last = -1;
  function send() {
    var h = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (h !== last) {
      last = h;
      window.parent.postMessage(h, target);
    }
  }
  if (window.ResizeObserver) {
    new ResizeObserver(send).observe(document.documentElement);
  }
  window.addEventListener("load", send);
  send();
})();
