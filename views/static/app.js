// Placard's optional enhancement script. Pages work fully without it: the
// share action shows its link in a labelled read-only field, and this script
// only reveals the "Copy link" button beside it and makes that button work,
// and moves focus to a signing form's error summary when the form is shown
// again with problems, so keyboard and screen-reader users start there.
(function () {
  "use strict";

  function copyText(input) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(input.value);
    }
    return new Promise(function (resolve, reject) {
      input.focus();
      input.select();
      try {
        if (document.execCommand("copy")) {
          resolve();
        } else {
          reject(new Error("copy refused"));
        }
      } catch (err) {
        reject(err);
      }
    });
  }

  var buttons = document.querySelectorAll("button[data-copy]");
  Array.prototype.forEach.call(buttons, function (button) {
    var input = document.getElementById(button.getAttribute("data-copy"));
    if (!input) {
      return;
    }
    var box = button.closest(".copy-link");
    var status = box ? box.querySelector(".copy-status") : null;
    function say(text) {
      if (status) {
        status.textContent = text;
      }
    }
    input.addEventListener("focus", function () {
      input.select();
    });
    button.hidden = false;
    button.addEventListener("click", function () {
      copyText(input).then(
        function () {
          say("Link copied. You can paste it anywhere.");
        },
        function () {
          input.focus();
          input.select();
          say("Your browser did not allow copying. The link is selected: copy it with your keyboard or menu.");
        }
      );
    });
  });

  var summary = document.querySelector(".error-summary");
  if (summary) {
    summary.focus();
  }
})();
