/*
 * Self-check questions (see hcai/selfcheck.py and ACCESSIBILITY.md).
 * Without this script every question still works: its answer is behind a <details> reveal.
 * With it, a "Check" button marks the reader's answer and writes the feedback into the
 * question's polite live region, which screen readers announce. Nothing is stored or sent.
 */
(function () {
  "use strict";

  function say(form, text, state) {
    var box = form.querySelector(".hcai-sc-feedback");
    box.classList.remove("hcai-sc-right", "hcai-sc-wrong", "hcai-sc-note");
    box.classList.add("hcai-sc-" + state);
    // Clear first so that the same message twice in a row is announced again.
    box.textContent = "";
    window.setTimeout(function () { box.textContent = text; }, 50);
  }

  function checkChoice(form) {
    var chosen = form.querySelector("input[type=radio]:checked");
    if (!chosen) {
      say(form, "Choose one of the options first.", "note");
      return;
    }
    var right = chosen.getAttribute("data-correct") === "true";
    say(form, (right ? "Correct. " : "Not quite. ") + chosen.getAttribute("data-feedback"),
        right ? "right" : "wrong");
  }

  function checkMatching(form) {
    var selects = Array.prototype.slice.call(form.querySelectorAll("select"));
    var wrong = [];
    var unanswered = 0;
    selects.forEach(function (select) {
      var ok = select.value === select.getAttribute("data-answer");
      if (!select.value) { unanswered += 1; }
      select.setAttribute("aria-invalid", ok ? "false" : "true");
      if (!ok) {
        var label = form.querySelector("label[for='" + select.id + "']");
        wrong.push(label ? label.textContent : select.id);
      }
    });
    var count = selects.length - wrong.length;
    if (!wrong.length) {
      say(form, "Correct: all " + selects.length + " matched.", "right");
    } else {
      say(form, count + " of " + selects.length + " matched" +
          (unanswered ? " (" + unanswered + " not answered yet)" : "") +
          ". Look again at: " + wrong.join("; ") + ".", "wrong");
    }
  }

  function checkShort(form) {
    var details = form.querySelector("details");
    details.open = true;
    say(form, "The model answer is now shown below your answer. Compare the main points, not the wording.",
        "note");
  }

  var checkers = { "hcai-sc-choice": checkChoice, "hcai-sc-matching": checkMatching,
                   "hcai-sc-short": checkShort };

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form.hcai-sc-question").forEach(function (form) {
      var kind = Object.keys(checkers).filter(function (k) { return form.classList.contains(k); })[0];
      if (!kind) { return; }
      var button = form.querySelector(".hcai-sc-check");
      if (button) { button.hidden = false; }
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        checkers[kind](form);
      });
    });
  });
})();
