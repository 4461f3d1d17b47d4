// The editing pages work without this file; it only saves a reload or two.
// - The item form shows only the detail that goes with the chosen action.
// - "Say it" asks for JSON with the CSRF header, so what was typed stays on the page.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function showArguments(select) {
    var action = select.value;
    var words = document.querySelector("[data-action-words]");
    var chosen = select.options[select.selectedIndex];
    if (words && chosen) { words.textContent = chosen.getAttribute("data-words") || ""; }
    document.querySelectorAll("[data-for-action]").forEach(function (field) {
      var wanted = field.getAttribute("data-for-action");
      field.hidden = wanted !== action;
    });
    var details = document.querySelector(".arguments");
    if (details) {
      details.hidden = !details.querySelector("[data-for-action]:not([hidden])");
    }
  }

  function statusNear(element) {
    var holder = element.closest(".field, form");
    return holder ? holder.querySelector(".say-status") : null;
  }

  function say(form, submitter) {
    var body = new FormData(form);
    if (submitter && submitter.name) {
      body.append(submitter.name, submitter.value);
    }
    var status = statusNear(submitter || form);
    var csrf = body.get("csrf") || "";
    if (status) { status.textContent = "…"; }
    fetch("/say", {
      method: "POST",
      body: body,
      headers: { "X-CSRF-Token": csrf, "Accept": "application/json" },
      credentials: "same-origin"
    }).then(function (answer) {
      if (answer.status === 403) {
        return { ok: false, message: "This page is out of date: reload it and try again." };
      }
      if (!answer.ok) { throw new Error("HTTP " + answer.status); }
      return answer.json();
    }).then(function (result) {
      if (status) { status.textContent = (result.ok ? "✓ " : "⚠ ") + result.message; }
    }).catch(function () {
      if (status) { status.textContent = "⚠ Could not reach the page's server. Reload and try again."; }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-dismiss]").forEach(function (button) {
      button.addEventListener("click", function () { button.parentElement.remove(); });
    });
    var select = document.querySelector("[data-action-select]");
    if (select) {
      showArguments(select);
      select.addEventListener("change", function () { showArguments(select); });
    }
    document.addEventListener("submit", function (event) {
      var form = event.target;
      var submitter = event.submitter;
      var toSay = form.hasAttribute("data-say") ||
        (submitter && submitter.hasAttribute("data-say-button"));
      if (!toSay || !window.fetch) { return; }
      event.preventDefault();
      say(form, submitter);
    });
  });
})();
