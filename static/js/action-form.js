// The check step of an action (done on, effectiveness, note, evidence) shows once the status
// says "done". Without JavaScript it is always shown.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("action-form");
  const status = form && form.elements.namedItem("status");
  const step = form && form.querySelector("[data-check-step]");
  if (!status || !step) {
    return;
  }
  // A check field with an error stays in view, whatever the status.
  const hasErrors = step.querySelector(".is-invalid") !== null;
  const sync = () => {
    step.hidden = status.value !== "done" && !hasErrors;
  };
  status.addEventListener("change", sync);
  sync();
});
