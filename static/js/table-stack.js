// Below 992 px a .table-stack row is shown as a card; each cell is labelled with its column's
// heading (CSS shows td[data-label]). Cells that already carry a label keep it.
document.querySelectorAll("table.table-stack").forEach((table) => {
  const headings = [...table.querySelectorAll("thead th")].map((th) => th.textContent.trim());
  table.querySelectorAll("tbody tr").forEach((row) => {
    [...row.children].forEach((cell, index) => {
      if (cell.tagName === "TD" && !cell.dataset.label && headings[index] && cell.colSpan === 1) {
        cell.dataset.label = headings[index];
      }
    });
  });
});
