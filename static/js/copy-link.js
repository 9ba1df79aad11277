// "Copy" buttons next to read-only links: <button data-copy="<input id>">. The status
// element #feed-copy-status (role="status") says what happened, in its data-* texts.
// Without JavaScript the buttons stay hidden and the link is copied by hand.
document.addEventListener("DOMContentLoaded", () => {
  const status = document.getElementById("feed-copy-status");
  for (const button of document.querySelectorAll("button[data-copy]")) {
    const input = document.getElementById(button.dataset.copy);
    if (!input || !status) {
      continue;
    }
    button.hidden = false;
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(input.value);
        status.textContent = status.dataset.copied;
      } catch {
        // No clipboard outside HTTPS (or refused): select the link for a manual copy.
        input.focus();
        input.select();
        status.textContent = status.dataset.copyFailed;
      }
    });
  }
  for (const input of document.querySelectorAll("input[readonly]")) {
    input.addEventListener("focus", () => input.select());
  }
});
