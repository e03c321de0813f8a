// Placard embed, for the partner's page: makes each Placard iframe
// (iframe[data-placard-embed]) exactly as tall as the campaign inside it.
// The embed sends its height as a plain number; a message is applied only
// when it comes from that iframe's own window and from the origin of the
// iframe's address, so no other frame or page can resize it.
(function () {
  "use strict";
  var most = 20000; // px: a sane ceiling, whatever a message says
  window.addEventListener("message", function (e) {
    if (typeof e.data !== "number" || !isFinite(e.data)) {
      return;
    }
    var frames = document.querySelectorAll("iframe[data-placard-embed]");
    for (var i = 0; i < frames.length; i++) {
      var f = frames[i];
      if (f.contentWindow !== e.source) {
        continue;
      }
      var origin;
      try {
        origin = new URL(f.src, window.location.href).origin;
      } catch (err) {
        return;
      }
      if (e.origin !== origin) {
        return;
      }
      var h = Math.max(0, Math.min(Math.round(e.data), most));
      f.style.height = h + "px";
      f.setAttribute("data-placard-height", String(h));
      return;
    }
  });
})();
