// The domain list's "select all": any checkbox with data-pick-all ticks or clears the ids of its form.
// It starts hidden (it does nothing without this script) and follows the rows' own ticks.
(() => {
  const rows = (all) => Array.from(all.form.querySelectorAll('input[type="checkbox"][name="ids"]'));
  const follow = (all) => {
    const ticked = rows(all).filter((box) => box.checked).length;
    all.checked = ticked > 0 && ticked === rows(all).length;
    all.indeterminate = ticked > 0 && !all.checked;
  };
  const boxes = () => Array.from(document.querySelectorAll("input[data-pick-all]")).filter((all) => all.form);
  document.addEventListener("change", (event) => {
    const box = event.target;
    if (box.matches("input[data-pick-all]") && box.form) {
      rows(box).forEach((row) => { row.checked = box.checked; });
    } else if (box.matches('input[name="ids"]')) {
      boxes().filter((all) => all.form === box.form).forEach(follow);
    }
  });
  const start = () => boxes().forEach((all) => {
    all.hidden = rows(all).length === 0;
    follow(all);
  });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
