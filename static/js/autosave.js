// Autosave of a form posted by htmx (the answer of an état des lieux): shows that a save is in
// flight, says when the last one failed, marks the fields the server refused, and stops saving
// once the server reports a conflict, so that nobody's text is overwritten until the person
// chooses which version to keep (the conflict screen's buttons reload the page).
(function () {
  "use strict";

  function mark(field, invalid) {
    if (invalid) {
      field.setAttribute("aria-invalid", "true");
    } else {
      field.removeAttribute("aria-invalid");
    }
  }

  function markInvalidFields(form) {
    form.querySelectorAll("[aria-describedby]").forEach(function (field) {
      const errors = field
        .getAttribute("aria-describedby")
        .split(" ")
        .map(function (id) { return document.getElementById(id); })
        .filter(function (element) { return element && element.classList.contains("field-errors"); });
      if (!errors.length) {
        return;
      }
      const invalid = errors.some(function (element) { return element.textContent.trim() !== ""; });
      if (field.tagName === "FIELDSET") {
        field.querySelectorAll("input").forEach(function (input) { mark(input, invalid); });
      } else {
        mark(field, invalid);
      }
    });
  }

  function setUp(form) {
    const status = form.querySelector("[role=status]");
    const saving = form.querySelector("[data-autosave-saving]");
    let paused = form.hasAttribute("data-autosave-paused");

    form.addEventListener("htmx:beforeRequest", function (event) {
      if (event.detail.elt !== form) {
        return;
      }
      if (paused) {
        event.preventDefault(); // in conflict: wait for the person's choice
        return;
      }
      saving.hidden = false;
    });

    function showFailure() {
      const message = document.createElement("p");
      message.className = "mb-0 text-danger";
      message.textContent = form.dataset.autosaveFailed;
      status.replaceChildren(message);
    }

    form.addEventListener("htmx:afterRequest", function (event) {
      if (event.detail.elt !== form) {
        return;
      }
      saving.hidden = true;
      if (!event.detail.successful) {
        showFailure(); // offline, or the server refused: the text stays in the form
      }
    });
    form.addEventListener("htmx:sendError", showFailure);

    form.addEventListener("htmx:afterSettle", function () {
      const state = status.querySelector("[data-autosave]");
      if (state && state.dataset.autosave === "conflict") {
        paused = true;
      }
      markInvalidFields(form);
    });
  }

  function start() {
    document.querySelectorAll("form[data-autosave]").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
