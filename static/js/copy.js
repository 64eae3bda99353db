// One-click copy of a CNAME: any button with data-copy, including rows htmx swaps in later.
document.addEventListener("click", async (event) => {
  const button = event.target.closest("button[data-copy]");
  if (!button) return;
  try {
    await navigator.clipboard.writeText(button.dataset.copy);
    button.dataset.copied = "1";
    setTimeout(() => delete button.dataset.copied, 1500);
  } catch {
    window.prompt("CNAME", button.dataset.copy);
  }
});
