// Placard's reach enhancements. Everything here is optional: pages work
// fully without it, and nothing it keeps ever leaves the reader's browser.
//
//  - "Share…" buttons open the device's own share sheet (Web Share API).
//    They stay hidden where the browser has no such sheet.
//  - The Mastodon share form remembers the reader's server in this browser
//    (localStorage) and fills it in next time. It is sent only where the
//    form sends it anyway: to this site's own share redirect.
//  - On a steps campaign, each step can be ticked as done. Ticks are kept in
//    this browser only (localStorage, per page) and never sent anywhere;
//    following a step's links or signing its form ticks it too.
(function () {
  "use strict";

  var MASTODON_KEY = "placard:mastodon-server";
  var DONE_PREFIX = "placard:done:";

  // Storage may be refused (private windows, strict settings): then
  // nothing is remembered, and everything else still works.
  function load(key) {
    try {
      return window.localStorage.getItem(key);
    } catch (e) {
      return null;
    }
  }
  function save(key, value) {
    try {
      window.localStorage.setItem(key, value);
    } catch (e) {
      /* not remembered */
    }
  }

  // Web Share API.
  if (navigator.share) {
    Array.prototype.forEach.call(document.querySelectorAll("button[data-share-url]"), function (button) {
      button.hidden = false;
      // The share sheet is now the first action; the networks step back.
      if (button.closest(".share")) {
        button.closest(".share").classList.add("has-native");
      }
      button.addEventListener("click", function () {
        var data = { title: document.title, url: button.getAttribute("data-share-url") };
        var text = button.getAttribute("data-share-text");
        if (text) {
          data.text = text;
        }
        navigator.share(data).catch(function () {
          /* the reader closed the sheet */
        });
      });
    });
  }

  // Mastodon: remember the reader's server in this browser.
  Array.prototype.forEach.call(document.querySelectorAll("form.mastodon-form"), function (form) {
    var input = form.querySelector("input[name=instance]");
    if (!input) {
      return;
    }
    var known = load(MASTODON_KEY);
    if (known && !input.value) {
      input.value = known;
    }
    form.addEventListener("submit", function () {
      var v = input.value.trim();
      if (v) {
        save(MASTODON_KEY, v);
      }
    });
  });

  // Steps done, per page.
  var steps = document.querySelectorAll("ol.steps > li.step");
  if (steps.length === 0) {
    return;
  }
  var key = DONE_PREFIX + location.pathname;
  var done = {};
  (load(key) || "").split(" ").forEach(function (id) {
    if (id) {
      done[id] = true;
    }
  });

  function store() {
    save(key, Object.keys(done).filter(function (id) { return done[id]; }).join(" "));
  }

  function show(step, id) {
    var on = !!done[id];
    step.classList.toggle("is-done", on);
    var button = step.querySelector("button.step-done");
    if (button) {
      button.setAttribute("aria-pressed", on ? "true" : "false");
    }
    var nav = document.querySelector('.step-nav a[href="#' + id + '"]');
    if (nav) {
      nav.classList.toggle("is-done", on);
      var note = nav.querySelector(".done-note");
      if (on && !note) {
        note = document.createElement("span");
        note.className = "done-note visually-hidden";
        note.textContent = " (done)";
        nav.appendChild(note);
      } else if (!on && note) {
        nav.removeChild(note);
      }
    }
  }

  Array.prototype.forEach.call(steps, function (step) {
    var button = step.querySelector("button.step-done");
    var id = button ? button.getAttribute("data-step") : "";
    if (!id) {
      return;
    }
    button.hidden = false;
    show(step, id);
    function mark(on) {
      done[id] = on;
      store();
      show(step, id);
    }
    button.addEventListener("click", function () {
      mark(!done[id]);
    });
    // Doing the step's action ticks it: a share, call, email, donation or
    // listening link, copying or sharing the link, or sending its signing
    // form. Links in the organisers' own text (the intro) are reading, not
    // doing, and leave it alone.
    step.addEventListener("click", function (ev) {
      if (!ev.target.closest) {
        return;
      }
      var a = ev.target.closest("a[href], button[data-copy], button[data-share-url]");
      if (!a || !step.contains(a) || a.closest(".intro, .prose")) {
        return;
      }
      if (a.tagName === "A" && /^#/.test(a.getAttribute("href"))) {
        return;
      }
      mark(true);
    });
    Array.prototype.forEach.call(step.querySelectorAll("form.sign-form, form.mastodon-form"), function (form) {
      form.addEventListener("submit", function () {
        mark(true);
      });
    });
  });
})();
