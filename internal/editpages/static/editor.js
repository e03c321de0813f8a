// The console's file editor, enhanced: the line numbers follow the text,
// problems appear as you type (from the same checker, through the check
// address), a problem moves the cursor to its line and column when chosen,
// and the preview beside the editor follows the text once it has no
// errors. Without this script every part still works through the buttons.
(function () {
  'use strict';
  var form = document.getElementById('edit-form');
  var text = document.getElementById('edit-text');
  var box = document.getElementById('edit-problems');
  if (!form || !text || !box) return;
  var gutter = form.querySelector('.edit-gutter');
  var previewButton = form.querySelector('[formtarget="edit-preview"]');
  var checkURL = form.getAttribute('data-check');
  var timer = null, previewTimer = null, seq = 0;

  function lines() {
    var n = 1;
    for (var i = 0; i < text.value.length; i++) if (text.value.charCodeAt(i) === 10) n++;
    return n;
  }
  function numbers() {
    var n = lines(), s = '';
    for (var i = 1; i <= n; i++) s += i + '\n';
    if (gutter) gutter.textContent = s;
    text.rows = n + 2;
  }
  function jump(line, col) {
    var v = text.value, pos = 0;
    for (var l = 1; l < line && pos >= 0; l++) { pos = v.indexOf('\n', pos) + 1; if (pos === 0) { pos = v.length; break; } }
    // Columns count characters; JavaScript strings count UTF-16 units.
    var end = v.indexOf('\n', pos); if (end < 0) end = v.length;
    var chars = Array.from(v.slice(pos, end)).slice(0, Math.max(col - 1, 0)).join('');
    pos += chars.length;
    text.focus();
    text.setSelectionRange(pos, pos);
  }
  function show(result) {
    box.textContent = '';
    var problems = result.problems || [];
    if (problems.length === 0 && !result.elsewhere) {
      var p = document.createElement('p');
      p.textContent = box.getAttribute('data-none');
      box.appendChild(p);
      return;
    }
    var ul = document.createElement('ul');
    problems.forEach(function (pr) {
      var li = document.createElement('li');
      li.className = pr.warning ? 'edit-warning' : 'edit-error';
      if (pr.file) {
        var code = document.createElement('code');
        code.textContent = pr.file + ' ';
        li.appendChild(code);
      }
      if (pr.line > 0) {
        var strong = document.createElement('strong');
        strong.textContent = box.getAttribute('data-line').replace('{line}', pr.line).replace('{col}', pr.col) + ' ';
        li.appendChild(strong);
      }
      if (pr.warning) li.appendChild(document.createTextNode(box.getAttribute('data-warning') + ' '));
      var msg = document.createElement('bdi'); // the checker's English, as on the page
      msg.lang = 'en';
      msg.textContent = pr.message;
      li.appendChild(msg);
      if (pr.here && pr.line > 0) {
        var b = document.createElement('button');
        b.type = 'button';
        b.className = 'edit-jump';
        b.textContent = '↵';
        b.setAttribute('aria-label', box.getAttribute('data-line').replace('{line}', pr.line).replace('{col}', pr.col));
        b.addEventListener('click', function () { jump(pr.line, pr.col); });
        li.appendChild(document.createTextNode(' '));
        li.appendChild(b);
      }
      ul.appendChild(li);
    });
    if (result.elsewhere) {
      var li = document.createElement('li');
      li.className = 'edit-error';
      li.textContent = box.getAttribute('data-elsewhere');
      ul.appendChild(li);
    }
    box.appendChild(ul);
  }
  function check() {
    var mine = ++seq;
    var body = new URLSearchParams(new FormData(form));
    fetch(checkURL, { method: 'POST', body: body, credentials: 'same-origin', headers: { 'Accept': 'application/json' } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (result) {
        if (!result || mine !== seq) return;
        show(result);
        if (result.ok && previewButton) {
          clearTimeout(previewTimer);
          previewTimer = setTimeout(function () { form.requestSubmit(previewButton); }, 300);
        }
      })
      .catch(function () {});
  }
  text.addEventListener('input', function () {
    numbers();
    clearTimeout(timer);
    timer = setTimeout(check, 400);
  });
  box.addEventListener('click', function (e) {
    var li = e.target.closest && e.target.closest('li[data-line]');
    if (li) jump(+li.getAttribute('data-line'), +li.getAttribute('data-col'));
  });
  numbers();
  if (previewButton) form.requestSubmit(previewButton);
})();
