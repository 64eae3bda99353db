// The layout on a narrow screen (static/css/panel.css, "narrow screens"):
// - the header's links go behind a disclosure button ("Menu"), closed on every page and by Escape;
// - a table with class "cards" shows each row as a card, each value named by its column's
//   heading: the headings are copied into the cells' data-label here, including into rows htmx
//   swaps in later, so that the templates name each column once.
(() => {
  const button = document.getElementById("menu-toggle");
  if (button) {
    const header = button.closest("header");
    const setOpen = (open) => button.setAttribute("aria-expanded", String(open));
    header.classList.add("has-menu");
    button.hidden = false;
    button.addEventListener("click", () => setOpen(button.getAttribute("aria-expanded") !== "true"));
    header.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        setOpen(false);
        button.focus();
      }
    });
  }

  const label = (table) => {
    if (!table.tHead || !table.tHead.rows.length) return;
    const headings = [];
    for (const th of table.tHead.rows[0].cells) {
      for (let i = 0; i < th.colSpan; i += 1) headings.push(th.textContent.trim());
    }
    for (const body of table.tBodies) {
      for (const row of body.rows) {
        let column = 0;
        for (const cell of row.cells) {
          if (cell.colSpan === 1 && headings[column]) cell.dataset.label = headings[column];
          column += cell.colSpan;
        }
      }
    }
  };
  const labelWithin = (root) => {
    const table = root.closest && root.closest("table.cards");
    if (table) label(table);
    if (root.querySelectorAll) root.querySelectorAll("table.cards").forEach(label);
  };
  labelWithin(document.documentElement);
  document.addEventListener("htmx:load", (event) => labelWithin(event.detail.elt));
})();
