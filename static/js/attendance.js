// Attendance pages, without inline script (strict CSP). Everything here is an extra: without
// JavaScript the buttons it shows stay hidden and the pages still work.
// - Absentees: "Copy the message" copies the follow-up message; editing the subject or the
//   message updates the "Write to" links (mailto:) so that they carry the edited text.
document.addEventListener("DOMContentLoaded", () => {
  const body = document.querySelector("[data-follow-up-body]");
  const subject = document.querySelector("[data-follow-up-subject]");
  if (body && subject) {
    const updateLinks = () => {
      // RFC 6068: lines end in CRLF; encodeURIComponent writes spaces as %20.
      const text = body.value.replace(/\r?\n/g, "\r\n");
      for (const link of document.querySelectorAll("a[data-mailto]")) {
        link.href = `mailto:${link.dataset.mailto}?subject=${encodeURIComponent(subject.value)}&body=${encodeURIComponent(text)}`;
      }
    };
    body.addEventListener("input", updateLinks);
    subject.addEventListener("input", updateLinks);
  }

  const status = document.getElementById("follow-up-status");
  for (const button of document.querySelectorAll("button[data-copy-message]")) {
    const source = document.getElementById(button.dataset.copyMessage);
    if (!source || !status) {
      continue;
    }
    button.hidden = false;
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(source.value);
        status.textContent = status.dataset.copied;
      } catch {
        // No clipboard outside HTTPS (or refused): select the text for a manual copy.
        source.focus();
        source.select();
        status.textContent = status.dataset.copyFailed;
      }
    });
  }
});
