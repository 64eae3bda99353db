// The domain list's "select all": a checkbox with data-pick-all ticks or clears the ids of its form.
// It starts hidden (it does nothing without this script) and follows the rows' own ticks. A row
// htmx swaps in while its domain configures keeps the tick the row had.
(() => {
  const rows = (all) => Array.from(all.form.querySelectorAll('input[type="checkbox"][name="ids"]'));
  const boxes = () => Array.from(document.querySelectorAll("input[data-pick-all]")).filter((all) => all.form);
  const follow = (all) => {
    const ticked = rows(all).filter((box) => box.checked).length;
    all.hidden = rows(all).length === 0;
    all.checked = ticked > 0 && ticked === rows(all).length;
    all.indeterminate = ticked > 0 && !all.checked;
  };
  document.addEventListener("change", (event) => {
    const box = event.target;
    if (box.matches("input[data-pick-all]") && box.form) {
      rows(box).forEach((row) => { row.checked = box.checked; });
      box.indeterminate = false;
    } else if (box.matches('input[name="ids"]')) {
      boxes().filter((all) => all.form === box.form).forEach(follow);
    }
  });
  const kept = new Set();
  document.addEventListener("htmx:beforeSwap", (event) => {
    event.detail.target.querySelectorAll('input[name="ids"]:checked').forEach((box) => kept.add(box.value));
  });
  document.addEventListener("htmx:load", (event) => {
    event.detail.elt.querySelectorAll('input[name="ids"]').forEach((box) => {
      if (kept.delete(box.value)) box.checked = true;
    });
    boxes().forEach(follow);
  });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", () => boxes().forEach(follow));
  else boxes().forEach(follow);
})();
