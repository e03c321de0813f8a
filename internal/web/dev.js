// Placard's development helper, served only by `placard serve --dev` and
// never linked from production pages. It listens to the server's event
// stream: "reload" reloads this tab after a good edit; "problems" shows an
// overlay listing each problem in the campaign files as file:line:col:
// message, while the last good version of the page keeps showing beneath.
(function () {
  "use strict";
  if (!window.EventSource) {
    return;
  }
  var overlay = null;

  function clear() {
    if (overlay) {
      overlay.remove();
      overlay = null;
    }
  }

  function show(problems) {
    clear();
    overlay = document.createElement("section");
    overlay.setAttribute("role", "alert");
    overlay.setAttribute("aria-label", "Problems in the campaign files");
    overlay.id = "placard-dev-problems";
    var s = overlay.style;
    s.position = "fixed";
    s.left = "0";
    s.right = "0";
    s.bottom = "0";
    s.maxHeight = "50vh";
    s.overflow = "auto";
    s.zIndex = "2147483647";
    s.background = "#fff4f4";
    s.color = "#5c0000";
    s.borderTop = "4px solid #b00020";
    s.padding = "1rem";
    s.font = "14px/1.4 ui-monospace, monospace";
    var h = document.createElement("h2");
    h.textContent = "The campaign files have problems; this page shows the last good version";
    h.style.margin = "0 0 0.5rem";
    h.style.fontSize = "16px";
    overlay.appendChild(h);
    var list = document.createElement("ul");
    list.style.margin = "0";
    problems.forEach(function (p) {
      var li = document.createElement("li");
      li.textContent = p.text;
      list.appendChild(li);
    });
    overlay.appendChild(list);
    document.body.appendChild(overlay);
  }

  var events = new EventSource("/_dev/events");
  events.addEventListener("reload", function () {
    events.close();
    window.location.reload();
  });
  events.addEventListener("problems", function (e) {
    try {
      show(JSON.parse(e.data));
    } catch (err) {
      clear();
    }
  });
  events.addEventListener("ok", clear);
})();
