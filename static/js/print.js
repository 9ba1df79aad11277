// "Print" buttons of printable pages, without inline script (strict CSP). Without JavaScript
// the button stays hidden and the browser's own Print command (Ctrl+P) does the same.
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("button[data-print]")) {
    button.hidden = false;
    button.addEventListener("click", () => window.print());
  }
});
